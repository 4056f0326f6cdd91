import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { createQuantileSketch } from './create-quantile-sketch.js'
import { quantileFromBuckets } from './quantile-from-buckets.js'

/** The exact order statistic the sketch estimates: 0-based rank ⌊q·(n − 1)⌋. */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(q * (sorted.length - 1))] as number
}

function sketchOf(values: readonly number[], alpha: number) {
  const sketch = createQuantileSketch(alpha)
  for (const v of values) sketch.add(v)
  return sketch
}

// handle times in ms: a wide, skewed range from 1 ms to ~3 hours
const handleTimes = fc.array(fc.double({ min: 1, max: 1e7, noNaN: true }), {
  minLength: 1,
  maxLength: 300,
})
const accuracy = fc.constantFrom(0.005, 0.01, 0.02, 0.05)

describe('createQuantileSketch', () => {
  it('estimates a small sample within 1 %', () => {
    const sketch = sketchOf([120, 340, 90, 1500, 410], 0.01)
    expect(sketch.count()).toBe(5)
    // python: bucket(340) = 292, representative exp(291·ln γ)·2γ/(1+γ) = 340.40781083814704
    expectClose(sketch.quantile(0.5), 340.40781083814704, { relative: 1e-12 })
    expect(Math.abs(sketch.quantile(0) - 90)).toBeLessThanOrEqual(0.9)
    expect(Math.abs(sketch.quantile(1) - 1500)).toBeLessThanOrEqual(15)
  })

  it('keeps the relative-error guarantee against exact quantiles on random data', () => {
    fc.assert(
      fc.property(
        handleTimes,
        fc.double({ min: 0, max: 1, noNaN: true }),
        accuracy,
        (values, q, alpha) => {
          const exact = exactQuantile(values, q)
          const estimate = sketchOf(values, alpha).quantile(q)
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(alpha * exact * (1 + 1e-9))
        },
      ),
    )
  })

  it('reports values below 1 as 0 (absolute error under one unit)', () => {
    const sketch = sketchOf([0, 0.2, 0.7, 5], 0.01)
    expect(sketch.quantile(0)).toBe(0)
    expect(sketch.quantile(0.5)).toBe(0)
    expect(sketch.buckets()[0]).toEqual([0, 3])
  })

  it('merges exactly: merge(a, b) has the buckets of the sketch of a ∪ b', () => {
    fc.assert(
      fc.property(handleTimes, handleTimes, accuracy, (a, b, alpha) => {
        const merged = sketchOf(a, alpha)
        merged.merge(sketchOf(b, alpha))
        const union = sketchOf([...a, ...b], alpha)
        expect(merged.buckets()).toEqual(union.buckets())
        expect(merged.count()).toBe(a.length + b.length)
        for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1])
          expect(merged.quantile(q)).toBe(union.quantile(q))
      }),
    )
  })

  it('merges stored (bucket, count) rows the same way as a sketch', () => {
    const a = sketchOf([5, 50, 500], 0.01)
    const b = sketchOf([7, 70, 50], 0.01)
    const fromRows = sketchOf([5, 50, 500], 0.01)
    fromRows.merge(b.buckets())
    a.merge(b)
    expect(fromRows.buckets()).toEqual(a.buckets())
  })

  it('agrees with quantileFromBuckets on its own bucket rows', () => {
    fc.assert(
      fc.property(
        handleTimes,
        fc.double({ min: 0, max: 1, noNaN: true }),
        accuracy,
        (values, q, alpha) => {
          const sketch = sketchOf(values, alpha)
          expect(quantileFromBuckets(sketch.buckets(), q, alpha)).toBe(sketch.quantile(q))
        },
      ),
    )
  })

  it('counts repeated adds like single adds', () => {
    const once = createQuantileSketch()
    once.add(42, 3)
    expect(once.buckets()).toEqual(sketchOf([42, 42, 42], 0.01).buckets())
  })

  it('rejects invalid values, counts, q, accuracies and mismatched merges', () => {
    expect(() => createQuantileSketch(0)).toThrow(
      '`createQuantileSketch` requires relativeAccuracy between 0 and 1',
    )
    const sketch = createQuantileSketch(0.01)
    expect(() => sketch.quantile(0.5)).toThrow(
      '`quantileSketch.quantile` requires at least one value',
    )
    expect(() => sketch.add(-1)).toThrow(
      '`quantileSketch.add` requires a finite value of at least 0',
    )
    expect(() => sketch.add(Number.NaN)).toThrow(StatsInputError)
    expect(() => sketch.add(1, 0)).toThrow(
      '`quantileSketch.add` requires times to be a positive integer',
    )
    sketch.add(10)
    expect(() => sketch.quantile(1.1)).toThrow(
      '`quantileSketch.quantile` requires q between 0 and 1',
    )
    expect(() => sketch.merge(createQuantileSketch(0.02))).toThrow(
      '`quantileSketch.merge` requires sketches with the same relativeAccuracy',
    )
    expect(() =>
      sketch.merge([
        [1, 2],
        [-1, 1],
      ]),
    ).toThrow('`quantileSketch.merge` requires rows of non-negative integers')
    expect(sketch.count()).toBe(1) // the rejected merge changed nothing
  })

  it('does not mutate merged inputs', () => {
    const rows = Object.freeze([Object.freeze([3, 2] as const), Object.freeze([9, 1] as const)])
    const other = sketchOf([8, 9], 0.01)
    const before = other.buckets()
    const sketch = createQuantileSketch()
    sketch.merge(rows)
    sketch.merge(other)
    expect(other.buckets()).toEqual(before)
    expect(sketch.count()).toBe(5)
  })
})
