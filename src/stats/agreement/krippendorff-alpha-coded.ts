import { StatsInputError } from '../stats-input-error.js'
import { computeAlphaFromCodes } from './compute-alpha-from-codes.js'
import type { KrippendorffAlpha, KrippendorffLevel } from './krippendorff-types.js'

/** Options for {@link krippendorffAlphaCoded}. */
export interface KrippendorffAlphaCodedOptions {
  /** Raters per unit: the row length of the unit-major layout. */
  raters: number
  /** Level of measurement; default `'nominal'`. For `'ordinal'` the code is the rank. */
  level?: KrippendorffLevel
  /** Number of categories; codes run from 0 to categoryCount − 1. Default: largest code + 1. */
  categoryCount?: number
  /**
   * Numeric value of each code for the interval and ratio levels (finite; non-negative for
   * ratio). Default: the code itself.
   */
  values?: ArrayLike<number>
}

const LEVELS: readonly KrippendorffLevel[] = ['nominal', 'ordinal', 'interval', 'ratio']

/**
 * Krippendorff's alpha on integer-coded data: the fast path behind `krippendorffAlpha` for
 * callers that already hold codes (e.g. columns read from the store), with no per-value `Map`
 * look-ups or boxing.
 *
 * Definition: as `krippendorffAlpha`, α = 1 − D_o / D_e over the coincidence matrix of the
 * units with at least two values. Layout is unit-major: `codes[u * raters + r]` is rater r's
 * code for unit u, −1 when missing.
 *
 * When to use: large calibration sets (10⁶ ratings take milliseconds); bootstrap loops.
 *
 * Reference: Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability",
 * https://repository.upenn.edu/asc_papers/43 ; https://en.wikipedia.org/wiki/Krippendorff%27s_alpha
 *
 * Cost: O(N R) time for N units and R raters (plus O(Σ_u k_u²) pair sums for non-nominal levels
 * and O(q²) for ordinal/ratio expected disagreement); O(q + R) extra memory.
 *
 * @throws {StatsInputError} when `raters` is not a positive integer dividing `codes.length`,
 * the level is unknown, a code is outside −1 … categoryCount − 1, `values` is too short or not
 * finite (or negative at the ratio level), no unit has two values, or fewer than two distinct
 * values are pairable
 * @example
 * // 3 units × 2 raters: (0, 0), (1, 1), (0, 1)
 * krippendorffAlphaCoded(Int32Array.from([0, 0, 1, 1, 0, 1]), { raters: 2 }).value // 0.4444444444444444
 */
export function krippendorffAlphaCoded(
  codes: Int32Array,
  options: KrippendorffAlphaCodedOptions,
): KrippendorffAlpha {
  const fn = 'krippendorffAlphaCoded'
  if (!(codes instanceof Int32Array)) {
    throw new StatsInputError(`\`${fn}\` requires codes in an Int32Array`)
  }
  const { raters } = options
  if (!Number.isInteger(raters) || raters < 1 || codes.length % raters !== 0) {
    throw new StatsInputError(
      `\`${fn}\` requires raters to be a positive integer dividing codes.length`,
    )
  }
  const level = options.level ?? 'nominal'
  if (!LEVELS.includes(level)) {
    throw new StatsInputError(
      `\`${fn}\` requires level 'nominal', 'ordinal', 'interval' or 'ratio'`,
    )
  }
  let categoryCount = options.categoryCount
  if (categoryCount === undefined) {
    let largest = -1
    for (let i = 0; i < codes.length; i += 1)
      if ((codes[i] as number) > largest) largest = codes[i] as number
    categoryCount = largest + 1
  } else if (!Number.isInteger(categoryCount) || categoryCount < 0) {
    throw new StatsInputError(`\`${fn}\` requires categoryCount to be a non-negative integer`)
  }
  const values = new Float64Array(categoryCount)
  for (let c = 0; c < categoryCount; c += 1) {
    const value = options.values === undefined ? c : options.values[c]
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StatsInputError(`\`${fn}\` requires a finite value for every code`)
    }
    if (level === 'ratio' && value < 0) {
      throw new StatsInputError(`\`${fn}\` requires non-negative values at the ratio level`)
    }
    values[c] = value
  }
  return computeAlphaFromCodes(fn, { codes, raters, categoryCount, level, values })
}
