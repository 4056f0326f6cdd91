/**
 * The one error every statistics function throws for input it cannot use.
 *
 * Messages follow the simple-statistics shape: "`<fn>` requires at least two ratings"
 * (function name first, no trailing period). Invalid input always throws; no function
 * returns `null` or `NaN` silently.
 */
export class StatsInputError extends Error {
  override name = 'StatsInputError'
}
