/**
 * Independent reference computations for the metrics tests: plain JS loops over the raw rows
 * (final verdicts joined to decisions in JS), each standard metric's meaning written out by hand —
 * not through the filter compiler, the SQL aggregation or the sums-based estimators.
 */
import { weightedProportion } from '../../src/stats/index.js'
import type { RawVerdictRow } from './fixture.js'

export const ENFORCING = new Set(['remove', 'restrict', 'label', 'ban_account'])
const SEVERITY_WEIGHT: Record<string, number> = { critical: 5, major: 2, minor: 1 }

export interface ReferenceMetric {
  over: 'verdicts' | 'appeals'
  per?: (r: RawVerdictRow) => string
  denominator: (r: RawVerdictRow) => boolean
  /** 0/1 for proportions; the penalty in [0, 1] for the score. */
  value: (r: RawVerdictRow) => number
  score?: boolean
}

const all = () => true
const error = (r: RawVerdictRow) => (r.outcome !== 'correct' ? 1 : 0)

export const REFERENCE: Record<string, ReferenceMetric> = {
  accuracy: { over: 'verdicts', denominator: all, value: (r) => (r.outcome === 'correct' ? 1 : 0) },
  error_rate: { over: 'verdicts', denominator: all, value: error },
  false_positive_rate: {
    over: 'verdicts',
    denominator: (r) => ENFORCING.has(r.decision.action),
    value: (r) => (r.outcome === 'false_positive' ? 1 : 0),
  },
  false_negative_rate: {
    over: 'verdicts',
    denominator: (r) => !ENFORCING.has(r.decision.action),
    value: (r) => (r.outcome === 'false_negative' ? 1 : 0),
  },
  wrong_policy_rate: {
    over: 'verdicts',
    denominator: all,
    value: (r) => (r.outcome === 'wrong_policy' ? 1 : 0),
  },
  critical_error_rate: {
    over: 'verdicts',
    denominator: all,
    value: (r) => (r.outcome !== 'correct' && r.severity === 'critical' ? 1 : 0),
  },
  quality_score: {
    over: 'verdicts',
    denominator: all,
    value: (r) =>
      r.outcome === 'correct'
        ? 0
        : (r.severity === null ? 1 : (SEVERITY_WEIGHT[r.severity] as number)) / 5,
    score: true,
  },
  precision: {
    over: 'verdicts',
    per: (r) => r.decision.policy,
    denominator: (r) => r.decision.policy !== 'none',
    value: (r) => (r.policy === r.decision.policy ? 1 : 0),
  },
  recall: {
    over: 'verdicts',
    per: (r) => r.policy,
    denominator: (r) => r.policy !== 'none',
    value: (r) => (r.policy === r.decision.policy ? 1 : 0),
  },
  second_qa_agreement: {
    over: 'verdicts',
    denominator: (r) => r.secondQaAgrees !== null,
    value: (r) => (r.secondQaAgrees === true ? 1 : 0),
  },
  dispute_rate: { over: 'verdicts', denominator: all, value: (r) => (r.disputed ? 1 : 0) },
  overturn_rate: {
    over: 'verdicts',
    denominator: (r) => r.disputed,
    value: (r) => (r.overturned ? 1 : 0),
  },
  appeal_overturn_rate: { over: 'appeals', denominator: all, value: error },
}

export interface ReferenceEstimate {
  estimate: number
  lower: number
  upper: number
  n: number
  effectiveSampleSize: number
}

/** The reference estimate over rows (already restricted to a period/slice); null when empty. */
export function referenceEstimate(
  metric: ReferenceMetric,
  rows: readonly RawVerdictRow[],
): ReferenceEstimate | null {
  const selected = rows.filter(
    (r) => r.isAppeal === (metric.over === 'appeals') && metric.denominator(r),
  )
  if (selected.length === 0) return null
  let total = 0
  let weighted = 0
  const units = selected.map((r) => {
    const weight = 1 / (r.inclusionProbability ?? 1)
    total += weight
    weighted += weight * metric.value(r)
    return { weight, success: metric.value(r) > 0 }
  })
  if (!metric.score) {
    const result = weightedProportion(units)
    return { ...result, n: selected.length }
  }
  // Score: mean penalty with the Wilson interval at n_eff (the documented conservative interval),
  // computed through stats weightedProportion by splitting weights in proportion to the penalty.
  const mean = weighted / total
  const proxy = weightedProportion(units.map((u) => ({ weight: u.weight, success: false })))
  const shifted = wilsonFromStats(mean, proxy.effectiveSampleSize)
  return {
    estimate: 1 - mean,
    lower: 1 - shifted[1],
    upper: 1 - shifted[0],
    n: selected.length,
    effectiveSampleSize: proxy.effectiveSampleSize,
  }
}

/** Wilson interval at fractional n, written out from the textbook formula (Newcombe 1998, method 3). */
export function wilsonFromStats(p: number, n: number, z = 1.959963984540054): [number, number] {
  const denominator = 1 + (z * z) / n
  const center = (p + (z * z) / (2 * n)) / denominator
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  return [Math.max(0, center - half), Math.min(1, center + half)]
}

export function inPeriod(row: RawVerdictRow, from: string, to: string): boolean {
  const day = row.decision.decidedAt.toISOString().slice(0, 10)
  return day >= from && day < to
}
