import { StatsInputError } from '../stats-input-error.js'

/**
 * Checks a subjects × categories matrix of rating counts: at least one row, every row the same
 * length ≥ 1, every entry a non-negative integer. Returns the number of categories (internal
 * helper). Cost: O(subjects × categories).
 */
export function validateCountMatrix(
  functionName: string,
  counts: readonly (readonly number[])[],
): number {
  if (!Array.isArray(counts) || counts.length === 0) {
    throw new StatsInputError(`\`${functionName}\` requires at least one subject`)
  }
  const first = counts[0]
  const categories = Array.isArray(first) ? first.length : 0
  if (categories === 0) {
    throw new StatsInputError(`\`${functionName}\` requires at least one category`)
  }
  for (const row of counts) {
    if (!Array.isArray(row) || row.length !== categories) {
      throw new StatsInputError(
        `\`${functionName}\` requires every subject to have the same number of categories`,
      )
    }
    for (const count of row as readonly number[]) {
      if (!Number.isInteger(count) || count < 0) {
        throw new StatsInputError(
          `\`${functionName}\` requires counts that are non-negative integers`,
        )
      }
    }
  }
  return categories
}
