import { StatsInputError } from '../stats-input-error.js'
import { validateCountMatrix } from './validate-count-matrix.js'

/** Result of {@link gwetAC1FromCounts}. */
export interface GwetAC1FromCounts {
  /** AC1 = (p_a − p_e) / (1 − p_e). */
  value: number
  /** p_a: mean share of agreeing rater pairs over subjects with ≥ 2 ratings. */
  observedAgreement: number
  /** p_e = (1 / (q − 1)) Σₖ πₖ (1 − πₖ). */
  chanceAgreement: number
  /** Subjects with at least one rating (used for πₖ). */
  subjects: number
  /** Subjects with at least two ratings (used for p_a). */
  pairableSubjects: number
}

/**
 * Gwet's AC1 for any number of raters, missing ratings allowed.
 *
 * Definition: with rᵢₖ the ratings of subject i in category k and rᵢ = Σₖ rᵢₖ,
 * p_a = (1/n₂) Σ_{i: rᵢ ≥ 2} Σₖ rᵢₖ (rᵢₖ − 1) / (rᵢ (rᵢ − 1)) over the n₂ subjects with at least
 * two ratings, πₖ = (1/n) Σ_{i: rᵢ ≥ 1} rᵢₖ / rᵢ over the n subjects with at least one rating,
 * p_e = (1 / (q − 1)) Σₖ πₖ (1 − πₖ) with q the number of columns (unused categories count),
 * and AC1 = (p_a − p_e) / (1 − p_e). Rows with no rating are ignored. Same formulas as
 * `gwet.ac1.raw` in Gwet's irrCAC R package (unweighted).
 *
 * When to use: multi-rater calibration with skewed categories or missing verdicts.
 *
 * Reference: Gwet (2008) "Computing inter-rater reliability and its variance in the presence of
 * high agreement", British Journal of Mathematical and Statistical Psychology 61(1):29-48, §5
 * (multiple raters); Gwet, Handbook of Inter-Rater Reliability (4th ed., 2014), ch. 4
 * (missing ratings); https://en.wikipedia.org/wiki/Inter-rater_reliability
 *
 * Cost: O(N q) time, O(q) memory.
 *
 * @param counts subjects × categories matrix of rating counts; rows may have different totals
 * @throws {StatsInputError} when there are no subjects, fewer than two categories, rows differ
 * in length, a count is not a non-negative integer, or no subject has two ratings
 * @example
 * gwetAC1FromCounts([[2, 0], [1, 1], [0, 2], [0, 3], [1, 0]]).value // 0.5
 */
export function gwetAC1FromCounts(counts: readonly (readonly number[])[]): GwetAC1FromCounts {
  const q = validateCountMatrix('gwetAC1FromCounts', counts)
  if (q < 2) {
    throw new StatsInputError('`gwetAC1FromCounts` requires at least two categories')
  }
  const shares = new Float64Array(q)
  let subjects = 0
  let pairableSubjects = 0
  let agreementSum = 0
  for (const row of counts) {
    let total = 0
    for (let k = 0; k < q; k += 1) total += row[k] as number
    if (total === 0) continue
    subjects += 1
    let pairs = 0
    for (let k = 0; k < q; k += 1) {
      const count = row[k] as number
      shares[k] = (shares[k] as number) + count / total
      pairs += count * (count - 1)
    }
    if (total >= 2) {
      pairableSubjects += 1
      agreementSum += pairs / (total * (total - 1))
    }
  }
  if (pairableSubjects === 0) {
    throw new StatsInputError('`gwetAC1FromCounts` requires at least one subject with two ratings')
  }
  let spread = 0
  for (let k = 0; k < q; k += 1) {
    const share = (shares[k] as number) / subjects
    spread += share * (1 - share)
  }
  const observedAgreement = agreementSum / pairableSubjects
  const chanceAgreement = spread / (q - 1)
  return {
    value: (observedAgreement - chanceAgreement) / (1 - chanceAgreement),
    observedAgreement,
    chanceAgreement,
    subjects,
    pairableSubjects,
  }
}
