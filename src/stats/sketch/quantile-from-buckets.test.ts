import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { quantileFromBuckets } from './quantile-from-buckets.js'
import { quantileSketchBucketValue } from './quantile-sketch-bucket-value.js'

describe('quantileFromBuckets', () => {
  it('sums repeated bucket rows and picks the bucket of rank ⌊q(n − 1)⌋', () => {
    // rows sum to bucket 1: 1, bucket 231: 4 → sorted ranks 0 | 1 2 3 4
    const rows: [number, number][] = [
      [231, 3],
      [1, 1],
      [231, 1],
    ]
    // python: exp(230·ln γ)·2γ/(1+γ) with γ = 1.01/0.99 → 100.49456770856492
    expectClose(quantileFromBuckets(rows, 0.5), 100.49456770856492, { relative: 1e-12 })
    expect(quantileFromBuckets(rows, 0)).toBe(quantileSketchBucketValue(1))
    // rank ⌊0.2·4⌋ = 0 still in bucket 1; ⌊0.25·4⌋ = 1 moves to bucket 231
    expect(quantileFromBuckets(rows, 0.2)).toBe(quantileSketchBucketValue(1))
    expect(quantileFromBuckets(rows, 0.25)).toBe(quantileSketchBucketValue(231))
  })

  it('accepts any iterable and skips zero counts', () => {
    const rows = new Map<number, number>([
      [10, 0],
      [20, 2],
    ])
    expect(quantileFromBuckets(rows, 0)).toBe(quantileSketchBucketValue(20))
  })

  it('rejects bad rows, an empty total and q outside [0, 1]', () => {
    expect(() => quantileFromBuckets([], 0.5)).toThrow(
      '`quantileFromBuckets` requires at least one counted value',
    )
    expect(() => quantileFromBuckets([[1, 0]], 0.5)).toThrow(StatsInputError)
    expect(() => quantileFromBuckets([[-1, 1]], 0.5)).toThrow(
      '`quantileFromBuckets` requires non-negative integer buckets',
    )
    expect(() => quantileFromBuckets([[1, 1.5]], 0.5)).toThrow(
      '`quantileFromBuckets` requires non-negative integer counts',
    )
    expect(() => quantileFromBuckets([[1, 1]], -0.1)).toThrow(
      '`quantileFromBuckets` requires q between 0 and 1',
    )
    expect(() => quantileFromBuckets([[1, 1]], 0.5, 1)).toThrow(
      '`quantileFromBuckets` requires relativeAccuracy between 0 and 1',
    )
  })

  it('does not mutate its inputs', () => {
    const rows = Object.freeze([Object.freeze([5, 1] as const), Object.freeze([2, 1] as const)])
    expect(quantileFromBuckets(rows, 1)).toBe(quantileSketchBucketValue(5))
    expect(rows).toEqual([
      [5, 1],
      [2, 1],
    ])
  })
})
