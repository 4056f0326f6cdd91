import { codeReliabilityData, type KrippendorffAlphaOptions } from './code-reliability-data.js'
import { computeAlphaFromCodes } from './compute-alpha-from-codes.js'
import type { KrippendorffAlpha } from './krippendorff-types.js'
import type { RatingLabel } from './rating-label.js'

/**
 * Krippendorff's alpha reliability coefficient for any number of raters, missing values and
 * nominal, ordinal, interval or ratio data.
 *
 * Definition (coincidence-matrix form): drop units with fewer than two values; within each
 * remaining unit u with m_u values every ordered pair of values from different raters adds
 * 1/(m_u − 1) to the coincidence o_ck. With n_c = Σ_k o_ck and n = Σ_c n_c,
 * D_o = (1/n) Σ_c Σ_k o_ck δ²_ck, D_e = (1/(n(n − 1))) Σ_c Σ_k n_c n_k δ²_ck and
 * α = 1 − D_o / D_e. δ² is [c ≠ k] (nominal), (Σ_{g=c}^{k} n_g − (n_c + n_k)/2)² over the ranks
 * between c and k (ordinal, Krippendorff's marginal form), (c − k)² (interval) or
 * ((c − k)/(c + k))² (ratio). α = 1 is perfect agreement, 0 agreement at chance level.
 *
 * When to use: the general-purpose reliability measure for calibration rounds where not every
 * moderator saw every item, or where verdicts are ordered (severity) or numeric (scores).
 *
 * Reference: Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", §A-§E,
 * https://repository.upenn.edu/asc_papers/43 (worked example: α = 0.743 nominal,
 * 0.815 ordinal, 0.849 interval, 0.797 ratio); https://en.wikipedia.org/wiki/Krippendorff%27s_alpha
 *
 * Cost: O(R N) time for R raters and N units (plus O(q²) for ordinal/ratio with q distinct
 * values); O(R N) memory for the integer codes. `krippendorffAlphaCoded` skips the coding.
 *
 * Undefined case: when all pairable values are equal D_e = 0 and α = 0/0; this throws.
 *
 * @param data raters × units: `data[r][u]` is rater r's value for unit u, `null` when missing
 * @throws {StatsInputError} when there are no raters or units, rows differ in length, a value
 * is not a string, finite number or null, the level is unknown, interval/ratio values are not
 * numbers (or are negative for ratio), ordinal strings come without `order` or are not listed
 * in it, no unit has two values, or fewer than two distinct values are pairable
 * @example
 * krippendorffAlpha([
 *   ['a', 'a', 'b', null],
 *   ['a', 'b', 'b', 'b'],
 * ]).value // 0.4444444444444444
 */
export function krippendorffAlpha(
  data: readonly (readonly (RatingLabel | null)[])[],
  options: KrippendorffAlphaOptions = {},
): KrippendorffAlpha {
  return computeAlphaFromCodes(
    'krippendorffAlpha',
    codeReliabilityData('krippendorffAlpha', data, options),
  )
}
