import { StatsInputError } from '../stats-input-error.js'
import { DEFAULT_RELATIVE_ACCURACY, sketchMapping, valueOfBucket } from './sketch-mapping.js'

/**
 * Representative value of a quantile-sketch bucket (the value a quantile estimate reports).
 *
 * Definition: bucket 0 (all values below 1) → 0; bucket b ≥ 1, holding [γ^(b−1), γ^b) with
 * γ = (1 + α)/(1 − α), → 2γ^b / (1 + γ). That point is within relative distance α of both ends
 * of the bucket, so any value v ≥ 1 in the bucket satisfies |estimate − v| ≤ α·v.
 *
 * When to use: to label histogram bars of stored bucket rows, or to check an estimate's range.
 *
 * Reference: Masson, Rim & Lee (2019) "DDSketch", PVLDB 12(12):2195-2205, §2.1, Algorithm 2
 * (https://arxiv.org/abs/1908.10693).
 *
 * Cost: O(1).
 *
 * @throws {StatsInputError} when the bucket is not a non-negative integer or the relative
 * accuracy is not strictly between 0 and 1
 * @example
 * quantileSketchBucketValue(0) // 0
 * quantileSketchBucketValue(231) // 100.4945677… (bucket [99.4995…, 101.5096…))
 */
export function quantileSketchBucketValue(
  bucket: number,
  relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY,
): number {
  const mapping = sketchMapping('quantileSketchBucketValue', relativeAccuracy)
  if (!(Number.isSafeInteger(bucket) && bucket >= 0)) {
    throw new StatsInputError('`quantileSketchBucketValue` requires a non-negative integer bucket')
  }
  return valueOfBucket(bucket, mapping)
}
