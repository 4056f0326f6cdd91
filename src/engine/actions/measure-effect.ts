/**
 * The effect of a corrective action: the metric in its scope over the `windowDays` before the
 * intervention date against the days from the intervention on (at most `windowDays`, and never
 * past the as-of date), adjusted for the sample design.
 *
 * Each side is the design-weighted (Hájek) rate p = Σw·y/Σw with w = 1/π and Kish effective size
 * n_eff = (Σw)²/Σw² (engine/metrics `proportionFromSums`); the difference after − before gets
 * Newcombe's hybrid score interval built from the two Wilson intervals at n_eff
 * (lower = d − √((p₁ − l₁)² + (u₂ − p₂)²), upper = d + √((u₁ − p₁)² + (p₂ − l₂)²), as stats
 * `differenceOfProportionsInterval`, here at fractional n_eff), and the pooled two-proportion z test
 * at n_eff (engine/metrics `compareEstimates`). A weighted score is measured on its penalty and
 * reported as a score. The status then follows `classifyEffect`; while too early, `auditsNeeded`
 * says how many more audits after the intervention would detect the expected effect (stats
 * `sampleSizeForDifference`, power 0.8, scaled by the design effect n/n_eff).
 */
import { addDays } from '../../domain/metrics/period.js'
import type { MetricDefinition } from '../../domain/metrics/metric-definition.js'
import { classifyEffect, type EffectStatus } from '../../domain/monitoring/corrective-action.js'
import { sampleSizeForDifference } from '../../stats/index.js'
import type { Database } from '../../store/db.js'
import type { MeasureSums } from '../../store/metrics-store.js'
import { evaluateBatch } from '../metrics/evaluate-batch.js'
import {
  compareEstimates,
  proportionFromSums,
  wilsonAt,
  type Estimate,
} from '../metrics/estimate.js'
import type { MetricSetup } from '../metrics/metric-setup.js'

export const EFFECT_WINDOW_DAYS = 28

export interface EffectSide {
  from: string
  /** Exclusive. */
  to: string
  audits: number
  effectiveAudits: number
  /** The metric's value (a score as 1 − penalty). */
  value: number | null
  lower: number | null
  upper: number | null
}

export interface ActionEffect {
  metric: string
  scope: Record<string, string>
  before: EffectSide
  after: EffectSide
  /** after − before in the metric's units. */
  difference: number | null
  lower: number | null
  upper: number | null
  z: number | null
  pValue: number | null
  confidence: number
  expectedEffect: number
  status: EffectStatus
  /** While too early: more audits after the intervention that would detect the expected effect. */
  auditsNeeded: number | null
  measuredAsOf: string
}

function side(
  sums: MeasureSums | null,
  from: string,
  to: string,
  confidence: number,
  isScore: boolean,
): { side: EffectSide; estimate: Estimate } {
  const estimate =
    sums === null
      ? {
          estimate: null,
          lower: null,
          upper: null,
          n: 0,
          effectiveSampleSize: null,
          successes: null,
        }
      : proportionFromSums(sums, confidence)
  const flip = (v: number | null) => (v === null ? null : isScore ? 1 - v : v)
  return {
    estimate,
    side: {
      from,
      to,
      audits: estimate.n,
      effectiveAudits: estimate.effectiveSampleSize ?? 0,
      value: flip(estimate.estimate),
      lower: isScore ? flip(estimate.upper) : estimate.lower,
      upper: isScore ? flip(estimate.lower) : estimate.upper,
    },
  }
}

/** Newcombe's hybrid score interval for p₁ − p₂ from Wilson intervals at (fractional) effective sizes. */
export function newcombeInterval(
  p1: number,
  n1: number,
  p2: number,
  n2: number,
  confidence: number,
): [number, number] {
  const [l1, u1] = wilsonAt(p1, n1, confidence)
  const [l2, u2] = wilsonAt(p2, n2, confidence)
  const d = p1 - p2
  return [
    Math.max(-1, d - Math.hypot(p1 - l1, u2 - p2)),
    Math.min(1, d + Math.hypot(u1 - p1, p2 - l2)),
  ]
}

