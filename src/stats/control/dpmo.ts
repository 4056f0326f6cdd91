import { StatsInputError } from '../stats-input-error.js'

/**
 * Defects per million opportunities (DPMO).
 *
 * Definition: DPMO = defects / (units × opportunities per unit) × 10⁶.
 *
 * When to use: to put error rates of processes with different numbers of ways to fail on one
 * scale (e.g. a moderation decision with 3 policy fields has 3 opportunities), and as the
 * input of `sigmaLevel`.
 *
 * Reference: NIST/SEMATECH e-Handbook of Statistical Methods §6.1.6 "What is process
 * capability?" (https://www.itl.nist.gov/div898/handbook/pmc/section1/pmc16.htm);
 * https://en.wikipedia.org/wiki/Defects_per_million_opportunities
 *
 * Cost: O(1).
 *
 * @throws {StatsInputError} when units or opportunities are not positive finite numbers, or
 * defects is negative, not finite or more than units × opportunities
 * @example
 * dpmo(34, 1000, 10) // 3400
 */
export function dpmo(defects: number, units: number, opportunities: number): number {
  if (!(Number.isFinite(units) && units > 0)) {
    throw new StatsInputError('`dpmo` requires units to be a positive number')
  }
  if (!(Number.isFinite(opportunities) && opportunities > 0)) {
    throw new StatsInputError('`dpmo` requires opportunities to be a positive number')
  }
  const total = units * opportunities
  if (!(Number.isFinite(defects) && defects >= 0 && defects <= total)) {
    throw new StatsInputError('`dpmo` requires defects between 0 and units × opportunities')
  }
  return (defects / total) * 1e6
}
