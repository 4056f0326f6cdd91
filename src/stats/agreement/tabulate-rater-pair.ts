import { StatsInputError } from '../stats-input-error.js'
import { isRatingLabel } from './is-rating-label.js'
import type { RatingLabel } from './rating-label.js'
import { sortLabels } from './sort-labels.js'

/** Contingency table of two raters over a fixed category order (internal helper). */
export interface RaterPairTable {
  /** Category order: the caller's `categories`, or the sorted union of the labels. */
  categories: RatingLabel[]
  /** q × q counts, row-major: table[i * q + j] = units that rater a put in i and b in j. */
  table: Float64Array
  /** Units rated (the common length of a and b). */
  n: number
  /** Number of distinct categories that either rater used. */
  usedCategories: number
}

/**
 * Validates two aligned label arrays and cross-tabulates them; shared by the two-rater
 * coefficients so that they agree on validation and on the default category order.
 * Cost: O(n + q²) time and O(q²) memory.
 */
export function tabulateRaterPair(
  functionName: string,
  a: readonly RatingLabel[],
  b: readonly RatingLabel[],
  categories: readonly RatingLabel[] | undefined,
): RaterPairTable {
  if (!Array.isArray(a) || !Array.isArray(b)) {
    throw new StatsInputError(`\`${functionName}\` requires two arrays of labels`)
  }
  if (a.length !== b.length) {
    throw new StatsInputError(`\`${functionName}\` requires two label arrays of equal length`)
  }
  const n = a.length
  if (n === 0) {
    throw new StatsInputError(`\`${functionName}\` requires at least one pair of ratings`)
  }
  for (let i = 0; i < n; i += 1) {
    if (!isRatingLabel(a[i]) || !isRatingLabel(b[i])) {
      throw new StatsInputError(
        `\`${functionName}\` requires labels that are strings or finite numbers`,
      )
    }
  }
  let order: RatingLabel[]
  if (categories === undefined) {
    order = sortLabels(new Set<RatingLabel>([...a, ...b]))
  } else {
    order = [...categories]
    if (order.length === 0 || !order.every(isRatingLabel)) {
      throw new StatsInputError(
        `\`${functionName}\` requires categories that are strings or finite numbers`,
      )
    }
    if (new Set(order).size !== order.length) {
      throw new StatsInputError(`\`${functionName}\` requires categories without duplicates`)
    }
  }
  const index = new Map<RatingLabel, number>()
  order.forEach((label, i) => index.set(label, i))
  const q = order.length
  const table = new Float64Array(q * q)
  const used = new Uint8Array(q)
  for (let u = 0; u < n; u += 1) {
    const i = index.get(a[u] as RatingLabel)
    const j = index.get(b[u] as RatingLabel)
    if (i === undefined || j === undefined) {
      throw new StatsInputError(
        `\`${functionName}\` requires every label to be listed in categories`,
      )
    }
    table[i * q + j] = (table[i * q + j] as number) + 1
    used[i] = 1
    used[j] = 1
  }
  let usedCategories = 0
  for (let i = 0; i < q; i += 1) usedCategories += used[i] as number
  return { categories: order, table, n, usedCategories }
}
