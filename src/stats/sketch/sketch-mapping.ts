import { StatsInputError } from '../stats-input-error.js'

/** Default relative accuracy α of the quantile sketch: estimates within ±1 % for values ≥ 1. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01

/** The logarithmic bucket mapping for one relative accuracy α. Internal. */
export interface SketchMapping {
  relativeAccuracy: number
  /** γ = (1 + α) / (1 − α): ratio between consecutive bucket bounds. */
  gamma: number
  /** 1 / ln γ, so every caller computes bucket indices with the same floating-point steps. */
  inverseLogGamma: number
  logGamma: number
}

/** Validates α ∈ (0, 1) and derives γ. Internal; `functionName` goes into the error. */
export function sketchMapping(functionName: string, relativeAccuracy: number): SketchMapping {
  if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
    throw new StatsInputError(`\`${functionName}\` requires relativeAccuracy between 0 and 1`)
  }
  const gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
  const logGamma = Math.log(gamma)
  return { relativeAccuracy, gamma, logGamma, inverseLogGamma: 1 / logGamma }
}

/**
 * Bucket of a value already checked to be finite and ≥ 0: 0 for values below 1, otherwise
 * ⌊ln v / ln γ⌋ + 1 ≥ 1, so bucket b ≥ 1 holds [γ^(b−1), γ^b). Internal hot path.
 */
export function bucketOf(value: number, inverseLogGamma: number): number {
  return value < 1 ? 0 : Math.floor(Math.log(value) * inverseLogGamma) + 1
}

/**
 * Representative value of bucket b: 0 for bucket 0, else 2γ^b / (1 + γ), the point of
 * [γ^(b−1), γ^b) whose relative distance to both ends is α. Internal.
 */
export function valueOfBucket(bucket: number, mapping: SketchMapping): number {
  if (bucket === 0) return 0
  const lower = Math.exp((bucket - 1) * mapping.logGamma)
  return Math.min(lower * ((2 * mapping.gamma) / (1 + mapping.gamma)), Number.MAX_VALUE)
}

/** Throws unless `value` is a finite number ≥ 0 (handle times in ms). Internal. */
export function checkSketchValue(functionName: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new StatsInputError(`\`${functionName}\` requires a finite value of at least 0`)
  }
}

/**
 * The q-quantile from bucket counts sorted by bucket ascending with total n > 0: the
 * representative value of the bucket holding the item of 0-based rank ⌊q·(n − 1)⌋. Internal.
 */
export function quantileOfSortedBuckets(
  sorted: readonly (readonly [number, number])[],
  total: number,
  q: number,
  mapping: SketchMapping,
): number {
  const rank = Math.floor(q * (total - 1))
  let cumulative = 0
  for (const [bucket, count] of sorted) {
    cumulative += count
    if (cumulative > rank) return valueOfBucket(bucket, mapping)
  }
  // Unreachable for consistent totals; the last bucket is the maximum.
  return valueOfBucket((sorted.at(-1) as readonly [number, number])[0], mapping)
}

/** Throws unless q ∈ [0, 1]. Internal. */
export function checkQuantileProbability(functionName: string, q: number): void {
  if (!(q >= 0 && q <= 1)) {
    throw new StatsInputError(`\`${functionName}\` requires q between 0 and 1`)
  }
}
