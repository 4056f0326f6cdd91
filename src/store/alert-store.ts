/**
 * Queries for alerts: signals (the idempotency key of a monitor run), alerts and their state,
 * webhooks, and the delivery outbox with its attempt log.
 */
import { sql, type Kysely } from 'kysely'
import { ValidationError } from '../domain/errors.js'
import type { AlertSeverity, AlertState, Schema } from './schema/index.js'

export interface AlertRecord {
  alertId: string
  monitorId: string
  groupKey: string
  metric: string | null
  slice: Record<string, string | null>
  rule: string
  severity: AlertSeverity
  state: AlertState
  title: string
  firstPeriod: string
  lastPeriod: string
  lastPeriodStart: string
  signalCount: number
  pValue: number | null
  pAdjusted: number | null
  evidence: unknown
  raisedAt: Date
  updatedAt: Date
  acknowledgedAt: Date | null
  acknowledgedBy: string | null
  resolvedAt: Date | null
  resolvedBy: string | null
  note: string | null
}

const parseJson = <T>(value: unknown): T =>
  (typeof value === 'string' ? JSON.parse(value) : value) as T
const dateOrNull = (value: Date | string | null): Date | null =>
  value === null ? null : new Date(value)

type AlertRow = Omit<
  AlertRecord,
  'slice' | 'evidence' | 'raisedAt' | 'updatedAt' | 'acknowledgedAt' | 'resolvedAt'
> & {
  slice: unknown
  evidence: unknown
  raisedAt: Date | string
  updatedAt: Date | string
  acknowledgedAt: Date | string | null
  resolvedAt: Date | string | null
}

function toAlert(row: AlertRow): AlertRecord {
  return {
    ...row,
    slice: parseJson(row.slice),
    evidence: parseJson(row.evidence),
    raisedAt: new Date(row.raisedAt),
    updatedAt: new Date(row.updatedAt),
    acknowledgedAt: dateOrNull(row.acknowledgedAt),
    resolvedAt: dateOrNull(row.resolvedAt),
  }
}

export interface SignalRecord {
  monitorId: string
  sliceKey: string
  rule: string
  period: string
  alertId: string
  asOf: string
  pValue: number | null
  pAdjusted: number | null
  createdAt: Date
}

/** Whether this (monitor, slice, rule, period) was already signalled. */
export async function hasSignal(
  db: Kysely<Schema>,
  key: Pick<SignalRecord, 'monitorId' | 'sliceKey' | 'rule' | 'period'>,
): Promise<boolean> {
  const row = await db
    .selectFrom('alertSignals')
    .select('alertId')
    .where('monitorId', '=', key.monitorId)
    .where('sliceKey', '=', key.sliceKey)
    .where('rule', '=', key.rule)
    .where('period', '=', key.period)
    .executeTakeFirst()
  return row !== undefined
}

/** Inserts the signal unless its key exists; returns whether it was new. */
export async function insertSignal(db: Kysely<Schema>, signal: SignalRecord): Promise<boolean> {
  const rows = await db
    .insertInto('alertSignals')
    .values(signal)
    .onConflict((oc) => oc.columns(['monitorId', 'sliceKey', 'rule', 'period']).doNothing())
    .returning('alertId')
    .execute()
  return rows.length > 0
}

export async function listSignalsOfAlert(
  db: Kysely<Schema>,
  alertId: string,
): Promise<SignalRecord[]> {
  const rows = await db
    .selectFrom('alertSignals')
    .selectAll()
    .where('alertId', '=', alertId)
    .orderBy('period')
    .orderBy('rule')
    .execute()
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }))
}

