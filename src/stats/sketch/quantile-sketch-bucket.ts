import {
  DEFAULT_RELATIVE_ACCURACY,
  bucketOf,
  checkSketchValue,
  sketchMapping,
} from './sketch-mapping.js'

/**
 * Bucket index of a value in the logarithmic (DDSketch-style) quantile sketch.
 *
 * Definition: with γ = (1 + α)/(1 − α), a value v ≥ 1 goes to bucket ⌊ln v / ln γ⌋ + 1,
 * i.e. bucket b ≥ 1 holds [γ^(b−1), γ^b); every value in [0, 1) goes to bucket 0. Indices
 * are therefore non-negative integers, which suits a SQL table of (bucket, count) rows
 * merged with SUM … GROUP BY bucket. The shift by one (compared with DDSketch's ⌈log_γ v⌉)
 * keeps bucket 0 free for the sub-unit values: for handle times in milliseconds, anything
 * under 1 ms is treated as 0 (absolute error < 1 ms) and the α relative-error guarantee holds
 * from 1 ms up. With α = 0.01 a value of one year in ms lands in bucket 1,209.
 *
 * When to use: to store handle-time distributions per period/queue as bucket counts that can
 * be summed across workers, days and sites, then read quantiles with `quantileFromBuckets`.
 * Use the same α for every row that is ever merged.
 *
 * Reference: Masson, Rim & Lee (2019) "DDSketch: a fast and fully-mergeable quantile sketch
 * with relative-error guarantees", PVLDB 12(12):2195-2205, §2.1 (https://arxiv.org/abs/1908.10693).
 *
 * Cost: O(1).
 *
 * @throws {StatsInputError} when the value is negative, NaN or infinite, or the relative
 * accuracy is not strictly between 0 and 1
 * @example
 * quantileSketchBucket(0.4) // 0
 * quantileSketchBucket(1) // 1
 * quantileSketchBucket(100) // 231
 */
export function quantileSketchBucket(
  value: number,
  relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY,
): number {
  const mapping = sketchMapping('quantileSketchBucket', relativeAccuracy)
  checkSketchValue('quantileSketchBucket', value)
  return bucketOf(value, mapping.inverseLogGamma)
}
