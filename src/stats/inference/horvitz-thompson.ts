import { StatsInputError } from '../stats-input-error.js'

export interface InclusionUnit {
  /** Observed value yᵢ (e.g. 1 for an error, 0 otherwise, or a cost). */
  value: number
  /** Inclusion probability πᵢ in (0, 1]. */
  inclusionProbability: number
}

export interface HorvitzThompsonResult {
  /** Σ yᵢ/πᵢ, the unbiased estimate of the population total */
  total: number
  /** Σ 1/πᵢ, the estimated population size */
  populationSize: number
  /** total / populationSize, the Hájek (ratio) estimate of the population mean */
  hajekMean: number
  /** Σ (1 - πᵢ) yᵢ²/πᵢ², variance estimate of `total` under Poisson sampling */
  variance: number
}

/**
 * Horvitz-Thompson estimator of a population total, with the Hájek mean and the Poisson-sampling
 * variance.
 *
 * Definition: t̂ = Σ yᵢ/πᵢ, N̂ = Σ 1/πᵢ, ȳ_Hájek = t̂/N̂, V̂(t̂) = Σ (1 - πᵢ) yᵢ²/πᵢ² — the unbiased
 * HT variance estimator when units are included independently (Poisson sampling, which is what
 * per-decision hash sampling with a recorded πᵢ is). For fixed-size designs with joint inclusion
 * probabilities this variance is only an approximation. Units with π = 1 contribute no variance.
 *
 * When to use: estimating total errors (or cost) in a period from audits sampled with unequal,
 * recorded inclusion probabilities.
 *
 * Reference: D. G. Horvitz & D. J. Thompson (1952) JASA 47:663-685; C.-E. Särndal, B. Swensson &
 * J. Wretman (1992) Model Assisted Survey Sampling, Springer, §2.8 and §3.2 (Poisson sampling);
 * https://en.wikipedia.org/wiki/Horvitz%E2%80%93Thompson_estimator
 *
 * Cost: O(n).
 *
 * @throws {StatsInputError} when units is empty, a value is not finite, or an inclusion
 * probability is not in (0, 1]
 * @example
 * horvitzThompson([{ value: 1, inclusionProbability: 0.5 }, { value: 0, inclusionProbability: 0.25 }])
 * // { total: 2, populationSize: 6, hajekMean: 0.3333…, variance: 2 }
 */
export function horvitzThompson(units: readonly InclusionUnit[]): HorvitzThompsonResult {
  if (units.length === 0) {
    throw new StatsInputError('`horvitzThompson` requires at least one unit')
  }
  let total = 0
  let populationSize = 0
  let variance = 0
  for (const { value, inclusionProbability: pi } of units) {
    if (!Number.isFinite(value)) {
      throw new StatsInputError('`horvitzThompson` requires finite values')
    }
    if (!(pi > 0 && pi <= 1)) {
      throw new StatsInputError('`horvitzThompson` requires inclusion probabilities in (0, 1]')
    }
    const expanded = value / pi
    total += expanded
    populationSize += 1 / pi
    variance += (1 - pi) * expanded * expanded
  }
  return { total, populationSize, hajekMean: total / populationSize, variance }
}
