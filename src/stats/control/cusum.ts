import { StatsInputError } from '../stats-input-error.js'
import { D2_SPAN_TWO, meanMovingRange, meanOf } from './moving-range-sigma.js'
import { validateSeries, validateTargetSigma } from './validate-series.js'

/** Options for {@link cusum}; `k` and `h` are in multiples of σ. */
export interface CusumOptions {
  /** Reference value (allowance, slack) in σ units; default 0.5 (tuned to detect a 1σ shift). */
  k?: number
  /** Decision interval in σ units; default 5. */
  h?: number
  /** Process target. Default: the mean of `values`. */
  target?: number
  /** Process standard deviation of one observation. Default: MR̄ / 1.128 from `values`. */
  sigma?: number
}

/** One step of the tabular CUSUM, both sides in data units and non-negative. */
export interface CusumPoint {
  upper: number
  lower: number
  signal: boolean
}

/** Result of {@link cusum}. */
export interface CusumResult {
  /** The target and σ actually used (given or estimated). */
  target: number
  sigma: number
  points: CusumPoint[]
}

/**
 * Tabular (two-sided) cumulative sum control chart.
 *
 * Definition, in data units with K = k·σ and H = h·σ:
 * S_H(i) = max(0, x_i − (target + K) + S_H(i−1)),
 * S_L(i) = max(0, (target − K) − x_i + S_L(i−1)), S_H(0) = S_L(0) = 0.
 * `lower` is S_L as this non-negative quantity (some texts plot −S_L below the axis). A point
 * signals when S_H > H or S_L > H; the sums are not reset after a signal, so a sustained shift
 * keeps signalling. Omitted `target` is the mean of the values and omitted `sigma` is MR̄/1.128
 * (Phase I estimates from the same data). An estimated σ of 0 makes K = H = 0.
 *
 * When to use: detecting small persistent shifts (≈ 1σ with k = 0.5, h = 5) in a per-period
 * metric faster than a Shewhart chart; it also dates the shift (the last time the sum was 0).
 *
 * Reference: NIST/SEMATECH e-Handbook of Statistical Methods §6.3.2.3 "CUSUM control charts"
 * (https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc323.htm); Montgomery,
 * "Introduction to Statistical Quality Control", §9.1 (tabular CUSUM, Tables 9.1-9.2).
 *
 * Cost: O(n).
 *
 * @throws {StatsInputError} when there are no values (or fewer than two when σ must be
 * estimated), a value or target is not finite, σ is given but not positive, or k is negative
 * or h not positive
 * @example
 * const chart = cusum([9.45, 7.99, 9.29, 11.66, 12.16], { target: 10, sigma: 1 })
 * chart.points.map((p) => p.upper) // ≈ [0, 0, 0, 1.16, 2.82]
 * chart.points.map((p) => p.lower) // ≈ [0.05, 1.56, 1.77, 0, 0]
 */
export function cusum(
  values: readonly number[],
  { k = 0.5, h = 5, target, sigma }: CusumOptions = {},
): CusumResult {
  validateSeries('cusum', values, 1)
  if (!(Number.isFinite(k) && k >= 0)) {
    throw new StatsInputError('`cusum` requires k to be a non-negative finite number')
  }
  if (!(Number.isFinite(h) && h > 0)) {
    throw new StatsInputError('`cusum` requires h to be a positive finite number')
  }
  const resolved = validateTargetSigma('cusum', values, target, sigma, {
    mean: () => meanOf(values),
    sigma: () => meanMovingRange(values) / D2_SPAN_TWO,
  })
  const allowance = k * resolved.sigma
  const decisionInterval = h * resolved.sigma
  const upperReference = resolved.target + allowance
  const lowerReference = resolved.target - allowance
  let upper = 0
  let lower = 0
  const points = values.map((value) => {
    upper = Math.max(0, value - upperReference + upper)
    lower = Math.max(0, lowerReference - value + lower)
    return { upper, lower, signal: upper > decisionInterval || lower > decisionInterval }
  })
  return { target: resolved.target, sigma: resolved.sigma, points }
}
