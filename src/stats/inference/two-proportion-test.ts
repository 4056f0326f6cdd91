import { normalCdf } from '../distributions/normal-cdf.js'
import { assertBinomialCounts } from './assert-binomial-counts.js'

export interface TwoProportionTestResult {
  /** (p̂₁ - p̂₂) / SE₀; positive when the first proportion is larger */
  z: number
  /** Two-sided p-value 2·Φ(-|z|) */
  pValue: number
}

/**
 * Pooled two-proportion z test of H0: p₁ = p₂ against the two-sided alternative.
 *
 * Definition: p̄ = (x₁ + x₂)/(n₁ + n₂), SE₀ = √(p̄(1-p̄)(1/n₁ + 1/n₂)),
 * z = (x₁/n₁ - x₂/n₂)/SE₀, p-value = 2Φ(-|z|). z² equals Pearson's chi-square statistic of the
 * 2×2 table without continuity correction. When p̄ is 0 or 1 both samples are identical (all
 * failures or all successes), SE₀ = 0 and the result is defined as z = 0, p-value = 1.
 *
 * When to use: comparing an error rate between two slices (two moderators, two periods) with
 * reasonably large counts; adjust many such tests with `benjaminiHochberg`.
 *
 * Reference: NIST/SEMATECH e-Handbook of Statistical Methods §7.3.3
 * (https://www.itl.nist.gov/div898/handbook/prc/section3/prc33.htm);
 * https://en.wikipedia.org/wiki/Two-proportion_Z-test
 *
 * Cost: O(1).
 *
 * @throws {StatsInputError} when a trials count is not a positive integer or a successes count
 * is not an integer between 0 and its trials
 * @example
 * twoProportionTest(56, 70, 48, 80) // { z: 2.6502…, pValue: 0.008045… }
 */
export function twoProportionTest(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
): TwoProportionTestResult {
  assertBinomialCounts(successes1, trials1, 'twoProportionTest', '1')
  assertBinomialCounts(successes2, trials2, 'twoProportionTest', '2')
  const pooled = (successes1 + successes2) / (trials1 + trials2)
  const variance = pooled * (1 - pooled) * (1 / trials1 + 1 / trials2)
  if (variance === 0) return { z: 0, pValue: 1 }
  const z = (successes1 / trials1 - successes2 / trials2) / Math.sqrt(variance)
  return { z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))) }
}
