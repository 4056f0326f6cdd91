import { StatsInputError } from '../stats-input-error.js'

/** One period of a p-chart: how many of `size` inspected items were defective. */
export interface PChartSubgroup {
  defects: number
  size: number
}

/** One plotted point of a p-chart with its own limits (they depend on the subgroup size). */
export interface PChartPoint {
  p: number
  lcl: number
  ucl: number
  signal: boolean
}

/** Result of {@link pChart}. */
export interface PChartResult {
  center: number
  points: PChartPoint[]
}

/**
 * p-chart (fraction-defective control chart) with per-subgroup limits.
 *
 * Definition: p_i = d_i / n_i; centre line p̄ = Σd_i / Σn_i (pooled, so larger subgroups
 * weigh more); limits p̄ ± 3·√(p̄(1 − p̄)/n_i), clamped to [0, 1]. A point signals when p_i is
 * strictly outside its limits. Counts need not be integers (weighted audit counts work), but
 * 0 ≤ d_i ≤ n_i and n_i > 0.
 *
 * When to use: the error rate of a queue, site or moderator per period, where the number of
 * audited decisions varies from period to period. Pass p, p̄ and the per-point σ_i
 * = (ucl − p̄)/3 (before clamping) to `nelsonRules` for run rules.
 *
 * Reference: NIST/SEMATECH e-Handbook of Statistical Methods §6.3.3.2 "Proportions control
 * charts" (https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc332.htm).
 *
 * Cost: O(k) for k subgroups.
 *
 * @throws {StatsInputError} when there is no subgroup, a size is not positive and finite, or
 * a defect count is negative, not finite or larger than its size
 * @example
 * const chart = pChart([{ defects: 2, size: 50 }, { defects: 12, size: 50 }, { defects: 4, size: 100 }])
 * chart.center // 0.09
 * chart.points[1] // { p: 0.24, lcl: 0, ucl: 0.2114…, signal: true }
 */
export function pChart(subgroups: readonly PChartSubgroup[]): PChartResult {
  if (subgroups.length === 0) {
    throw new StatsInputError('`pChart` requires at least one subgroup')
  }
  let defectTotal = 0
  let sizeTotal = 0
  for (const { defects, size } of subgroups) {
    if (!(Number.isFinite(size) && size > 0)) {
      throw new StatsInputError('`pChart` requires every subgroup size to be a positive number')
    }
    if (!(Number.isFinite(defects) && defects >= 0 && defects <= size)) {
      throw new StatsInputError('`pChart` requires defects between 0 and the subgroup size')
    }
    defectTotal += defects
    sizeTotal += size
  }
  const center = defectTotal / sizeTotal
  const spread = center * (1 - center)
  const points = subgroups.map(({ defects, size }) => {
    const p = defects / size
    const halfWidth = 3 * Math.sqrt(spread / size)
    const lcl = Math.max(0, center - halfWidth)
    const ucl = Math.min(1, center + halfWidth)
    return { p, lcl, ucl, signal: p < lcl || p > ucl }
  })
  return { center, points }
}
