import { StatsInputError } from '../stats-input-error.js'
import { criticalValue } from './critical-value.js'

export interface MarginOfErrorOptions {
  /** Anticipated proportion in [0, 1]; default 0.5 (the worst case). */
  p?: number
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number
  /** Population size N ≥ n for the finite population correction; omit for an infinite population. */
  population?: number
}

/**
 * Margin of error (half-width of the normal-approximation interval) of a proportion estimated
 * from a simple random sample of n.
 *
 * Definition: e = z_{1-α/2} √(p(1-p)/n) · √((N - n)/(N - 1)), the last factor being the finite
 * population correction (omitted when no population is given; 0 when n = N, a census).
 * It is the inverse of `sampleSizeForMargin` (Cochran 1977 eq. 4.2).
 *
 * When to use: telling a reviewer how precise an audited rate is expected to be for a planned
 * or achieved number of audits.
 *
 * Reference: W. G. Cochran (1977) Sampling Techniques, 3rd ed., Wiley, §3.4 and §4.4;
 * https://en.wikipedia.org/wiki/Margin_of_error
 *
 * Cost: O(1).
 *
 * @throws {StatsInputError} when n is not a positive integer, p is outside [0, 1], confidence is
 * not in (0, 1), or population is given but not a finite number ≥ n
 * @example
 * marginOfError(385) // ≈ 0.049944
 * marginOfError(278, { population: 1000 }) // ≈ 0.049967
 */
export function marginOfError(n: number, options: MarginOfErrorOptions = {}): number {
  const { p = 0.5, confidence = 0.95, population } = options
  if (!Number.isInteger(n) || n < 1) {
    throw new StatsInputError('`marginOfError` requires n to be a positive integer')
  }
  if (!(p >= 0 && p <= 1)) {
    throw new StatsInputError('`marginOfError` requires p between 0 and 1')
  }
  if (population !== undefined && !(population >= n && Number.isFinite(population))) {
    throw new StatsInputError('`marginOfError` requires a finite population at least as large as n')
  }
  const z = criticalValue(confidence, 'marginOfError')
  let correction = 1
  if (population !== undefined) {
    correction = population === n ? 0 : (population - n) / (population - 1)
  }
  return z * Math.sqrt(((p * (1 - p)) / n) * correction)
}
