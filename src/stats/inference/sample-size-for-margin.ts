import { StatsInputError } from '../stats-input-error.js'
import { criticalValue } from './critical-value.js'

export interface SampleSizeForMarginOptions {
  /** Desired half-width of the interval, in (0, 1). */
  margin: number
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number
  /** Anticipated proportion in (0, 1); default 0.5 (the worst case). */
  p?: number
  /** Population size N for the finite population correction; omit for an infinite population. */
  population?: number
}

/**
 * Sample size needed to estimate a proportion within ± margin at a confidence level.
 *
 * Definition: n₀ = z² p(1-p) / e² with z = z_{1-α/2} (Cochran 1977 eq. 4.1); with a finite
 * population N, n = n₀ / (1 + (n₀ - 1)/N) (Cochran 1977 eq. 4.2); the result is rounded up
 * (after forgiving 1e-9 of floating-point excess so exact integers are not bumped). It inverts
 * `marginOfError` (normal approximation with finite population correction).
 *
 * When to use: planning how many decisions to audit per period so that the reported rate has
 * a given precision; p = 0.5 is the conservative choice when the rate is unknown.
 *
 * Reference: W. G. Cochran (1977) Sampling Techniques, 3rd ed., Wiley, §4.4, eq. 4.1-4.2;
 * https://en.wikipedia.org/wiki/Sample_size_determination#Estimation_of_a_proportion
 *
 * Cost: O(1).
 *
 * @throws {StatsInputError} when margin or p is not in (0, 1), confidence is not in (0, 1), or
 * population is given but not a finite number ≥ 1
 * @example
 * sampleSizeForMargin({ margin: 0.05 }) // 385
 * sampleSizeForMargin({ margin: 0.05, population: 1000 }) // 278
 */
export function sampleSizeForMargin(options: SampleSizeForMarginOptions): number {
  const { margin, confidence = 0.95, p = 0.5, population } = options
  if (!(margin > 0 && margin < 1)) {
    throw new StatsInputError('`sampleSizeForMargin` requires a margin strictly between 0 and 1')
  }
  if (!(p > 0 && p < 1)) {
    throw new StatsInputError('`sampleSizeForMargin` requires p strictly between 0 and 1')
  }
  if (population !== undefined && !(population >= 1 && Number.isFinite(population))) {
    throw new StatsInputError('`sampleSizeForMargin` requires a finite population of at least 1')
  }
  const z = criticalValue(confidence, 'sampleSizeForMargin')
  const infinite = (z * z * p * (1 - p)) / (margin * margin)
  const n = population === undefined ? infinite : infinite / (1 + (infinite - 1) / population)
  return Math.max(1, Math.ceil(n - 1e-9))
}
