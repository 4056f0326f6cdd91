/** Queries for stored monitors (user monitors and overrides of the defaults) and monitor runs. */
import { sql, type Kysely } from 'kysely'
import type { Filter } from '../domain/metrics/filter.js'
import { dimensionSql, filterSql } from './metrics-store.js'
import type { Schema } from './schema/index.js'

/** Arbitrary fixed key of the advisory lock that serialises monitor runs (cron and `serve`). */
const MONITOR_RUN_LOCK_KEY = 4_207_117_101

export interface StoredMonitor {
  monitorId: string
  document: unknown
  createdBy: string | null
  updatedAt: Date
}

const parseJson = (value: unknown): unknown =>
  typeof value === 'string' ? JSON.parse(value) : value

export async function listStoredMonitors(db: Kysely<Schema>): Promise<StoredMonitor[]> {
  const rows = await db
    .selectFrom('monitors')
    .select(['monitorId', 'document', 'createdBy', 'updatedAt'])
    .orderBy('monitorId')
    .execute()
  return rows.map((r) => ({
    ...r,
    document: parseJson(r.document),
    updatedAt: new Date(r.updatedAt),
  }))
}

/** Creates or replaces the stored monitor with this id. */
export async function saveMonitor(
  db: Kysely<Schema>,
  monitorId: string,
  document: unknown,
  createdBy: string | null,
  now: Date,
): Promise<void> {
  const json = JSON.stringify(document)
  await db
    .insertInto('monitors')
    .values({ monitorId, document: json, createdBy, updatedAt: now })
    .onConflict((oc) => oc.column('monitorId').doUpdateSet({ document: json, updatedAt: now }))
    .execute()
}

/** Deletes a stored monitor; returns whether one was there. */
export async function deleteStoredMonitor(db: Kysely<Schema>, monitorId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('monitors')
    .where('monitorId', '=', monitorId)
    .executeTakeFirst()
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
  const row = await db
    .insertInto('monitorRuns')
    .values(run)
    .returning('runId')
    .executeTakeFirstOrThrow()
  return Number(row.runId)
}

export async function findLastMonitorRun(
  db: Kysely<Schema>,
): Promise<(MonitorRunRecord & { runId: number }) | undefined> {
  const row = await db
    .selectFrom('monitorRuns')
    .selectAll()
    .orderBy('runId', 'desc')
    .limit(1)
    .executeTakeFirst()
  return (
    row && {
      ...row,
      runId: Number(row.runId),
      startedAt: new Date(row.startedAt),
      finishedAt: new Date(row.finishedAt),
    }
  )
}

/** What a monitor aggregates: the metric's denominator and numerator, and a severity penalty for scores. */
export interface MonitorMeasure {
  denominator: Filter
  numerator?: Filter
  penalty?: { bySeverity: Record<string, number>; unknown: number }
}

export interface MonitorSeriesQuery {
  /** YYYY-MM-DD, inclusive / exclusive, over the decision date. */
  from: string
  to: string
  /** Slice dimensions, then the time grain last ('day' or 'week'; omit for a pooled baseline). */
  dimensions: readonly string[]
  restrict: Readonly<Record<string, string>>
  measure: MonitorMeasure
  enforcingActions: readonly string[]
}

export interface MonitorSeriesRow {
  keys: (string | null)[]
  n: number
  sw: number
  sw2: number
  swy: number
}

/**
 * Per-slice per-period design-weighted sums (n, Σw, Σw², Σw·y with w = 1/π) of one monitor's
 * metric over the final verdicts of decisions made in [from, to): one statement, one row per
 * slice-period (plain rows rather than one JSON document, so a 1,000-slice × 90-day window reaches
 * JS cheaply). Dimensions and filters compile through the metrics store's allow-lists.
 */
export async function aggregateMonitorSeries(
  db: Kysely<Schema>,
  query: MonitorSeriesQuery,
): Promise<MonitorSeriesRow[]> {
  const keys = query.dimensions.map((d, i) => sql`${dimensionSql(d)} as ${sql.raw(`k${i}`)}`)
  const den = filterSql(query.measure.denominator, query.enforcingActions)
  const num =
    query.measure.numerator === undefined
      ? sql`true`
      : filterSql(query.measure.numerator, query.enforcingActions)
  const penalty = query.measure.penalty
  const y =
    penalty === undefined
      ? sql`1.0::float8`
      : sql`case v.severity ${sql.join(
          Object.entries(penalty.bySeverity).map(
            ([severity, weight]) => sql`when ${severity} then ${weight}::float8`,
          ),
          sql` `,
        )} else ${penalty.unknown}::float8 end`
  const where = [
    sql`ad.decided_at >= ${new Date(`${query.from}T00:00:00Z`)}`,
    sql`ad.decided_at < ${new Date(`${query.to}T00:00:00Z`)}`,
    ...Object.entries(query.restrict).map(([d, value]) => sql`${dimensionSql(d)} = ${value}`),
  ]
  const keyNames = query.dimensions.map((_, i) => sql.raw(`k${i}`))
  const groupBy = query.dimensions.length === 0 ? sql`` : sql`group by ${sql.join(keyNames)}`
  const statement = sql<Record<string, unknown>>`
    select ${sql.join([
      ...keyNames,
      sql`count(*)::int as n`,
      sql`sum(w)::float8 as sw`,
      sql`sum(w * w)::float8 as sw2`,
      sql`coalesce(sum(w * y) filter (where num), 0)::float8 as swy`,
    ])}
    from (
      select ${sql.join([...keys, sql`1.0::float8 / coalesce(v.inclusion_probability, 1.0::float8) as w`, sql`${num} as num`, sql`${y} as y`])}
      from final_verdicts v
      join audited_decisions ad on ad.decision_id = v.decision_id
      where ${sql.join(where, sql` and `)} and ${den}
    ) t
    ${groupBy}`
  const result = await db.transaction().execute(async (trx) => {
    // As the metrics store: hash joins over the whole window; no JIT at this size.
    await sql`set local enable_nestloop = off`.execute(trx)
    await sql`set local jit = off`.execute(trx)
    await sql`set local work_mem = '64MB'`.execute(trx)
    return statement.execute(trx)
  })
  return result.rows.map((row) => ({
    keys: query.dimensions.map((_, i) => {
      const k = row[`k${i}`]
      return k === null || k === undefined ? null : String(k)
    }),
    n: Number(row.n),
    sw: Number(row.sw),
    sw2: Number(row.sw2),
    swy: Number(row.swy),
  }))
}
