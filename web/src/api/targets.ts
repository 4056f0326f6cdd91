/** Flattens a target evaluation for tables. */
import type { TargetEvaluation, TargetResult } from './types'

export function flattenTarget(result: TargetResult): TargetEvaluation {
  return {
    ...result.target,
    estimate: result.value.estimate,
    lower: result.value.lower,
    upper: result.value.upper,
    n: result.value.n,
    status: result.status,
    gap: result.gap,
    auditsNeeded: result.auditsToSettle,
    metricName: result.metricName,
    periodLabel: result.period.label,
  }
}
