import { StatsInputError } from '../stats-input-error.js'
import { validateCountMatrix } from './validate-count-matrix.js'

/** Result of {@link fleissKappa}. */
export interface FleissKappa {
  /** κ = (P̄ − P̄ₑ) / (1 − P̄ₑ). */
  value: number
  /** P̄: mean over subjects of the share of agreeing rater pairs. */
  observedAgreement: number
  /** P̄ₑ = Σⱼ pⱼ², pⱼ the share of all ratings in category j. */
  chanceAgreement: number
  /** Subjects (rows). */
  subjects: number
  /** Ratings per subject (the common row total). */
  raters: number
}

/**
 * Fleiss' kappa: chance-corrected agreement of a fixed number of ratings per subject, the
 * raters need not be the same people for every subject.
 *
 * Definition: with N subjects, m ratings each and nᵢⱼ the ratings of subject i in category j,
 * Pᵢ = (Σⱼ nᵢⱼ² − m) / (m(m − 1)), P̄ = (1/N) Σᵢ Pᵢ, pⱼ = Σᵢ nᵢⱼ / (N m), P̄ₑ = Σⱼ pⱼ² and
 * κ = (P̄ − P̄ₑ) / (1 − P̄ₑ). With m = 2 it equals Scott's pi.
 *
 * When to use: calibration exercises where every item got the same number of verdicts, from
 * any moderators in the pool. With missing ratings use `krippendorffAlpha` or
 * `gwetAC1FromCounts`.
 *
 * Reference: Fleiss (1971) "Measuring nominal scale agreement among many raters",
 * Psychological Bulletin 76(5):378-382, equations (1)-(9) and table 1;
 * https://en.wikipedia.org/wiki/Fleiss%27_kappa (worked example: κ = 0.210)
 *
 * Cost: O(N q) time, O(q) memory.
 *
 * @param counts subjects × categories matrix of rating counts
 * @throws {StatsInputError} when there are no subjects or categories, rows differ in length,
 * a count is not a non-negative integer, the rows do not all sum to the same number of
 * ratings ≥ 2, or all ratings fall in one category (P̄ₑ = 1, κ = 0/0)
 * @example
 * fleissKappa([[2, 0], [1, 1], [0, 2], [0, 2]]).value // 0.4666666666666667
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissKappa {
  const q = validateCountMatrix('fleissKappa', counts)
  const subjects = counts.length
  let raters = 0
  for (const value of counts[0] as readonly number[]) raters += value
  if (raters < 2) {
    throw new StatsInputError('`fleissKappa` requires at least two ratings per subject')
  }
  const categoryTotals = new Float64Array(q)
  let agreementSum = 0
  for (const row of counts) {
    let total = 0
    let squares = 0
    for (let j = 0; j < q; j += 1) {
      const count = row[j] as number
      total += count
      squares += count * count
      categoryTotals[j] = (categoryTotals[j] as number) + count
    }
    if (total !== raters) {
      throw new StatsInputError(
        '`fleissKappa` requires every subject to have the same number of ratings',
      )
    }
    agreementSum += (squares - raters) / (raters * (raters - 1))
  }
  let usedCategories = 0
  let chanceAgreement = 0
  const totalRatings = subjects * raters
  for (let j = 0; j < q; j += 1) {
    const share = (categoryTotals[j] as number) / totalRatings
    if (share > 0) usedCategories += 1
    chanceAgreement += share * share
  }
  if (usedCategories < 2) {
    throw new StatsInputError('`fleissKappa` requires at least two distinct values')
  }
  const observedAgreement = agreementSum / subjects
  return {
    value: (observedAgreement - chanceAgreement) / (1 - chanceAgreement),
    observedAgreement,
    chanceAgreement,
    subjects,
    raters,
  }
}
