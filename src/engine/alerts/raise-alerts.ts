/**
 * Turns a run's signals into alerts, in one transaction under the monitor-run lock:
 * - a signal whose key (monitor, slice, rule, period) exists is a duplicate: nothing happens;
 * - otherwise, when the group (metric + slice, whichever monitor; or the target) has an alert that is open or acknowledged, or was
 *   resolved less than `cooldown` periods before this signal's period, the signal joins it
 *   (grouping and cooldown: no new alert, no new notification);
 * - otherwise a new alert is raised, recorded in the trail, and one delivery per matching webhook
 *   is queued in the outbox.
 * Signals are processed in as-of order, so a backfill groups exactly as a daily cron would have.
 */
import { randomBytes } from 'node:crypto'
import { ALERT_SEVERITIES, type Severity } from '../../domain/monitoring/monitor-definition.js'
import type { Database } from '../../store/db.js'
import {
  attachSignal,
  enqueueDeliveries,
  findLatestAlertOfGroup,
  insertAlert,
  insertSignal,
  hasSignal,
  listWebhooks,
} from '../../store/alert-store.js'
import { lockMonitorRuns } from '../../store/monitor-store.js'
import { recordEvent } from '../trail/record-event.js'

export interface PendingSignal {
  monitorId: string
  /** Similar signals share it: the metric and slice for charts (daily and weekly alike), the target. */
  groupKey: string
  metric: string | null
  slice: Record<string, string | null>
  sliceKey: string
  rule: string
  /** The period's label in the dedup key (a start day, or FROM..TO for a target period). */
  period: string
  periodStart: string
  /** Days per period of the monitor, for the cooldown. */
  periodLength: number
  asOf: string
  severity: Severity
  /** In periods. */
  cooldown: number
  title: string
  pValue: number | null
  pAdjusted: number | null
  evidence: unknown
}

export interface RaiseResult {
  newAlerts: string[]
  attached: number
  duplicates: number
}

/** A short, readable alert id (`al-` + 10 base-32 characters). */
export function newAlertId(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const bytes = randomBytes(10)
  return `al-${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}`
}

/** Whether a webhook with minimum severity `min` receives an alert of `severity`. */
export function severityReaches(severity: Severity, min: Severity): boolean {
  return ALERT_SEVERITIES.indexOf(severity) <= ALERT_SEVERITIES.indexOf(min)
}

const dayMs = 86_400_000
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs)

export async function raiseSignals(
  database: Database,
  signals: readonly PendingSignal[],
  options: { now: Date; actor: string },
): Promise<RaiseResult> {
  const result: RaiseResult = { newAlerts: [], attached: 0, duplicates: 0 }
  if (signals.length === 0) return result
  const ordered = [...signals].sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0))
  await database.transaction(async (trx) => {
    await lockMonitorRuns(trx)
    const webhooks = (await listWebhooks(trx)).filter((w) => w.enabled)
    const raised: { alertId: string; signal: PendingSignal }[] = []
    for (const signal of ordered) {
      const key = {
        monitorId: signal.monitorId,
        sliceKey: signal.sliceKey,
        rule: signal.rule,
        period: signal.period,
      }
      if (await hasSignal(trx, key)) {
        result.duplicates += 1
        continue
      }
      const { groupKey } = signal
      const latest = await findLatestAlertOfGroup(trx, groupKey)
      const periodsSince =
        latest === undefined
          ? Infinity
          : daysBetween(latest.lastPeriodStart, signal.periodStart) / signal.periodLength
      const joins =
        latest !== undefined && (latest.state !== 'resolved' || periodsSince <= signal.cooldown)
      const record = {
        ...key,
        asOf: signal.asOf,
        pValue: signal.pValue,
        pAdjusted: signal.pAdjusted,
        createdAt: options.now,
      }
      if (joins && latest !== undefined) {
        await insertSignal(trx, { ...record, alertId: latest.alertId })
        await attachSignal(trx, latest.alertId, signal.period, signal.periodStart, options.now)
        result.attached += 1
        continue
      }
      const alertId = newAlertId()
      await insertAlert(trx, {
        alertId,
        monitorId: signal.monitorId,
        groupKey,
        metric: signal.metric,
        slice: signal.slice,
        rule: signal.rule,
        severity: signal.severity,
        title: signal.title,
        firstPeriod: signal.period,
        lastPeriod: signal.period,
        lastPeriodStart: signal.periodStart,
        pValue: signal.pValue,
        pAdjusted: signal.pAdjusted,
        evidence: signal.evidence,
        raisedAt: options.now,
        updatedAt: options.now,
      })
      await insertSignal(trx, { ...record, alertId })
      await enqueueDeliveries(
        trx,
        alertId,
        webhooks
          .filter((w) => severityReaches(signal.severity, w.minSeverity))
          .map((w) => w.webhookId),
        options.now,
      )
      raised.push({ alertId, signal })
      result.newAlerts.push(alertId)
    }
    // Trail entries last: recordEvent holds the trail lock until the transaction ends.
    for (const { alertId, signal } of raised) {
      await recordEvent(trx, {
        actor: options.actor,
        action: 'alert.raise',
        subjectType: 'alert',
        subjectId: alertId,
        after: {
          monitorId: signal.monitorId,
          slice: signal.slice,
          rule: signal.rule,
          period: signal.period,
          severity: signal.severity,
          pValue: signal.pValue,
        },
        at: options.now,
      })
    }
  })
  return result
}
