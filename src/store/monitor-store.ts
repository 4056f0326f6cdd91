/** Queries for stored monitors (user monitors and overrides of the defaults) and monitor runs. */
import { sql, type Kysely } from 'kysely'
import type { Schema } from './schema/index.js'

/** Arbitrary fixed key of the advisory lock that serialises monitor runs (cron and `serve`). */
const MONITOR_RUN_LOCK_KEY = 4_207_117_101

export interface StoredMonitor {
  monitorId: string
  document: unknown
  createdBy: string | null
  updatedAt: Date
}

const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value)

export async function listStoredMonitors(db: Kysely<Schema>): Promise<StoredMonitor[]> {
  const rows = await db.selectFrom('monitors').select(['monitorId', 'document', 'createdBy', 'updatedAt']).orderBy('monitorId').execute()
  return rows.map((r) => ({ ...r, document: parseJson(r.document), updatedAt: new Date(r.updatedAt) }))
}

/** Creates or replaces the stored monitor with this id. */
export async function saveMonitor(db: Kysely<Schema>, monitorId: string, document: unknown, createdBy: string | null, now: Date): Promise<void> {
  const json = JSON.stringify(document)
  await db
    .insertInto('monitors')
    .values({ monitorId, document: json, createdBy, updatedAt: now })
    .onConflict((oc) => oc.column('monitorId').doUpdateSet({ document: json, updatedAt: now }))
    .execute()
}

/** Deletes a stored monitor; returns whether one was there. */
export async function deleteStoredMonitor(db: Kysely<Schema>, monitorId: string): Promise<boolean> {
  const result = await db.deleteFrom('monitors').where('monitorId', '=', monitorId).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/**
 * Takes the monitor-run lock until the end of the transaction, so two runs (a cron job and the
 * `serve` schedule) never group or cool down the same signals concurrently.
 */
export async function lockMonitorRuns(trx: Kysely<Schema>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(MONITOR_RUN_LOCK_KEY)})`.execute(trx)
}

export interface MonitorRunRecord {
  startedAt: Date
  finishedAt: Date
  asOfFrom: string
  asOfTo: string
  actor: string
  monitors: number
  pointsJudged: number
  signals: number
  alertsRaised: number
}

export async function insertMonitorRun(db: Kysely<Schema>, run: MonitorRunRecord): Promise<number> {
  const row = await db.insertInto('monitorRuns').values(run).returning('runId').executeTakeFirstOrThrow()
  return Number(row.runId)
}

export async function findLastMonitorRun(db: Kysely<Schema>): Promise<(MonitorRunRecord & { runId: number }) | undefined> {
  const row = await db.selectFrom('monitorRuns').selectAll().orderBy('runId', 'desc').limit(1).executeTakeFirst()
  return row && { ...row, runId: Number(row.runId), startedAt: new Date(row.startedAt), finishedAt: new Date(row.finishedAt) }
}
