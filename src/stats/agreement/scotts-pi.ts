import { StatsInputError } from '../stats-input-error.js'
import type { TwoRaterAgreement } from './cohens-kappa.js'
import type { RatingLabel } from './rating-label.js'
import { tabulateRaterPair } from './tabulate-rater-pair.js'

/** Options for {@link scottsPi}, {@link gwetAC1}. */
export interface CategoriesOptions {
  /** Category order and set. Default: the sorted union of the labels. */
  categories?: readonly RatingLabel[]
}

/**
 * Scott's pi for two raters on nominal labels.
 *
 * Definition: π = (p_o − p_e) / (1 − p_e) with p_o the share of units on which the raters
 * agree and p_e = Σₖ πₖ², where πₖ = (nₖ(a) + nₖ(b)) / 2n is the category's share of the
 * pooled ratings of both raters. Unlike Cohen's kappa the chance model assumes both raters
 * share one distribution; for two raters without missing data it equals Fleiss' kappa.
 *
 * When to use: two interchangeable raters (e.g. two random auditors of the same queue) on
 * nominal labels.
 *
 * Reference: Scott (1955) "Reliability of content analysis: the case of nominal scale coding",
 * Public Opinion Quarterly 19(3):321-325; https://en.wikipedia.org/wiki/Scott%27s_Pi
 *
 * Cost: O(n + q²) time, O(q²) memory.
 *
 * @throws {StatsInputError} when the arrays are empty or of different lengths, a label is not a
 * string or finite number or is missing from `categories`, or fewer than two distinct values
 * were used (p_e = 1, π = 0/0)
 * @example
 * scottsPi(['y', 'y', 'n', 'n'], ['y', 'n', 'n', 'n']).value // 0.4666666666666667
 */
export function scottsPi(
  a: readonly RatingLabel[],
  b: readonly RatingLabel[],
  options: CategoriesOptions = {},
): TwoRaterAgreement {
  const { table, n, usedCategories, categories } = tabulateRaterPair(
    'scottsPi',
    a,
    b,
    options.categories,
  )
  if (usedCategories < 2) {
    throw new StatsInputError('`scottsPi` requires at least two distinct values')
  }
  const q = categories.length
  let agreements = 0
  let chanceAgreement = 0
  for (let k = 0; k < q; k += 1) {
    agreements += table[k * q + k] as number
    let pooled = 0
    for (let j = 0; j < q; j += 1)
      pooled += (table[k * q + j] as number) + (table[j * q + k] as number)
    const share = pooled / (2 * n)
    chanceAgreement += share * share
  }
  const observedAgreement = agreements / n
  return {
    value: (observedAgreement - chanceAgreement) / (1 - chanceAgreement),
    observedAgreement,
    chanceAgreement,
    n,
  }
}
