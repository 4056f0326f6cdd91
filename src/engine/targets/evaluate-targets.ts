/**
 * Judges targets: each is evaluated over its own period and scope (intersected with the
 * principal's visibility), and its status read off the interval — met when the whole interval is
 * on the good side, missed when it is wholly on the bad side, inconclusive otherwise, with the
 * audits that would settle it at the current rate.
 */
import type { Principal } from '../../domain/access.js'
import type { Period } from '../../domain/metrics/period.js'
import {
  gapToTarget,
  judgeTarget,
  type Target,
  type TargetStatus,
} from '../../domain/metrics/target.js'
import type { Database } from '../../store/db.js'
import { listTargets } from '../../store/targets-store.js'
import { evaluateBatch, type SliceRequest } from '../metrics/evaluate-batch.js'
import { auditsToSettle, type Estimate } from '../metrics/estimate.js'
import {
  getMetric,
  loadMetricSetup,
  resolvePeriod,
  scopeOf,
  type MetricSetup,
} from '../metrics/metric-setup.js'

export interface TargetResult {
  target: Target
  metricName: string
  unit: string
  period: Period
  value: Estimate
  status: TargetStatus
  /** estimate on the bad side of the threshold (positive = worse than target); null without data. */
  gap: number | null
  /** For an inconclusive target: more audits that would settle it if the rate holds. */
  auditsToSettle: number | null
}

export async function evaluateTargets(
  database: Database,
  principal: Pick<Principal, 'regions' | 'sites'> | null,
  options: { now: Date; confidence?: number; targets?: readonly Target[] },
  preloaded?: MetricSetup,
): Promise<TargetResult[]> {
  const setup = preloaded ?? (await loadMetricSetup(database))
  const targets = options.targets ?? (await listTargets(database.db))
  const confidence = options.confidence ?? 0.95
  const byPeriod = new Map<string, { period: Period; indices: number[] }>()
  targets.forEach((target, i) => {
    const period = resolvePeriod(setup, target.period, options.now)
    const key = `${period.from}/${period.to}`
    const entry = byPeriod.get(key) ?? { period, indices: [] }
    entry.indices.push(i)
    byPeriod.set(key, entry)
  })
  const results: TargetResult[] = new Array(targets.length)
  for (const { period, indices } of byPeriod.values()) {
    const requests: SliceRequest[] = indices.map((i) => {
      const target = targets[i] as Target
      return {
        metric: getMetric(setup, target.metric),
        dimensions: [],
        restrict: target.scope,
        ignorePer: true,
      }
    })
    const values = await evaluateBatch(database, setup, requests, {
      range: period,
      scope: scopeOf(principal),
      confidence,
    })
    indices.forEach((i, j) => {
      const target = targets[i] as Target
      const metric = (requests[j] as SliceRequest).metric
      const value: Estimate = values[j]?.[0] ?? {
        estimate: null,
        lower: null,
        upper: null,
        n: 0,
        effectiveSampleSize: null,
        successes: null,
      }
      results[i] = judge(
        target,
        metric.name,
        metric.unit,
        metric.kind === 'weighted_score',
        period,
        value,
        confidence,
      )
    })
  }
  return results
}

export function judge(
  target: Target,
  metricName: string,
  unit: string,
  isScore: boolean,
  period: Period,
  value: Estimate,
  confidence: number,
): TargetResult {
  if (value.estimate === null) {
    return {
      target,
      metricName,
      unit,
      period,
      value,
      status: 'inconclusive',
      gap: null,
      auditsToSettle: null,
    }
  }
  // Counts and quantiles carry no interval: judged on the value itself.
  const lower = value.lower ?? value.estimate
  const upper = value.upper ?? value.estimate
  const status = judgeTarget(target.direction, target.threshold, lower, upper)
  return {
    target,
    metricName,
    unit,
    period,
    value,
    status,
    gap: gapToTarget(target.direction, target.threshold, value.estimate),
    auditsToSettle:
      status === 'inconclusive'
        ? auditsToSettle(value, target.threshold, confidence, isScore)
        : null,
  }
}
