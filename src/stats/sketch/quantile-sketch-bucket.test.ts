import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { quantileSketchBucket } from './quantile-sketch-bucket.js'
import { quantileSketchBucketValue } from './quantile-sketch-bucket-value.js'

// Reference (python3):
//   import math; a = 0.01; g = (1 + a) / (1 - a); lg = math.log(g)
//   b = lambda v: 0 if v < 1 else math.floor(math.log(v) * (1 / lg)) + 1
//   [b(1), b(100), b(365 * 86400e3)]            → [1, 231, 1209]
//   math.exp(230 * lg) * 2 * g / (1 + g)         → 100.49456770856492   (bucket 231)
//   g ** 230, g ** 231                           → 99.49957198867813, 101.50966435208576

describe('quantileSketchBucket', () => {
  it('maps values below 1 to bucket 0 and values from 1 up to positive buckets', () => {
    expect(quantileSketchBucket(0)).toBe(0)
    expect(quantileSketchBucket(0.999)).toBe(0)
    expect(quantileSketchBucket(1)).toBe(1)
    expect(quantileSketchBucket(100)).toBe(231)
    expect(quantileSketchBucket(365 * 86_400_000)).toBe(1209)
  })

  it('uses coarser buckets for a looser accuracy', () => {
    expect(quantileSketchBucket(100, 0.05)).toBeLessThan(quantileSketchBucket(100, 0.01))
  })

  it('is non-decreasing in the value', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a]
          expect(quantileSketchBucket(low)).toBeLessThanOrEqual(quantileSketchBucket(high))
        },
      ),
    )
  })

  it('rejects negative or non-finite values and accuracies outside (0, 1)', () => {
    expect(() => quantileSketchBucket(-1)).toThrow(
      '`quantileSketchBucket` requires a finite value of at least 0',
    )
    expect(() => quantileSketchBucket(Number.NaN)).toThrow(StatsInputError)
    expect(() => quantileSketchBucket(Infinity)).toThrow(StatsInputError)
    expect(() => quantileSketchBucket(5, 0)).toThrow(
      '`quantileSketchBucket` requires relativeAccuracy between 0 and 1',
    )
    expect(() => quantileSketchBucket(5, 1)).toThrow(StatsInputError)
  })
})

describe('quantileSketchBucketValue', () => {
  it('returns 0 for bucket 0 and the α-centred point of a bucket otherwise', () => {
    expect(quantileSketchBucketValue(0)).toBe(0)
    expectClose(quantileSketchBucketValue(231), 100.49456770856492, { relative: 1e-12 })
  })

  it('is within α of every value ≥ 1 in its bucket', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e15, noNaN: true }),
        fc.constantFrom(0.001, 0.01, 0.02, 0.05, 0.2),
        (value, alpha) => {
          const estimate = quantileSketchBucketValue(quantileSketchBucket(value, alpha), alpha)
          expect(Math.abs(estimate - value)).toBeLessThanOrEqual(alpha * value * (1 + 1e-9))
        },
      ),
    )
  })

  it('rejects negative or fractional buckets', () => {
    expect(() => quantileSketchBucketValue(-1)).toThrow(
      '`quantileSketchBucketValue` requires a non-negative integer bucket',
    )
    expect(() => quantileSketchBucketValue(1.5)).toThrow(StatsInputError)
    expect(() => quantileSketchBucketValue(3, 2)).toThrow(
      '`quantileSketchBucketValue` requires relativeAccuracy between 0 and 1',
    )
  })
})
