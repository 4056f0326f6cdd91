import { StatsInputError } from '../stats-input-error.js'
import type { TwoRaterAgreement } from './cohens-kappa.js'
import type { RatingLabel } from './rating-label.js'
import type { CategoriesOptions } from './scotts-pi.js'
import { tabulateRaterPair } from './tabulate-rater-pair.js'

/**
 * Gwet's AC1 agreement coefficient for two raters on nominal labels.
 *
 * Definition: AC1 = (p_a − p_e) / (1 − p_e) with p_a the share of units on which the raters
 * agree and p_e = (1 / (q − 1)) Σₖ πₖ (1 − πₖ), where πₖ = (nₖ(a) + nₖ(b)) / 2n and q is the
 * number of categories (`categories`, default the labels used). p_e ≤ 1/q, so AC1 is defined
 * whenever q ≥ 2, including when both raters always give the same label (AC1 = 1).
 *
 * When to use: like Scott's pi / Cohen's kappa, but stable when one category dominates
 * (e.g. 95 % "no violation"), where kappa collapses despite high agreement ("kappa paradox").
 *
 * Reference: Gwet (2008) "Computing inter-rater reliability and its variance in the presence of
 * high agreement", British Journal of Mathematical and Statistical Psychology 61(1):29-48, §4
 * (equations 18-19 for two raters); Gwet, Handbook of Inter-Rater Reliability, ch. 4;
 * https://en.wikipedia.org/wiki/Inter-rater_reliability
 *
 * Cost: O(n + q²) time, O(q²) memory.
 *
 * @throws {StatsInputError} when the arrays are empty or of different lengths, a label is not a
 * string or finite number or is missing from `categories`, or there are fewer than two
 * categories (pass `categories` when every rating uses the same one)
 * @example
 * gwetAC1(['y', 'y', 'n', 'n'], ['y', 'n', 'n', 'n']).value // 0.5294117647058824
 */
export function gwetAC1(
  a: readonly RatingLabel[],
  b: readonly RatingLabel[],
  options: CategoriesOptions = {},
): TwoRaterAgreement {
  const { table, n, categories } = tabulateRaterPair('gwetAC1', a, b, options.categories)
  const q = categories.length
  if (q < 2) {
    throw new StatsInputError('`gwetAC1` requires at least two categories')
  }
  let agreements = 0
  let spread = 0
  for (let k = 0; k < q; k += 1) {
    agreements += table[k * q + k] as number
    let pooled = 0
    for (let j = 0; j < q; j += 1)
      pooled += (table[k * q + j] as number) + (table[j * q + k] as number)
    const share = pooled / (2 * n)
    spread += share * (1 - share)
  }
  const observedAgreement = agreements / n
  const chanceAgreement = spread / (q - 1)
  return {
    value: (observedAgreement - chanceAgreement) / (1 - chanceAgreement),
    observedAgreement,
    chanceAgreement,
    n,
  }
}
