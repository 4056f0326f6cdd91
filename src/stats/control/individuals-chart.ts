import { D2_SPAN_TWO, meanMovingRange, meanOf } from './moving-range-sigma.js'
import { validateSeries } from './validate-series.js'

/** One point of an individuals chart; `movingRange` is null for the first point. */
export interface IndividualsChartPoint {
  value: number
  movingRange: number | null
  signal: boolean
}

/** Result of {@link individualsChart}. */
export interface IndividualsChartResult {
  center: number
  lcl: number
  ucl: number
  mrBar: number
  points: IndividualsChartPoint[]
}

/**
 * Individuals (X) control chart with limits from the average moving range (XmR chart).
 *
 * Definition: centre = x̄; MR_i = |x_i − x_{i−1}| (i ≥ 2); MR̄ = mean of the n − 1 moving
 * ranges; σ̂ = MR̄/d₂ with d₂ = 1.128 for span 2, so the limits are x̄ ± (3/1.128)·MR̄
 * = x̄ ± 2.66·MR̄ (the exact factor 3/1.128 = 2.6596… is used, not the rounded 2.66). A point
 * signals when it is strictly outside the limits. If every value is equal, MR̄ = 0 and the
 * limits collapse onto the centre (nothing signals).
 *
 * When to use: one measurement per period (a weekly overturn rate, median handle time) when
 * there is no natural subgroup size.
 *
 * Reference: NIST/SEMATECH e-Handbook of Statistical Methods §6.3.2.2 "Individuals control
 * charts" (https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc322.htm).
 *
 * Cost: O(n).
 *
 * @throws {StatsInputError} when there are fewer than two values or a value is not finite
 * @example
 * const chart = individualsChart([10, 12, 11, 15, 12])
 * chart.center // 12
 * chart.mrBar // 2.5 (ranges 2, 1, 4, 3)
 * chart.ucl // 12 + 2.5 * 3 / 1.128 = 18.6489…
 */
export function individualsChart(values: readonly number[]): IndividualsChartResult {
  validateSeries('individualsChart', values, 2)
  const center = meanOf(values)
  const mrBar = meanMovingRange(values)
  const halfWidth = (3 / D2_SPAN_TWO) * mrBar
  const lcl = center - halfWidth
  const ucl = center + halfWidth
  const points = values.map((value, i) => ({
    value,
    movingRange: i === 0 ? null : Math.abs(value - (values[i - 1] as number)),
    signal: value < lcl || value > ucl,
  }))
  return { center, lcl, ucl, mrBar, points }
}
