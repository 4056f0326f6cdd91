import { StatsInputError } from '../stats-input-error.js'
import { D2_SPAN_TWO, meanMovingRange, meanOf } from './moving-range-sigma.js'
import { validateSeries, validateTargetSigma } from './validate-series.js'

/** Options for {@link ewmaChart}. */
export interface EwmaChartOptions {
  /** Weight of the newest observation, 0 < λ ≤ 1; default 0.2. */
  lambda?: number
  /** Width of the limits in σ_EWMA units; default 3. */
  L?: number
  /** Process target (centre line, z₀). Default: the mean of `values`. */
  target?: number
  /** Process standard deviation of one observation. Default: MR̄ / 1.128 from `values`. */
  sigma?: number
}

/** One EWMA point with its time-varying limits. */
export interface EwmaChartPoint {
  ewma: number
  lcl: number
  ucl: number
  signal: boolean
}

/** Result of {@link ewmaChart}. */
export interface EwmaChartResult {
  /** The centre line and σ actually used (given or estimated). */
  target: number
  sigma: number
  points: EwmaChartPoint[]
}

/**
 * Exponentially weighted moving average (EWMA) control chart with exact time-varying limits.
 *
 * Definition: z₀ = target, z_i = λ·x_i + (1 − λ)·z_{i−1}; limits
 * target ± L·σ·√(λ/(2 − λ) · [1 − (1 − λ)^{2i}]) for i = 1, 2, …, which widen towards the
 * asymptotic target ± L·σ·√(λ/(2 − λ)). A point signals when z_i is strictly outside its
 * limits. When `target` is omitted it is the mean of the values; when `sigma` is omitted it is
 * estimated as MR̄/1.128 (moving ranges of span 2, as on an individuals chart) — a Phase I
 * estimate from the same data; pass values from a stable reference period in Phase II. An
 * estimated σ of 0 (all values equal) gives limits equal to the target.
 *
 * When to use: detecting small sustained shifts (e.g. a slow drift in error rate after a
 * policy change) that a Shewhart chart misses; smaller λ is more sensitive to smaller shifts.
 *
 * Reference: NIST/SEMATECH e-Handbook of Statistical Methods §6.3.2.4 "EWMA control charts"
 * (https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc324.htm); Lucas & Saccucci (1990)
 * "Exponentially weighted moving average control schemes", Technometrics 32(1):1-12.
 *
 * Cost: O(n).
 *
 * @throws {StatsInputError} when there are no values (or fewer than two when σ must be
 * estimated), a value or target is not finite, σ is given but not positive, λ is outside
 * (0, 1] or L is not positive
 * @example
 * const chart = ewmaChart([52, 47, 53], { lambda: 0.3, target: 50, sigma: 2 })
 * chart.points.map((p) => p.ewma) // [50.6, 49.52, 50.564]
 * chart.points[0].ucl // 50 + 3·2·√(0.3/1.7·(1 − 0.7²)) = 51.8
 */
export function ewmaChart(
  values: readonly number[],
  { lambda = 0.2, L = 3, target, sigma }: EwmaChartOptions = {},
): EwmaChartResult {
  validateSeries('ewmaChart', values, 1)
  if (!(lambda > 0 && lambda <= 1)) {
    throw new StatsInputError('`ewmaChart` requires lambda in (0, 1]')
  }
  if (!(Number.isFinite(L) && L > 0)) {
    throw new StatsInputError('`ewmaChart` requires L to be a positive finite number')
  }
  const resolved = validateTargetSigma('ewmaChart', values, target, sigma, {
    mean: () => meanOf(values),
    sigma: () => meanMovingRange(values) / D2_SPAN_TWO,
  })
  const keep = 1 - lambda
  const asymptoticVariance = lambda / (2 - lambda)
  let ewma = resolved.target
  let decay = 1 // (1 − λ)^{2i}, updated by multiplication
  const points = values.map((value) => {
    ewma = lambda * value + keep * ewma
    decay *= keep * keep
    const halfWidth = L * resolved.sigma * Math.sqrt(asymptoticVariance * (1 - decay))
    const lcl = resolved.target - halfWidth
    const ucl = resolved.target + halfWidth
    return { ewma, lcl, ucl, signal: ewma < lcl || ewma > ucl }
  })
  return { target: resolved.target, sigma: resolved.sigma, points }
}
