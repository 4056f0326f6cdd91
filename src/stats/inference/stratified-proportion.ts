import { StatsInputError } from '../stats-input-error.js'
import { criticalValue } from './critical-value.js'

export interface ProportionStratum {
  /** Stratum size N_h (e.g. decision volume in the period); must be ≥ sampled. */
  population: number
  /** Audited units n_h ≥ 1 (integer). */
  sampled: number
  /** Audited units with the attribute, integer in [0, sampled]. */
  successes: number
}

export interface StratifiedProportionOptions {
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number
}

export interface StratifiedProportionResult {
  estimate: number
  standardError: number
  lower: number
  upper: number
}

/**
 * Stratified estimate of a population proportion with its standard error and a normal interval.
 *
 * Definition: with W_h = N_h / Σ N and p_h = x_h / n_h,
 * p̂_st = Σ W_h p_h and Var(p̂_st) = Σ W_h² (1 - n_h/N_h) p_h (1 - p_h) / (n_h - 1)
 * (Cochran 1977, Sampling Techniques, 3rd ed., §5.3, eq. 5.22-5.24 for proportions); interval
 * p̂_st ± z·SE clamped to [0, 1].
 * Strata without sampling variance:
 * - n_h = N_h (census of the stratum): the finite population correction makes its term 0.
 * - n_h = 1 < N_h: the unbiased variance needs n_h ≥ 2 (its p_h(1-p_h)/(n_h-1) is 0/0), so the
 *   term uses the worst case p(1-p) = ¼: W_h² (1 - 1/N_h) · ¼. This is conservative; collapsing
 *   such strata with a neighbour (Cochran §5A.12) is the alternative if a smaller SE is needed.
 * When every p_h is 0 or 1 (and no n_h = 1 stratum), SE is 0 and the interval is a point; use a
 * score-type interval (`weightedProportion`) for rates that may be near 0 or 1.
 *
 * When to use: post-stratified or stratified audit samples (sampling per queue or policy with
 * known decision volumes), to weight each stratum by its share of volume.
 *
 * Reference: W. G. Cochran (1977) Sampling Techniques, 3rd ed., Wiley, §5.3;
 * https://en.wikipedia.org/wiki/Stratified_sampling
 *
 * Cost: O(k) for k strata.
 *
 * @throws {StatsInputError} when strata is empty, a population is not finite or smaller than its
 * sample, sampled is not a positive integer, successes is not an integer in [0, sampled], or
 * confidence is not in (0, 1)
 * @example
 * stratifiedProportion([
 *   { population: 155, sampled: 20, successes: 16 },
 *   { population: 62, sampled: 8, successes: 2 },
 *   { population: 93, sampled: 12, successes: 6 },
 * ]) // { estimate: 0.6, standardError: 0.067441…, lower: 0.46782…, upper: 0.73218… }
 */
export function stratifiedProportion(
  strata: readonly ProportionStratum[],
  options: StratifiedProportionOptions = {},
): StratifiedProportionResult {
  const { confidence = 0.95 } = options
  if (strata.length === 0) {
    throw new StatsInputError('`stratifiedProportion` requires at least one stratum')
  }
  const z = criticalValue(confidence, 'stratifiedProportion')
  let populationTotal = 0
  for (const { population, sampled, successes } of strata) {
    if (!Number.isInteger(sampled) || sampled < 1) {
      throw new StatsInputError(
        '`stratifiedProportion` requires sampled to be a positive integer in every stratum',
      )
    }
    if (!Number.isInteger(successes) || successes < 0 || successes > sampled) {
      throw new StatsInputError(
        '`stratifiedProportion` requires successes to be an integer between 0 and sampled in every stratum',
      )
    }
    if (!Number.isFinite(population) || !(population >= sampled)) {
      throw new StatsInputError(
        '`stratifiedProportion` requires a finite population at least as large as sampled in every stratum',
      )
    }
    populationTotal += population
  }
  let estimate = 0
  let variance = 0
  for (const { population, sampled, successes } of strata) {
    const share = population / populationTotal
    const p = successes / sampled
    estimate += share * p
    const finiteCorrection = 1 - sampled / population
    if (finiteCorrection === 0) continue
    const unitVariance = sampled === 1 ? 0.25 : (p * (1 - p)) / (sampled - 1)
    variance += share * share * finiteCorrection * unitVariance
  }
  const standardError = Math.sqrt(variance)
  return {
    estimate,
    standardError,
    lower: Math.max(0, estimate - z * standardError),
    upper: Math.min(1, estimate + z * standardError),
  }
}
