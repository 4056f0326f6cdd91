/**
 * Reading alerts and moving them through their states: open → acknowledged → resolved (an open
 * alert may also be resolved directly). Every change is recorded in the trail.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Database } from '../../store/db.js'
import {
  countAlertsByState,
  findAlert,
  listAlerts,
  listDeliveries,
  listSignalsOfAlert,
  updateAlertState,
  type AlertFilter,
  type AlertRecord,
  type DeliveryLogRow,
  type SignalRecord,
} from '../../store/alert-store.js'
import type { AlertState } from '../../store/schema/index.js'
import { recordEvent } from '../trail/record-event.js'
import { clipInput, clipInputs } from '../../domain/quote-input.js'

export const ALERT_STATES: readonly AlertState[] = ['open', 'acknowledged', 'resolved']

export interface AlertDetail extends AlertRecord {
  signals: SignalRecord[]
  deliveries: DeliveryLogRow[]
}

export async function getAlert(database: Database, alertId: string): Promise<AlertDetail> {
  const alert = await findAlert(database.db, alertId)
  if (alert === undefined) throw new NotFoundError(`no alert ${clipInput(alertId)}`)
  const [signals, deliveries] = await Promise.all([
    listSignalsOfAlert(database.db, alertId),
    listDeliveries(database.db, { alertId, limit: 100 }),
  ])
  return { ...alert, signals, deliveries }
}

export function parseStates(
  text: string | readonly string[] | undefined,
): AlertState[] | undefined {
  if (text === undefined) return undefined
  const states = (typeof text === 'string' ? text.split(',') : [...text])
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const bad = states.filter((s) => !(ALERT_STATES as readonly string[]).includes(s))
  if (bad.length > 0)
    throw new ValidationError(`unknown alert state ${clipInputs(bad)}`, [
      { path: 'state', message: 'use open, acknowledged or resolved' },
    ])
  return states as AlertState[]
}

export async function findAlerts(
  database: Database,
  filter: Partial<AlertFilter>,
): Promise<{ alerts: AlertRecord[]; nextCursor: string | null }> {
  return listAlerts(database.db, {
    ...filter,
    limit: Math.min(500, Math.max(1, filter.limit ?? 100)),
  })
}

export { countAlertsByState }

async function transition(
  database: Database,
  alertId: string,
  to: 'acknowledged' | 'resolved',
  by: string,
  now: Date,
  note: string | undefined,
): Promise<AlertRecord> {
  return database.transaction(async (trx) => {
    const alert = await findAlert(trx, alertId)
    if (alert === undefined) throw new NotFoundError(`no alert ${clipInput(alertId)}`)
    if (alert.state === 'resolved') throw new ConflictError(`alert ${alertId} is already resolved`)
    if (alert.state === to) throw new ConflictError(`alert ${alertId} is already ${to}`)
    await updateAlertState(trx, alertId, { state: to, at: now, by, note })
    await recordEvent(trx, {
      actor: by,
      action: to === 'acknowledged' ? 'alert.acknowledge' : 'alert.resolve',
      subjectType: 'alert',
      subjectId: alertId,
      before: { state: alert.state },
      after: { state: to, note: note ?? null },
      at: now,
    })
    return (await findAlert(trx, alertId)) as AlertRecord
  })
}

export function acknowledgeAlert(
  database: Database,
  alertId: string,
  by: string,
  now: Date,
  note?: string,
): Promise<AlertRecord> {
  return transition(database, alertId, 'acknowledged', by, now, note)
}

export function resolveAlert(
  database: Database,
  alertId: string,
  by: string,
  now: Date,
  note?: string,
): Promise<AlertRecord> {
  return transition(database, alertId, 'resolved', by, now, note)
}
