import { StatsInputError } from '../stats-input-error.js'
import type { RatingLabel } from './rating-label.js'
import { tabulateRaterPair } from './tabulate-rater-pair.js'

/** Options for {@link cohensKappa}. */
export interface CohensKappaOptions {
  /**
   * Disagreement weights: `'none'` (plain kappa, default), `'linear'` (|i − j|) or
   * `'quadratic'` ((i − j)²), with i, j the positions in `categories`.
   */
  weights?: 'none' | 'linear' | 'quadratic'
  /**
   * Category order. Default: the sorted union of the labels (numbers numerically, then strings).
   * Pass it for weighted kappa on string labels. Unused categories still count: they widen the
   * weight scale.
   */
  categories?: readonly RatingLabel[]
}

/** Two-rater agreement coefficient with the parts that explain it. */
export interface TwoRaterAgreement {
  /** The coefficient. */
  value: number
  /** p_o: (weighted) share of units on which the raters agree. */
  observedAgreement: number
  /** p_e: (weighted) agreement expected by chance under the coefficient's chance model. */
  chanceAgreement: number
  /** Units rated by both raters. */
  n: number
}

/**
 * Cohen's kappa (plain or weighted) for two raters who labelled the same units.
 *
 * Definition: κ = (p_o − p_e) / (1 − p_e), where p_o = Σᵢⱼ vᵢⱼ pᵢⱼ is the observed and
 * p_e = Σᵢⱼ vᵢⱼ pᵢ. p.ⱼ the chance agreement from each rater's own marginals, with agreement
 * weights vᵢⱼ = 1 − wᵢⱼ / w_max: plain kappa uses wᵢⱼ = [i ≠ j], linear |i − j|, quadratic
 * (i − j)². This equals 1 − Σ wᵢⱼ pᵢⱼ / Σ wᵢⱼ pᵢ. p.ⱼ (the form used by scikit-learn's
 * `cohen_kappa_score`).
 *
 * When to use: two fixed raters (e.g. a moderator against a QA reviewer) on nominal labels;
 * weighted kappa for ordered severity scales. For more raters use `fleissKappa` or
 * `krippendorffAlpha`; when one category dominates consider `gwetAC1`.
 *
 * Reference: Cohen (1960) "A coefficient of agreement for nominal scales", Educational and
 * Psychological Measurement 20(1):37-46; Cohen (1968) "Weighted kappa", Psychological Bulletin
 * 70(4):213-220; https://en.wikipedia.org/wiki/Cohen%27s_kappa
 *
 * Cost: O(n + q²) time, O(q²) memory for q categories.
 *
 * Undefined case: when both raters used one and the same category p_e = 1 and κ = 0/0; this
 * throws (as do the other chance-corrected coefficients).
 *
 * @throws {StatsInputError} when the arrays are empty or of different lengths, a label is not a
 * string or finite number or is missing from `categories`, `categories` is empty or has
 * duplicates, `weights` is unknown, or fewer than two distinct values were used
 * @example
 * cohensKappa(['y', 'y', 'n', 'n'], ['y', 'n', 'n', 'n']).value // 0.5
 */
export function cohensKappa(
  a: readonly RatingLabel[],
  b: readonly RatingLabel[],
  options: CohensKappaOptions = {},
): TwoRaterAgreement {
  const weights = options.weights ?? 'none'
  if (weights !== 'none' && weights !== 'linear' && weights !== 'quadratic') {
    throw new StatsInputError("`cohensKappa` requires weights 'none', 'linear' or 'quadratic'")
  }
  const { table, n, usedCategories, categories } = tabulateRaterPair(
    'cohensKappa',
    a,
    b,
    options.categories,
  )
  if (usedCategories < 2) {
    throw new StatsInputError('`cohensKappa` requires at least two distinct values')
  }
  const q = categories.length
  const rowTotals = new Float64Array(q)
  const columnTotals = new Float64Array(q)
  for (let i = 0; i < q; i += 1) {
    for (let j = 0; j < q; j += 1) {
      const count = table[i * q + j] as number
      rowTotals[i] = (rowTotals[i] as number) + count
      columnTotals[j] = (columnTotals[j] as number) + count
    }
  }
  const maxDisagreement = weights === 'none' ? 1 : weights === 'linear' ? q - 1 : (q - 1) ** 2
  let observed = 0
  let chance = 0
  for (let i = 0; i < q; i += 1) {
    for (let j = 0; j < q; j += 1) {
      const distance = Math.abs(i - j)
      const disagreement =
        weights === 'none'
          ? distance === 0
            ? 0
            : 1
          : weights === 'linear'
            ? distance
            : distance ** 2
      const agreementWeight = 1 - disagreement / maxDisagreement
      observed += agreementWeight * (table[i * q + j] as number)
      chance += agreementWeight * (rowTotals[i] as number) * (columnTotals[j] as number)
    }
  }
  const observedAgreement = observed / n
  const chanceAgreement = chance / (n * n)
  return {
    value: (observedAgreement - chanceAgreement) / (1 - chanceAgreement),
    observedAgreement,
    chanceAgreement,
    n,
  }
}
