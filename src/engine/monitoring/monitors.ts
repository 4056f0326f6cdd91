/**
 * The active monitor set: the shipped defaults (default-monitors.yaml) with stored monitors over
 * them — a stored monitor with a default's id replaces it (`enabled: false` switches it off).
 */
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { usesRollups } from '../../domain/metrics/metric-definition.js'
import {
  loadDefaultMonitors,
  parseMonitor,
  type Monitor,
} from '../../domain/monitoring/monitor-definition.js'
import type { Database } from '../../store/db.js'
import { deleteStoredMonitor, listStoredMonitors, saveMonitor } from '../../store/monitor-store.js'
import { getMetric, loadMetricSetup, type MetricSetup } from '../metrics/metric-setup.js'
import { clipInput } from '../../domain/quote-input.js'
import { recordEvent } from '../trail/record-event.js'

export interface MonitorEntry {
  monitor: Monitor
  /** default: shipped; custom: stored; overridden: a stored replacement of a default. */
  source: 'default' | 'custom' | 'overridden'
}

export async function listMonitors(database: Database): Promise<MonitorEntry[]> {
  const stored = await listStoredMonitors(database.db)
  const defaults = loadDefaultMonitors()
  const storedById = new Map(stored.map((s) => [s.monitorId, parseMonitor(s.document)]))
  const entries: MonitorEntry[] = defaults.map((d) => {
    const override = storedById.get(d.id)
    return override === undefined
      ? { monitor: d, source: 'default' }
      : { monitor: override, source: 'overridden' }
  })
  for (const [id, monitor] of storedById) {
    if (!defaults.some((d) => d.id === id)) entries.push({ monitor, source: 'custom' })
  }
  return entries
}

export async function getMonitor(database: Database, monitorId: string): Promise<MonitorEntry> {
  const found = (await listMonitors(database)).find((e) => e.monitor.id === monitorId)
  if (found === undefined) throw new NotFoundError(`no monitor ${clipInput(monitorId)}`)
  return found
}

/** Checks that a chart monitor's metric exists and can be charted (a rate or a score). */
export function checkMonitorMetric(monitor: Monitor, setup: MetricSetup): void {
  if (monitor.kind !== 'chart') return
  const metric = getMetric(setup, monitor.metric)
  if (metric.kind !== 'proportion' && metric.kind !== 'weighted_score') {
    throw new ValidationError(
      `${metric.code} is a ${metric.kind} metric; monitors chart rates and scores`,
      [{ path: 'metric', message: 'use a proportion or weighted_score metric (e.g. error_rate)' }],
    )
  }
  if (metric.over === 'appeals') {
    throw new ValidationError(
      `${metric.code} is measured over appeals, which users choose; monitors chart sampled final verdicts`,
      [{ path: 'metric', message: 'use a metric over verdicts' }],
    )
  }
  if (usesRollups(metric))
    throw new ValidationError(`${metric.code} cannot be monitored`, [
      { path: 'metric', message: 'not an audit metric' },
    ])
}

/** Validates and stores a monitor (creating it, or replacing a stored one or a default). */
export async function setMonitor(
  database: Database,
  input: unknown,
  createdBy: string | null,
  now: Date,
): Promise<MonitorEntry> {
  const monitor = parseMonitor(input)
  checkMonitorMetric(monitor, await loadMetricSetup(database))
  const before = (await listMonitors(database)).find((e) => e.monitor.id === monitor.id)
  await database.transaction(async (trx) => {
    await saveMonitor(trx, monitor.id, monitor, createdBy, now)
    await recordEvent(trx, {
      actor: createdBy ?? 'system',
      action: 'monitor.set',
      subjectType: 'monitor',
      subjectId: monitor.id,
      before: before?.monitor ?? null,
      after: monitor,
      at: now,
    })
  })
  const isDefault = loadDefaultMonitors().some((d) => d.id === monitor.id)
  return { monitor, source: isDefault ? 'overridden' : 'custom' }
}

/** Deletes a custom monitor, or restores a default's shipped definition; a plain default cannot be deleted. */
export async function deleteMonitor(
  database: Database,
  monitorId: string,
  actor = 'system',
): Promise<void> {
  const before = (await listMonitors(database)).find((e) => e.monitor.id === monitorId)
  const removed = await database.transaction(async (trx) => {
    if (!(await deleteStoredMonitor(trx, monitorId))) return false
    await recordEvent(trx, {
      actor,
      action: 'monitor.delete',
      subjectType: 'monitor',
      subjectId: monitorId,
      before: before?.monitor ?? null,
    })
    return true
  })
  if (removed) return
  if (loadDefaultMonitors().some((d) => d.id === monitorId)) {
    throw new ConflictError(
      `${monitorId} is a default monitor; switch it off with enabled: false instead`,
    )
  }
  throw new NotFoundError(`no monitor ${clipInput(monitorId)}`)
}
