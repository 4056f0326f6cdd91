import { StatsInputError } from '../stats-input-error.js'
import { argsortNonNegative } from './argsort-non-negative.js'

/**
 * Benjamini-Hochberg adjusted p-values (false discovery rate control), in input order.
 *
 * Definition: sort the m p-values p₍₁₎ ≤ … ≤ p₍ₘ₎; the adjusted value of p₍ᵢ₎ is
 * min(1, min_{j ≥ i} m·p₍ⱼ₎/j) (the step-up procedure). Rejecting every hypothesis whose adjusted
 * value is ≤ q controls the false discovery rate at q for independent or positively dependent
 * tests. Adjusted values are ≥ the raw ones, ≤ 1, and monotone in the raw p-values; tied
 * p-values get equal adjusted values. An empty input gives an empty result.
 *
 * When to use: flagging which of many slices (moderators, queues, policies) differ from target
 * after running one test per slice, without the power loss of Bonferroni.
 *
 * Reference: Y. Benjamini & Y. Hochberg (1995) "Controlling the false discovery rate", JRSS B
 * 57(1):289-300; https://en.wikipedia.org/wiki/False_discovery_rate#Benjamini%E2%80%93Hochberg_procedure
 * ; matches scipy.stats.false_discovery_control(ps, method='bh').
 *
 * Cost: O(m) time (a 4-pass radix sort of the p-values' bit patterns), O(m) memory.
 *
 * @throws {StatsInputError} when a p-value is NaN or outside [0, 1]
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.2]) // ≈ [0.025, 0.05, 0.05, 0.025, 0.2]
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length
  const values = new Float64Array(m)
  for (let i = 0; i < m; i++) {
    const p = pValues[i]!
    if (!(p >= 0 && p <= 1)) {
      throw new StatsInputError('`benjaminiHochberg` requires p-values between 0 and 1')
    }
    values[i] = p + 0 // turns -0 into +0 for the bit-pattern sort
  }
  const order = argsortNonNegative(values)
  // Walking down from the largest p-value, keep the running minimum of m·p₍ₖ₎/k (step-up).
  // Tied p-values automatically share the value of the last of them.
  const adjusted = new Array<number>(m).fill(0)
  let running = 1
  for (let k = m - 1; k >= 0; k--) {
    const index = order[k]!
    const p = values[index]!
    // m/(k+1) ≥ 1, so the max only undoes round-off that could dip below the raw value.
    const candidate = Math.max(p, (m * p) / (k + 1))
    if (candidate < running) running = candidate
    adjusted[index] = running
  }
  return adjusted
}
