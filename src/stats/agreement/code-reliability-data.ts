import { StatsInputError } from '../stats-input-error.js'
import type { CodedReliabilityData } from './compute-alpha-from-codes.js'
import { isRatingLabel } from './is-rating-label.js'
import type { KrippendorffLevel } from './krippendorff-types.js'
import type { RatingLabel } from './rating-label.js'

/** Options for {@link krippendorffAlpha}. */
export interface KrippendorffAlphaOptions {
  /** Level of measurement; default `'nominal'`. */
  level?: KrippendorffLevel
  /**
   * Order of the values, lowest first, for the ordinal level. Required when the values are
   * strings; numbers sort numerically without it. Values listed but never used are allowed.
   */
  order?: readonly RatingLabel[]
}

const LEVELS: readonly KrippendorffLevel[] = ['nominal', 'ordinal', 'interval', 'ratio']

/**
 * Validates raters × units reliability data and integer-codes it in unit-major layout
 * (internal helper shared by `krippendorffAlpha` and `krippendorffAlphaInterval`).
 * Cost: O(R N) time plus O(q log q) to rank ordinal values; O(R N) memory for the codes.
 */
export function codeReliabilityData(
  functionName: string,
  data: readonly (readonly (RatingLabel | null)[])[],
  options: KrippendorffAlphaOptions,
): CodedReliabilityData {
  const level = options.level ?? 'nominal'
  if (!LEVELS.includes(level)) {
    throw new StatsInputError(
      `\`${functionName}\` requires level 'nominal', 'ordinal', 'interval' or 'ratio'`,
    )
  }
  if (!Array.isArray(data) || data.length === 0) {
    throw new StatsInputError(`\`${functionName}\` requires at least one rater`)
  }
  const raters = data.length
  const first = data[0]
  const unitCount = Array.isArray(first) ? first.length : 0
  for (const row of data) {
    if (!Array.isArray(row) || row.length !== unitCount) {
      throw new StatsInputError(
        `\`${functionName}\` requires every rater row to have one entry per unit`,
      )
    }
  }
  if (unitCount === 0) {
    throw new StatsInputError(`\`${functionName}\` requires at least one unit`)
  }

  const index = new Map<RatingLabel, number>()
  const distinct: RatingLabel[] = []
  const fixedOrder = level === 'ordinal' && options.order !== undefined
  if (fixedOrder) {
    for (const label of options.order as readonly RatingLabel[]) {
      if (!isRatingLabel(label) || index.has(label)) {
        throw new StatsInputError(
          `\`${functionName}\` requires order to list distinct strings or finite numbers`,
        )
      }
      index.set(label, distinct.length)
      distinct.push(label)
    }
  }
  const codes = new Int32Array(unitCount * raters)
  for (let r = 0; r < raters; r += 1) {
    const row = data[r] as readonly (RatingLabel | null)[]
    for (let u = 0; u < unitCount; u += 1) {
      const value = row[u]
      if (value === null) {
        codes[u * raters + r] = -1
        continue
      }
      let code = index.get(value as RatingLabel)
      if (code === undefined) {
        if (!isRatingLabel(value)) {
          throw new StatsInputError(
            `\`${functionName}\` requires values that are strings, finite numbers or null`,
          )
        }
        if (fixedOrder) {
          throw new StatsInputError(
            `\`${functionName}\` requires every value to be listed in order`,
          )
        }
        code = distinct.length
        index.set(value, code)
        distinct.push(value)
      }
      codes[u * raters + r] = code
    }
  }

  const values = new Float64Array(distinct.length)
  if (level === 'interval' || level === 'ratio') {
    distinct.forEach((value, code) => {
      if (typeof value !== 'number') {
        throw new StatsInputError(
          `\`${functionName}\` requires numeric values at the ${level} level`,
        )
      }
      if (level === 'ratio' && value < 0) {
        throw new StatsInputError(
          `\`${functionName}\` requires non-negative values at the ratio level`,
        )
      }
      values[code] = value
    })
  } else if (level === 'ordinal' && !fixedOrder) {
    if (!distinct.every((value) => typeof value === 'number')) {
      throw new StatsInputError(`\`${functionName}\` requires order for ordinal string values`)
    }
    const byValue = distinct.map((_, code) => code)
    byValue.sort((x, y) => (distinct[x] as number) - (distinct[y] as number))
    const rank = new Int32Array(distinct.length)
    byValue.forEach((code, position) => {
      rank[code] = position
    })
    for (let i = 0; i < codes.length; i += 1) {
      const code = codes[i] as number
      if (code !== -1) codes[i] = rank[code] as number
    }
  }
  return { codes, raters, categoryCount: distinct.length, level, values }
}
