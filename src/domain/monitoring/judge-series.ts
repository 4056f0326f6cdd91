/**
 * Judges one slice's series of period sums at one period: the pure heart of a chart monitor.
 *
 * Every metric is judged as a *defect rate* d (error rate as is; 1 − accuracy for a metric where
 * higher is better; the mean penalty of a weighted score), design-weighted: d = Σw·y / Σw with
 * w = 1/π, at the Kish effective size n_eff = (Σw)²/Σw². The baseline rate d₀ pools the baseline
 * periods' sums. Each test gives a one-sided p-value in the *worse* direction (monitors raise
 * alerts on degradations, not improvements):
 * - rule 1 (a point beyond its limit): the beta-binomial upper tail of the point's defects given
 *   the baseline (`betaBinomialUpperTail`), exact for small counts;
 * - EWMA of the standardised points u_i = (d_i − d₀)/√(d₀(1 − d₀)/n_eff,i): 1 − Φ(z_t / σ_t) with
 *   σ_t the exact EWMA standard deviation (stats `ewmaChart` with target 0, σ 1);
 * - CUSUM of u (stats `cusum`, allowance k): 1/ARL₀(S_t) with Siegmund's approximation of the
 *   in-control run length to a decision interval S_t (one-sided), an approximate per-point rate;
 * - Nelson rules 2–8 on u (stats `nelsonRules`, centre 0, σ 1): their nominal per-point false-alarm
 *   probabilities under normality (NELSON_RULE_P_VALUES).
 * Whether a p-value raises a signal is decided across slices by `controlFalseAlarms`.
 */
import { cusum, ewmaChart, nelsonRules, normalCdf } from '../../stats/index.js'
import { betaBinomialUpperTail } from './beta-binomial-upper-tail.js'
import type { ChartMonitor, ResolvedChartSettings } from './monitor-definition.js'

/** Design-weighted sums of one period of one slice (audits, Σw, Σw², Σw·y). */
export interface PeriodSums {
  /** Start day of the period, YYYY-MM-DD. */
  period: string
  n: number
  sw: number
  sw2: number
  swy: number
}

export type SignalRule =
  `nelson_${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8}` | 'ewma' | 'cusum' | 'target_missed'

export interface Candidate {
  rule: SignalRule
  pValue: number
  /** The test statistic: defects over expected (rule 1), z (EWMA), S in σ (CUSUM). */
  statistic: number
}

export interface ChartPoint {
  period: string
  n: number
  effectiveN: number
  /** The metric's value (its own orientation: accuracy stays accuracy), null without audits. */
  value: number | null
  center: number | null
  /** ±3σ limits at this point's size (the p-chart's), in the metric's orientation. */
  lower: number | null
  upper: number | null
  /** Enough audits to be judged (n ≥ minCount). */
  judged: boolean
}

export interface Judgement {
  candidates: Candidate[]
  points: ChartPoint[]
  baseline: {
    n: number
    effectiveN: number
    value: number | null
    periods: number
    dispersion: number
  } | null
  /** Why nothing was judged, when nothing was. */
  skipped?: 'too_few_audits' | 'no_baseline'
}

/**
 * Nominal per-point false-alarm probabilities of Nelson rules 2–8 for an in-control normal process
 * (one-sided where the rule has a side; Nelson 1984; Montgomery §5.3.6): 2: 0.5⁹, 3: 1/6!,
 * 4: ≈0.0046 (Nelson's figure for 14 alternating), 5: 3·0.0228²·0.9772 + 0.0228³,
 * 6: 5·0.1587⁴·0.8413 + 0.1587⁵, 7: 0.6827¹⁵, 8: 0.3173⁸.
 */
export const NELSON_RULE_P_VALUES: Readonly<Record<number, number>> = {
  2: 0.5 ** 9,
  3: 1 / 720,
  4: 0.0046,
  5: 3 * 0.0228 ** 2 * 0.9772 + 0.0228 ** 3,
  6: 5 * 0.1587 ** 4 * 0.8413 + 0.1587 ** 5,
  7: 0.6827 ** 15,
  8: 0.3173 ** 8,
}

/** Siegmund's approximation of the one-sided CUSUM in-control ARL for allowance k and interval h (σ units). */
export function cusumInControlRunLength(k: number, h: number): number {
  const b = h + 1.166
  if (k === 0) return b * b
  const delta = -k
  return (Math.exp(-2 * delta * b) + 2 * delta * b - 1) / (2 * delta * delta)
}

const clampRate = (p: number) => Math.min(1, Math.max(0, p))