export async function measureActionEffect(
  database: Database,
  setup: MetricSetup,
  action: {
    metric: MetricDefinition
    scope: Record<string, string>
    interventionDate: string
    expectedEffect: number | null
  },
  options: { asOf: string; confidence?: number; windowDays?: number },
): Promise<ActionEffect> {
  const confidence = options.confidence ?? 0.95
  const window = options.windowDays ?? EFFECT_WINDOW_DAYS
  const { metric, interventionDate } = action
  const isScore = metric.kind === 'weighted_score'
  const beforeRange = { from: addDays(interventionDate, -window), to: interventionDate }
  const afterEnd =
    addDays(interventionDate, window) < options.asOf
      ? addDays(interventionDate, window)
      : options.asOf
  const afterRange = {
    from: interventionDate,
    to: afterEnd > interventionDate ? afterEnd : interventionDate,
  }
  const restrict = Object.keys(action.scope).length === 0 ? undefined : action.scope
  const request = [{ metric, dimensions: [] as string[], restrict, ignorePer: true }]
  const scope = { regions: null, sites: null }
  const [beforeRows, afterRows] = await Promise.all([
    evaluateBatch(database, setup, request, { range: beforeRange, scope, confidence }),
    afterRange.to > afterRange.from
      ? evaluateBatch(database, setup, request, { range: afterRange, scope, confidence })
      : Promise.resolve([[]]),
  ])
  const beforeRow = beforeRows[0]?.[0]
  const afterRow = afterRows[0]?.[0]
  const before = side(
    beforeRow?.sums ?? null,
    beforeRange.from,
    beforeRange.to,
    confidence,
    isScore,
  )
  const after = side(afterRow?.sums ?? null, afterRange.from, afterRange.to, confidence, isScore)
  // The defect-like orientation the sums carry: higher p is better for accuracy-type metrics, worse for rates and penalties.
  const higherIsBetterOnSums = metric.kind === 'proportion' && metric.higher_is_better
  const bp = before.estimate.estimate
  const baseDefect = bp === null ? null : higherIsBetterOnSums ? 1 - bp : bp
  const expectedEffect = action.expectedEffect ?? Math.max(0.005, 0.25 * (baseDefect ?? 0.02))

  let difference: number | null = null
  let lower: number | null = null
  let upper: number | null = null
  let z: number | null = null
  let pValue: number | null = null
  const a = after.estimate
  const b = before.estimate
  if (
    a.estimate !== null &&
    b.estimate !== null &&
    a.effectiveSampleSize &&
    b.effectiveSampleSize
  ) {
    const [lo, hi] = newcombeInterval(
      a.estimate,
      a.effectiveSampleSize,
      b.estimate,
      b.effectiveSampleSize,
      confidence,
    )
    const test = compareEstimates(a, b)
    const sign = isScore ? -1 : 1
    difference = sign * (a.estimate - b.estimate)
    lower = isScore ? -hi : lo
    upper = isScore ? -lo : hi
    z = test === null ? null : sign * test.z
    pValue = test?.pValue ?? null
  }
  // Improvement in the good direction on the metric's scale.
  const good = metric.higher_is_better ? 1 : -1
  const improvement = difference === null ? 0 : good * difference
  const improvementBounds =
    lower === null || upper === null
      ? [-Infinity, Infinity]
      : good > 0
        ? [lower, upper]
        : [-upper, -lower]
  const status = classifyEffect({
    improvement,
    improvementLower: improvementBounds[0] as number,
    improvementUpper: improvementBounds[1] as number,
    expectedEffect,
    afterAudits: a.n,
  })
  let auditsNeeded: number | null = null
  if (status === 'too_early' && baseDefect !== null && baseDefect - expectedEffect > 1e-6) {
    const required = sampleSizeForDifference({
      p1: Math.min(1 - 1e-6, baseDefect),
      p2: baseDefect - expectedEffect,
      alpha: 1 - confidence,
      power: 0.8,
    })
    const have = a.effectiveSampleSize ?? 0
    const designEffect =
      a.n > 0 && a.effectiveSampleSize
        ? a.n / a.effectiveSampleSize
        : b.effectiveSampleSize
          ? b.n / b.effectiveSampleSize
          : 1
    auditsNeeded = Math.max(0, Math.ceil((required - have) * designEffect))
  }
  return {
    metric: metric.code,
    scope: action.scope,
    before: before.side,
    after: after.side,
    difference,
    lower,
    upper,
    z,
    pValue,
    confidence,
    expectedEffect,
    status,
    auditsNeeded,
    measuredAsOf: options.asOf,
  }
}