/** The alert of a group with the latest signalled period (for grouping and the cooldown). */
export async function findLatestAlertOfGroup(
  db: Kysely<Schema>,
  groupKey: string,
): Promise<AlertRecord | undefined> {
  const row = await db
    .selectFrom('alerts')
    .selectAll()
    .where('groupKey', '=', groupKey)
    .orderBy('lastPeriodStart', 'desc')
    .orderBy('raisedAt', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row && toAlert(row as AlertRow)
}

export type NewAlert = Omit<
  AlertRecord,
  | 'state'
  | 'signalCount'
  | 'acknowledgedAt'
  | 'acknowledgedBy'
  | 'resolvedAt'
  | 'resolvedBy'
  | 'note'
>

export async function insertAlert(db: Kysely<Schema>, alert: NewAlert): Promise<void> {
  await db
    .insertInto('alerts')
    .values({
      ...alert,
      slice: JSON.stringify(alert.slice),
      evidence: JSON.stringify(alert.evidence),
    })
    .execute()
}

/** Records one more signal on an alert; moves its last period forward (never back). */
export async function attachSignal(
  db: Kysely<Schema>,
  alertId: string,
  period: string,
  periodStart: string,
  now: Date,
): Promise<void> {
  await sql`
    update alerts set signal_count = signal_count + 1, updated_at = ${now},
      last_period = case when ${periodStart}::date > last_period_start then ${period} else last_period end,
      last_period_start = greatest(last_period_start, ${periodStart}::date)
    where alert_id = ${alertId}`.execute(db)
}

export async function findAlert(
  db: Kysely<Schema>,
  alertId: string,
): Promise<AlertRecord | undefined> {
  const row = await db
    .selectFrom('alerts')
    .selectAll()
    .where('alertId', '=', alertId)
    .executeTakeFirst()
  return row && toAlert(row as AlertRow)
}

export interface AlertFilter {
  states?: readonly AlertState[]
  monitorId?: string
  metric?: string
  /** Alerts whose signalled periods overlap [from, to) (YYYY-MM-DD). */
  from?: string
  to?: string
  limit: number
  cursor?: string
}

function encodeCursor(alert: AlertRecord): string {
  return Buffer.from(JSON.stringify([alert.raisedAt.toISOString(), alert.alertId])).toString(
    'base64url',
  )
}

function decodeCursor(cursor: string): [Date, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      string,
      string,
    ]
    const date = new Date(at)
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error('bad cursor')
    return [date, id]
  } catch {
    throw new ValidationError('malformed cursor', [
      { path: 'cursor', message: 'pass the nextCursor of a previous page' },
    ])
  }
}

/** Alerts, newest first, keyset-paginated. */
export async function listAlerts(
  db: Kysely<Schema>,
  filter: AlertFilter,
): Promise<{ alerts: AlertRecord[]; nextCursor: string | null }> {
  let query = db.selectFrom('alerts').selectAll()
  if (filter.states !== undefined && filter.states.length > 0)
    query = query.where('state', 'in', [...filter.states])
  if (filter.monitorId !== undefined) query = query.where('monitorId', '=', filter.monitorId)
  if (filter.metric !== undefined) query = query.where('metric', '=', filter.metric)
  if (filter.to !== undefined) query = query.where(sql<boolean>`first_period < ${filter.to}`)
  if (filter.from !== undefined)
    query = query.where(sql<boolean>`last_period_start >= ${filter.from}::date - 6`)
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor)
    query = query.where(sql<boolean>`(raised_at, alert_id) < (${at}, ${id})`)
  }
  const rows = await query
    .orderBy('raisedAt', 'desc')
    .orderBy('alertId', 'desc')
    .limit(filter.limit + 1)
    .execute()
  const alerts = rows.slice(0, filter.limit).map((r) => toAlert(r as AlertRow))
  return {
    alerts,
    nextCursor:
      rows.length > filter.limit && alerts.length > 0
        ? encodeCursor(alerts.at(-1) as AlertRecord)
        : null,
  }
}

export async function countAlertsByState(db: Kysely<Schema>): Promise<Record<AlertState, number>> {
  const rows = await db
    .selectFrom('alerts')
    .select(['state', sql<number>`count(*)::int`.as('count')])
    .groupBy('state')
    .execute()
  const counts: Record<AlertState, number> = { open: 0, acknowledged: 0, resolved: 0 }
  for (const r of rows) counts[r.state] = Number(r.count)
  return counts
}

export async function updateAlertState(
  db: Kysely<Schema>,
  alertId: string,
  patch: { state: AlertState; at: Date; by: string; note?: string | null },
): Promise<void> {
  const values =
    patch.state === 'acknowledged'
      ? {
          state: patch.state,
          acknowledgedAt: patch.at,
          acknowledgedBy: patch.by,
          updatedAt: patch.at,
        }
      : patch.state === 'resolved'
        ? { state: patch.state, resolvedAt: patch.at, resolvedBy: patch.by, updatedAt: patch.at }
        : { state: patch.state, updatedAt: patch.at }
  await db
    .updateTable('alerts')
    .set(patch.note === undefined ? values : { ...values, note: patch.note })
    .where('alertId', '=', alertId)
    .execute()
}

// ---- webhooks and the delivery outbox ----

export interface WebhookRecord {
  webhookId: string
  url: string
  format: 'json' | 'slack'
  minSeverity: AlertSeverity
  enabled: boolean
  createdAt: Date
}

export async function listWebhooks(db: Kysely<Schema>): Promise<WebhookRecord[]> {
  const rows = await db.selectFrom('webhooks').selectAll().orderBy('webhookId').execute()
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }))
}

export async function upsertWebhook(
  db: Kysely<Schema>,
  webhook: Omit<WebhookRecord, 'createdAt'>,
): Promise<void> {
  await db
    .insertInto('webhooks')
    .values(webhook)
    .onConflict((oc) =>
      oc.column('webhookId').doUpdateSet({
        url: webhook.url,
        format: webhook.format,
        minSeverity: webhook.minSeverity,
        enabled: webhook.enabled,
      }),
    )
    .execute()
}