/** The defect rate's sums: flips Σw·y to Σw·(1 − y) for metrics where higher is better. */
export function toDefectSums(sums: PeriodSums, flip: boolean): PeriodSums {
  return flip ? { ...sums, swy: Math.max(0, sums.sw - sums.swy) } : sums
}

export interface JudgeOptions {
  monitor: Pick<ChartMonitor, 'chart' | 'rules' | 'minCount'>
  settings: ResolvedChartSettings
  /** true when the metric's value is 1 − defect rate (higher is better). */
  flip: boolean
  /** Frozen baseline sums (pooled); null for a rolling baseline. */
  frozenBaseline: PeriodSums | null
}

/**
 * Judges `series[index]` (series: consecutive periods of one slice, defect-oriented sums, zeros
 * where there were no audits), using only periods up to `index`.
 */
export function judgeSeries(
  series: readonly PeriodSums[],
  index: number,
  options: JudgeOptions,
): Judgement {
  const { monitor, settings, flip } = options
  const current = series[index]
  const needsHistory = monitor.chart.kind !== 'p' || monitor.rules.some((r) => r !== 1)
  const windowStart = needsHistory ? Math.max(0, index - settings.history + 1) : index
  let baselineSums: PeriodSums | null
  let baselinePeriods = 0
  if (options.frozenBaseline !== null) {
    baselineSums = options.frozenBaseline
    baselinePeriods = 1
  } else {
    const from = Math.max(0, windowStart - settings.baselinePeriods)
    baselineSums = { period: '', n: 0, sw: 0, sw2: 0, swy: 0 }
    for (let i = from; i < windowStart; i++) {
      const s = series[i] as PeriodSums
      if (s.n > 0) baselinePeriods += 1
      baselineSums.n += s.n
      baselineSums.sw += s.sw
      baselineSums.sw2 += s.sw2
      baselineSums.swy += s.swy
    }
  }
  const hasBaseline =
    baselineSums.n >= monitor.minCount &&
    baselineSums.sw > 0 &&
    (options.frozenBaseline !== null || baselinePeriods >= settings.baselineMinPeriods)
  const d0 = hasBaseline ? clampRate(baselineSums.swy / baselineSums.sw) : null
  const n0 = hasBaseline ? (baselineSums.sw * baselineSums.sw) / baselineSums.sw2 : 0
  const dispersion =
    d0 === null || options.frozenBaseline !== null
      ? 1
      : overdispersion(
          series,
          Math.max(0, windowStart - settings.baselinePeriods),
          windowStart,
          d0,
          monitor.minCount,
        )
  // σ from a slightly shrunk rate, so a baseline with no defects still has non-zero limits.
  const d0ForSigma = d0 === null ? null : (d0 * n0 + 0.5) / (n0 + 1)
  const orient = (p: number) => (flip ? 1 - p : p)

  const historyStart = Math.max(0, index - settings.history + 1)
  const points: ChartPoint[] = []
  const standardised: { index: number; u: number }[] = []
  for (let i = historyStart; i <= index; i++) {
    const s = series[i] as PeriodSums
    const effectiveN = s.sw2 > 0 ? (s.sw * s.sw) / s.sw2 : 0
    const rate = s.sw > 0 ? clampRate(s.swy / s.sw) : null
    const sigma =
      d0ForSigma === null || effectiveN <= 0
        ? null
        : Math.sqrt((dispersion * d0ForSigma * (1 - d0ForSigma)) / effectiveN)
    const judged = s.n >= monitor.minCount
    const lo = d0 === null || sigma === null ? null : Math.max(0, d0 - 3 * sigma)
    const hi = d0 === null || sigma === null ? null : Math.min(1, d0 + 3 * sigma)
    points.push({
      period: s.period,
      n: s.n,
      effectiveN,
      value: rate === null ? null : orient(rate),
      center: d0 === null ? null : orient(d0),
      lower: lo === null || hi === null ? null : flip ? 1 - hi : lo,
      upper: lo === null || hi === null ? null : flip ? 1 - lo : hi,
      judged,
    })
    if (judged && rate !== null && sigma !== null && sigma > 0 && i >= windowStart) {
      standardised.push({ index: i, u: (rate - (d0 as number)) / sigma })
    }
  }
  const baseline = hasBaseline
    ? {
        n: baselineSums.n,
        effectiveN: n0,
        value: orient(d0 as number),
        periods: baselinePeriods,
        dispersion,
      }
    : null
  if (current === undefined || current.n < monitor.minCount || current.sw <= 0) {
    return { candidates: [], points, baseline, skipped: 'too_few_audits' }
  }
  if (d0 === null) return { candidates: [], points, baseline, skipped: 'no_baseline' }

  const candidates: Candidate[] = []
  const effectiveN = (current.sw * current.sw) / current.sw2
  const rate = clampRate(current.swy / current.sw)
  if (monitor.rules.includes(1)) {
    // Over-dispersed slices (Laney): the point counts as n_eff/φ binomial trials.
    const trials = Math.max(1, Math.round(effectiveN / dispersion))
    const defects = Math.min(trials, Math.round(rate * trials))
    // Jeffreys prior on the baseline rate: Beta(x₀ + ½, n₀ − x₀ + ½).
    const a = d0 * n0 + 0.5
    const b = (1 - d0) * n0 + 0.5
    const expected = trials * (a / (a + b))
    candidates.push({
      rule: 'nelson_1',
      pValue: betaBinomialUpperTail(defects, trials, a, b),
      statistic: expected > 0 ? defects / expected : 0,
    })
  }
  const last = standardised.at(-1)
  if (last !== undefined && last.index === index) {
    const values = standardised.map((s) => s.u)
    if (monitor.chart.kind === 'ewma') {
      const lambda = settings.lambda
      const chart = ewmaChart(values, { lambda, target: 0, sigma: 1 })
      const i = values.length
      const sd = Math.sqrt((lambda / (2 - lambda)) * (1 - (1 - lambda) ** (2 * i)))
      const z = (chart.points.at(-1)?.ewma ?? 0) / sd
      candidates.push({ rule: 'ewma', pValue: 1 - normalCdf(z), statistic: z })
    }
    if (monitor.chart.kind === 'cusum') {
      const chart = cusum(values, { k: settings.k, h: 5, target: 0, sigma: 1 })
      const s = chart.points.at(-1)?.upper ?? 0
      candidates.push({
        rule: 'cusum',
        pValue: s > 0 ? Math.min(1, 1 / cusumInControlRunLength(settings.k, s)) : 1,
        statistic: s,
      })
    }
    const runRules = monitor.rules.filter((r) => r !== 1)
    if (runRules.length > 0) {
      const violations = nelsonRules(values, { center: 0, sigma: 1 })
      const at = values.length - 1
      for (const rule of runRules) {
        if (!violations.some((v) => v.rule === rule && v.index === at)) continue
        if (!isWorse(rule, values, at)) continue
        candidates.push({
          rule: `nelson_${rule}` as SignalRule,
          pValue: NELSON_RULE_P_VALUES[rule] as number,
          statistic: values[at] as number,
        })
      }
    }
  }
  return { candidates, points, baseline }
}

