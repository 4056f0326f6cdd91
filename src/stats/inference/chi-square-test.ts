import { chiSquareSurvival } from '../distributions/chi-square-survival.js'
import { StatsInputError } from '../stats-input-error.js'

export interface ChiSquareTestOptions {
  /** Yates' continuity correction; default false; applied to 2×2 tables only. */
  yates?: boolean
}

export interface ChiSquareTestResult {
  statistic: number
  /** (rows - 1)(columns - 1) */
  df: number
  pValue: number
}

/**
 * Pearson's chi-square test of independence for an r×c contingency table.
 *
 * Definition: with row totals Rᵢ, column totals Cⱼ and grand total N, expected counts
 * Eᵢⱼ = RᵢCⱼ/N; statistic X² = Σ (Oᵢⱼ - Eᵢⱼ)²/Eᵢⱼ on (r-1)(c-1) degrees of freedom;
 * p-value = P(χ² > X²). With `yates: true` and a 2×2 table each |O - E| is reduced by ½ (not
 * below 0), as scipy.stats.chi2_contingency(correction=True) does; for larger tables the option
 * has no effect (the correction is only defined for one degree of freedom).
 *
 * When to use: is the distribution of outcomes (e.g. error categories) different across
 * groups (queues, languages)? Expected counts below ~5 make the χ² approximation unreliable.
 *
 * Reference: K. Pearson (1900); F. Yates (1934) JRSS Suppl. 1:217-235; NIST/SEMATECH
 * e-Handbook §7.4.5 / https://en.wikipedia.org/wiki/Pearson%27s_chi-squared_test
 *
 * Cost: O(r·c).
 *
 * @throws {StatsInputError} when the table has fewer than two rows or columns, rows of different
 * lengths, a negative or non-finite count, or a row or column whose total is 0
 * @example
 * chiSquareTest([[12, 5], [7, 9]]) // { statistic: 2.4306…, df: 1, pValue: 0.11899… }
 */
export function chiSquareTest(
  table: readonly (readonly number[])[],
  options: ChiSquareTestOptions = {},
): ChiSquareTestResult {
  const { yates = false } = options
  const rows = table.length
  const columns = table[0]?.length ?? 0
  if (rows < 2 || columns < 2) {
    throw new StatsInputError(
      '`chiSquareTest` requires a table with at least two rows and two columns',
    )
  }
  const rowTotals = new Float64Array(rows)
  const columnTotals = new Float64Array(columns)
  let total = 0
  for (let i = 0; i < rows; i++) {
    const row = table[i]!
    if (row.length !== columns) {
      throw new StatsInputError(
        '`chiSquareTest` requires every row to have the same number of columns',
      )
    }
    for (let j = 0; j < columns; j++) {
      const count = row[j]!
      if (!(count >= 0) || !Number.isFinite(count)) {
        throw new StatsInputError('`chiSquareTest` requires finite non-negative counts')
      }
      rowTotals[i]! += count
      columnTotals[j]! += count
      total += count
    }
  }
  if (rowTotals.includes(0) || columnTotals.includes(0)) {
    throw new StatsInputError(
      '`chiSquareTest` requires every row and column to have a non-zero total',
    )
  }
  const correction = yates && rows === 2 && columns === 2 ? 0.5 : 0
  let statistic = 0
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const expected = (rowTotals[i]! * columnTotals[j]!) / total
      const deviation = Math.max(0, Math.abs(table[i]![j]! - expected) - correction)
      statistic += (deviation * deviation) / expected
    }
  }
  const df = (rows - 1) * (columns - 1)
  return { statistic, df, pValue: chiSquareSurvival(statistic, df) }
}
