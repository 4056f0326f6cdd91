import { normalQuantile } from '../distributions/normal-quantile.js'
import { StatsInputError } from '../stats-input-error.js'

export interface SampleSizeForDifferenceOptions {
  /** Anticipated proportion in group 1, in [0, 1]. */
  p1: number
  /** Anticipated proportion in group 2, in [0, 1], different from p1. */
  p2: number
  /** Significance level in (0, 1); default 0.05. */
  alpha?: number
  /** Desired power in (0, 1); default 0.8. */
  power?: number
  /** n₂ / n₁, greater than 0; default 1. */
  ratio?: number
  /** 'two-sided' (default); 'larger' means H1: p1 > p2; 'smaller' means H1: p1 < p2. */
  alternative?: 'two-sided' | 'larger' | 'smaller'
}

/**
 * Sample size of the first group for detecting p1 ≠ p2 with a two-proportion z test.
 *
 * Definition (Fleiss, Levin & Paik 2003, §4.2, eq. 4.14 without continuity correction): with
 * r = n₂/n₁, p̄ = (p1 + r·p2)/(1 + r), q = 1 - p,
 * n₁ = [z_a √(p̄ q̄ (1 + 1/r)) + z_b √(p1 q1 + p2 q2 / r)]² / (p1 - p2)²,
 * z_a = z_{1-α/2} (two-sided) or z_{1-α} (one-sided), z_b = z_{power}; rounded up (forgiving
 * 1e-9 of floating-point excess). The second group needs ⌈r · n₁⌉.
 *
 * When to use: planning an A/B comparison of two review policies or moderator cohorts.
 *
 * Reference: J. L. Fleiss, B. Levin & M. C. Paik (2003) Statistical Methods for Rates and
 * Proportions, 3rd ed., Wiley, §4.2; https://en.wikipedia.org/wiki/Power_of_a_test
 *
 * Cost: O(1).
 *
 * @throws {StatsInputError} when p1 or p2 is outside [0, 1] or they are equal, alpha or power is
 * not in (0, 1), ratio is not a finite number > 0, the alternative is unknown, or a one-sided
 * alternative points the other way from p1 - p2
 * @example
 * sampleSizeForDifference({ p1: 0.4, p2: 0.6 }) // 97
 */
export function sampleSizeForDifference(options: SampleSizeForDifferenceOptions): number {
  const { p1, p2, alpha = 0.05, power = 0.8, ratio = 1, alternative = 'two-sided' } = options
  if (!(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1)) {
    throw new StatsInputError('`sampleSizeForDifference` requires p1 and p2 between 0 and 1')
  }
  if (p1 === p2) {
    throw new StatsInputError('`sampleSizeForDifference` requires p1 and p2 to differ')
  }
  if (!(alpha > 0 && alpha < 1)) {
    throw new StatsInputError('`sampleSizeForDifference` requires alpha strictly between 0 and 1')
  }
  if (!(power > 0 && power < 1)) {
    throw new StatsInputError('`sampleSizeForDifference` requires power strictly between 0 and 1')
  }
  if (!(ratio > 0) || !Number.isFinite(ratio)) {
    throw new StatsInputError('`sampleSizeForDifference` requires a finite ratio greater than 0')
  }
  let zAlpha: number
  if (alternative === 'two-sided') {
    zAlpha = normalQuantile(1 - alpha / 2)
  } else if (alternative === 'larger' || alternative === 'smaller') {
    if ((alternative === 'larger') !== p1 > p2) {
      throw new StatsInputError(
        `\`sampleSizeForDifference\` requires p1 ${alternative === 'larger' ? '>' : '<'} p2 for the '${alternative}' alternative`,
      )
    }
    zAlpha = normalQuantile(1 - alpha)
  } else {
    throw new StatsInputError(
      "`sampleSizeForDifference` requires alternative 'two-sided', 'larger' or 'smaller'",
    )
  }
  const zBeta = normalQuantile(power)
  const pooled = (p1 + ratio * p2) / (1 + ratio)
  const numerator =
    zAlpha * Math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio)) +
    zBeta * Math.sqrt(p1 * (1 - p1) + (p2 * (1 - p2)) / ratio)
  const n = (numerator * numerator) / ((p1 - p2) * (p1 - p2))
  return Math.max(1, Math.ceil(n - 1e-9))
}