export async function deleteWebhook(db: Kysely<Schema>, webhookId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('webhookId', '=', webhookId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Queues one delivery per webhook (in the transaction that raised the alert). */
export async function enqueueDeliveries(
  db: Kysely<Schema>,
  alertId: string,
  webhookIds: readonly string[],
  now: Date,
): Promise<void> {
  if (webhookIds.length === 0) return
  await db
    .insertInto('alertDeliveries')
    .values(
      webhookIds.map((webhookId) => ({ alertId, webhookId, nextAttemptAt: now, createdAt: now })),
    )
    .execute()
}

export interface DueDelivery {
  deliveryId: number
  alertId: string
  attempts: number
  webhook: WebhookRecord
}

/** Pending deliveries due at `now`, oldest first. */
export async function findDueDeliveries(
  db: Kysely<Schema>,
  now: Date,
  limit: number,
): Promise<DueDelivery[]> {
  const rows = await db
    .selectFrom('alertDeliveries as d')
    .innerJoin('webhooks as w', 'w.webhookId', 'd.webhookId')
    .select([
      'd.deliveryId',
      'd.alertId',
      'd.attempts',
      'w.webhookId',
      'w.url',
      'w.format',
      'w.minSeverity',
      'w.enabled',
      'w.createdAt',
    ])
    .where('d.status', '=', 'pending')
    .where('d.nextAttemptAt', '<=', now)
    .orderBy('d.nextAttemptAt')
    .orderBy('d.deliveryId')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    deliveryId: Number(r.deliveryId),
    alertId: r.alertId,
    attempts: r.attempts,
    webhook: {
      webhookId: r.webhookId,
      url: r.url,
      format: r.format,
      minSeverity: r.minSeverity,
      enabled: r.enabled,
      createdAt: new Date(r.createdAt),
    },
  }))
}

/** The earliest next attempt of any pending delivery, or undefined when none is pending. */
export async function findNextAttemptAt(db: Kysely<Schema>): Promise<Date | undefined> {
  const row = await db
    .selectFrom('alertDeliveries')
    .select(sql<Date | string | null>`min(next_attempt_at)`.as('next'))
    .where('status', '=', 'pending')
    .executeTakeFirst()
  return row?.next == null ? undefined : new Date(row.next)
}

export interface AttemptRecord {
  deliveryId: number
  attempt: number
  attemptedAt: Date
  ok: boolean
  statusCode: number | null
  error: string | null
  durationMs: number
}

/** Logs an attempt and moves the delivery on: delivered, failed for good, or due again later. */
export async function recordDeliveryAttempt(
  db: Kysely<Schema>,
  attempt: AttemptRecord,
  next: { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt: Date },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('alertDeliveryAttempts').values(attempt).execute()
    await trx
      .updateTable('alertDeliveries')
      .set({
        status: next.status,
        attempts: attempt.attempt,
        nextAttemptAt: next.nextAttemptAt,
        lastError: attempt.ok ? null : attempt.error,
        deliveredAt: next.status === 'delivered' ? attempt.attemptedAt : null,
      })
      .where('deliveryId', '=', attempt.deliveryId)
      .execute()
  })
}

export interface DeliveryLogRow {
  deliveryId: number
  alertId: string
  webhookId: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAttemptAt: Date
  lastError: string | null
  deliveredAt: Date | null
  log: AttemptRecord[]
}

/** Deliveries (of one alert, or the latest ones) with every attempt. */
export async function listDeliveries(
  db: Kysely<Schema>,
  options: { alertId?: string; limit: number },
): Promise<DeliveryLogRow[]> {
  let query = db.selectFrom('alertDeliveries').selectAll()
  if (options.alertId !== undefined) query = query.where('alertId', '=', options.alertId)
  const deliveries = await query.orderBy('deliveryId', 'desc').limit(options.limit).execute()
  if (deliveries.length === 0) return []
  const attempts = await db
    .selectFrom('alertDeliveryAttempts')
    .selectAll()
    .where(
      'deliveryId',
      'in',
      deliveries.map((d) => d.deliveryId),
    )
    .orderBy('deliveryId')
    .orderBy('attempt')
    .execute()
  return deliveries.map((d) => ({
    deliveryId: Number(d.deliveryId),
    alertId: d.alertId,
    webhookId: d.webhookId,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: new Date(d.nextAttemptAt),
    lastError: d.lastError,
    deliveredAt: dateOrNull(d.deliveredAt),
    log: attempts
      .filter((a) => Number(a.deliveryId) === Number(d.deliveryId))
      .map((a) => ({
        ...a,
        deliveryId: Number(a.deliveryId),
        attemptedAt: new Date(a.attemptedAt),
      })),
  }))
}