/** Fewest baseline points the dispersion is estimated from; with fewer, φ = 1. */
export const MIN_DISPERSION_POINTS = 7
/** Largest dispersion factor applied (a baseline holding an incident should not blind the chart). */
export const MAX_DISPERSION = 4

/**
 * Laney's over-dispersion factor φ = max(1, σ_z²) over the baseline periods with at least
 * `minCount` audits, where z_i = (d_i − d₀)/√(d₀(1 − d₀)/n_eff,i) and σ_z = MR̄/1.128 (moving
 * ranges of consecutive z): how much more the slice's rate varies from period to period than
 * binomial sampling explains (e.g. a different mix of moderators each day). Reference: Laney (2002)
 * "Improved control charts for attributes", Quality Engineering 14(4):531-537.
 */
export function overdispersion(
  series: readonly PeriodSums[],
  from: number,
  to: number,
  d0: number,
  minCount: number,
): number {
  if (!(d0 > 0 && d0 < 1)) return 1
  const z: number[] = []
  for (let i = from; i < to; i++) {
    const s = series[i] as PeriodSums
    if (s.n < minCount || s.sw <= 0 || s.sw2 <= 0) continue
    const effectiveN = (s.sw * s.sw) / s.sw2
    z.push((s.swy / s.sw - d0) / Math.sqrt((d0 * (1 - d0)) / effectiveN))
  }
  if (z.length < MIN_DISPERSION_POINTS) return 1
  let movingRange = 0
  for (let i = 1; i < z.length; i++)
    movingRange += Math.abs((z[i] as number) - (z[i - 1] as number))
  const sigmaZ = movingRange / (z.length - 1) / 1.128
  return Math.min(MAX_DISPERSION, Math.max(1, sigmaZ * sigmaZ))
}

/** Rules with a side count only on the worse side (defect rate up); 4, 7 and 8 have none. */
function isWorse(rule: number, values: readonly number[], at: number): boolean {
  if (rule === 2 || rule === 5 || rule === 6) return (values[at] as number) > 0
  if (rule === 3) return (values[at] as number) > (values[at - 1] as number)
  return true
}
