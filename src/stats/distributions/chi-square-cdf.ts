import { StatsInputError } from '../stats-input-error.js'
import { incompleteGammaTails } from './incomplete-gamma-tails.js'

/**
 * Chi-square cumulative distribution function P(χ²_df ≤ x), for df > 0 degrees of freedom.
 *
 * Definition: χ²_df is the sum of df squared standard normals; its CDF is P(df/2, x/2) with P the
 * regularized lower incomplete gamma function (so this equals `regularizedGammaP(df / 2, x / 2)`
 * and survival is Q(df/2, x/2)). Non-integer df are allowed. x = Infinity is allowed.
 *
 * When to use: critical-value checks and lower-tail probabilities; for p-values use `chiSquareSurvival`, which keeps relative precision for tiny tails.
 *
 * Reference: NIST/SEMATECH e-Handbook of Statistical Methods §1.3.6.6.6
 * (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3666.htm);
 * https://en.wikipedia.org/wiki/Chi-squared_distribution
 *
 * Cost: O(√(df + x)).
 *
 * @throws {StatsInputError} when df is not finite and greater than 0, or x is negative or NaN
 * @example
 * chiSquareCdf(3.841458820694124, 1) // ≈ 0.95
 */
export function chiSquareCdf(x: number, df: number): number {
  if (!(df > 0) || !Number.isFinite(df)) {
    throw new StatsInputError('`chiSquareCdf` requires finite degrees of freedom greater than 0')
  }
  if (!(x >= 0)) throw new StatsInputError('`chiSquareCdf` requires x greater than or equal to 0')
  return incompleteGammaTails(df / 2, x / 2, 'chiSquareCdf').lower
}
