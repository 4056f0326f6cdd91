import { StatsInputError } from '../stats-input-error.js'
import {
  DEFAULT_RELATIVE_ACCURACY,
  checkQuantileProbability,
  quantileOfSortedBuckets,
  sketchMapping,
} from './sketch-mapping.js'

/**
 * Quantile estimate from stored quantile-sketch rows of (bucket index, count).
 *
 * Definition: rows with the same bucket are summed (so unaggregated rows from several
 * periods or workers can be passed directly), buckets are ordered, and the estimate is the
 * representative value (`quantileSketchBucketValue`) of the bucket containing the item of
 * 0-based rank ⌊q·(n − 1)⌋ in sorted order. For that item x ≥ 1 the estimate is within α·x
 * of x (DDSketch's guarantee); items below 1 are reported as 0.
 *
 * When to use: reading a median or p90 handle time straight from SQL-aggregated bucket rows
 * (`SELECT bucket, SUM(count) … GROUP BY bucket`) without rebuilding a sketch object. The rows
 * must all have been built with this `relativeAccuracy`.
 *
 * Reference: Masson, Rim & Lee (2019) "DDSketch", PVLDB 12(12):2195-2205, §2, Algorithm 2
 * (https://arxiv.org/abs/1908.10693).
 *
 * Cost: O(m log m) for m rows.
 *
 * @throws {StatsInputError} when q is outside [0, 1], a bucket is not a non-negative integer,
 * a count is not a non-negative integer, the total count is 0, or the relative accuracy is
 * not strictly between 0 and 1
 * @example
 * quantileFromBuckets([[231, 3], [1, 1], [231, 1]], 0.5) // 100.4945677… (bucket 231)
 */
export function quantileFromBuckets(
  buckets: Iterable<readonly [number, number]>,
  q: number,
  relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY,
): number {
  const mapping = sketchMapping('quantileFromBuckets', relativeAccuracy)
  checkQuantileProbability('quantileFromBuckets', q)
  const counts = new Map<number, number>()
  let total = 0
  for (const [bucket, count] of buckets) {
    if (!(Number.isSafeInteger(bucket) && bucket >= 0)) {
      throw new StatsInputError('`quantileFromBuckets` requires non-negative integer buckets')
    }
    if (!(Number.isSafeInteger(count) && count >= 0)) {
      throw new StatsInputError('`quantileFromBuckets` requires non-negative integer counts')
    }
    if (count === 0) continue
    counts.set(bucket, (counts.get(bucket) ?? 0) + count)
    total += count
  }
  if (total === 0) {
    throw new StatsInputError('`quantileFromBuckets` requires at least one counted value')
  }
  const sorted = [...counts].sort(([a], [b]) => a - b)
  return quantileOfSortedBuckets(sorted, total, q, mapping)
}
