import { StatsInputError } from '../stats-input-error.js'
import { isRatingLabel } from './is-rating-label.js'
import type { RatingLabel } from './rating-label.js'

/** Result of {@link percentAgreement}. */
export interface PercentAgreement {
  /** Share of units on which the two raters gave the same label, in [0, 1]. */
  value: number
  /** Units with the same label. */
  agreements: number
  /** Units rated. */
  n: number
}

/**
 * Percent agreement (raw agreement) between two raters.
 *
 * Definition: p_o = (1/n) Σᵤ [aᵤ = bᵤ]; labels compare with `Map` semantics (`1` ≠ `'1'`).
 *
 * When to use: the plainest, most explainable figure to show beside a chance-corrected
 * coefficient; on its own it overstates agreement when one category dominates.
 *
 * Reference: https://en.wikipedia.org/wiki/Inter-rater_reliability#Joint_probability_of_agreement
 *
 * Cost: O(n) time, O(1) memory.
 *
 * @throws {StatsInputError} when the arrays are empty or of different lengths, or a label is
 * not a string or finite number
 * @example
 * percentAgreement(['y', 'y', 'n', 'n'], ['y', 'n', 'n', 'n']).value // 0.75
 */
export function percentAgreement(
  a: readonly RatingLabel[],
  b: readonly RatingLabel[],
): PercentAgreement {
  if (!Array.isArray(a) || !Array.isArray(b)) {
    throw new StatsInputError('`percentAgreement` requires two arrays of labels')
  }
  if (a.length !== b.length) {
    throw new StatsInputError('`percentAgreement` requires two label arrays of equal length')
  }
  const n = a.length
  if (n === 0) {
    throw new StatsInputError('`percentAgreement` requires at least one pair of ratings')
  }
  let agreements = 0
  for (let u = 0; u < n; u += 1) {
    const x = a[u]
    const y = b[u]
    if (!isRatingLabel(x) || !isRatingLabel(y)) {
      throw new StatsInputError(
        '`percentAgreement` requires labels that are strings or finite numbers',
      )
    }
    if (x === y) agreements += 1
  }
  return { value: agreements / n, agreements, n }
}
