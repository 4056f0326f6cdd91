/**
 * SQL for bulk ingest over one raw connection: COPY batches into decisions, audits and ratings,
 * idempotently, and the decision volume roll-ups. The engine owns batching and transactions'
 * boundaries; every function here runs inside the transaction the caller opened.
 *
 * Cost: a decision chunk is one COPY (fast path) or COPY into a temp table plus one
 * INSERT … ON CONFLICT DO NOTHING (when the chunk holds already-stored ids). Roll-ups are written
 * once per transaction, rows sorted by key so that concurrent ingest workers lock roll-up rows in
 * the same order and cannot deadlock: cells most likely new with one COPY straight into the
 * table (an upsert costs about 2.5 times a plain insert there, an update of an existing row far
 * more), falling back to the upsert when any of them exists; the others with one upsert per
 * table. Sampling at ingest adds one statement per chunk that sampled anything (samples and their
 * audit tasks together).
 */
import { AUDIT_FIELDS, DECISION_FIELDS, RATING_FIELDS } from '../domain/records.js'
import { newId } from './audit-workflow-store.js'
import type { RawConnection } from './db.js'
import type { SampleRow } from './sampling-store.js'

/** The data contract's fields (same order), then what Assay adds: attributes, and for audits the derived outcome. */
export const DECISION_COPY_COLUMNS = [...DECISION_FIELDS, 'attributes'] as const

export const AUDIT_COPY_COLUMNS = [
  ...AUDIT_FIELDS,
  'attributes',
  'outcome',
  'taxonomy_version',
  'source',
] as const

export const RATING_COPY_COLUMNS = RATING_FIELDS

const UNIQUE_VIOLATION = '23505'

/**
 * Connections whose open transaction holds the savepoint `copyIfAllNew` works under: the next
 * COPY releases and re-creates it in the same round trip instead of two.
 */
const savepointOpen = new WeakSet<RawConnection>()

export async function beginBatch(connection: RawConnection): Promise<void> {
  savepointOpen.delete(connection)
  await connection.query('begin')
}

export async function commitBatch(connection: RawConnection): Promise<void> {
  savepointOpen.delete(connection)
  await connection.query('commit')
}

/** Rolls back after a failure; a second failure (connection gone) is not the interesting one. */
export async function rollbackBatch(connection: RawConnection): Promise<void> {
  savepointOpen.delete(connection)
  await connection.query('rollback').catch(() => undefined)
}

/**
 * Copies a batch straight into `decisions`. Returns false, with the table unchanged, when some
 * decision_id is already stored (the caller then takes `insertDecisionsIgnoringDuplicates`).
 */
export async function copyNewDecisions(
  connection: RawConnection,
  copyText: string | Buffer,
): Promise<boolean> {
  return copyIfAllNew(connection, 'decisions', DECISION_COPY_COLUMNS, copyText)
}

/**
 * COPY into `table` inside a savepoint; false, with the table unchanged, on a unique violation.
 * Must run inside beginBatch's transaction. The savepoint is set (or released and set again,
 * keeping what the COPY before wrote) by a query sent together with the COPY: the driver sends
 * the COPY as soon as the server answers that query, without waiting for this process's event
 * loop, which may be busy parsing the next rows. After a violation the savepoint is rolled back
 * to, and stays set for the next COPY.
 */
async function copyIfAllNew(
  connection: RawConnection,
  table: string,
  columns: readonly string[],
  copyText: string | Buffer,
): Promise<boolean> {
  const setting = connection.query(
    savepointOpen.has(connection)
      ? 'release savepoint assay_ingest_fast; savepoint assay_ingest_fast'
      : 'savepoint assay_ingest_fast',
  )
  savepointOpen.add(connection)
  const copying = connection.copyFrom(table, columns, copyText)
  try {
    await setting
  } catch (error) {
    await copying.catch(() => undefined)
    throw error
  }
  try {
    await copying
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error
    await connection.query('rollback to savepoint assay_ingest_fast')
    return false
  }
  return true
}

async function copyThroughStaging(
  connection: RawConnection,
  table: 'decisions' | 'audits' | 'ratings',
  columns: readonly string[],
  copyText: string | Buffer,
  conflict: string,
  returning: string,
): Promise<Record<string, string>[]> {
  const staging = `assay_ingest_${table}`
  // A temp table per session, emptied by every commit; no indexes or constraints besides NOT NULL.
  await connection.query(
    `create temp table if not exists ${staging} (like ${table}) on commit delete rows`,
  )
  await connection.copyFrom(staging, columns, copyText)
  const list = columns.join(', ')
  const result = await connection.query<Record<string, string>>(
    `insert into ${table} (${list}) select ${list} from ${staging} on conflict ${conflict} do nothing returning ${returning}`,
  )
  return result.rows
}

/** The ids among `ids` already in `decisions` (visible to the caller's transaction). */
export async function findStoredDecisionIds(
  connection: RawConnection,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return []
  const result = await connection.query<{ decision_id: string }>(
    'select decision_id from decisions where decision_id = any($1::text[])',
    [ids],
  )
  return result.rows.map((r) => r.decision_id)
}

/** The slow path: inserts the chunk's new decisions only; returns the ids actually inserted. */
export async function insertDecisionsIgnoringDuplicates(
  connection: RawConnection,
  copyText: string | Buffer,
): Promise<string[]> {
  const rows = await copyThroughStaging(
    connection,
    'decisions',
    DECISION_COPY_COLUMNS,
    copyText,
    '(decision_id)',
    'decision_id',
  )
  return rows.map((r) => r.decision_id as string)
}

/** Inserts audits, skipping stored audit_ids; returns how many were inserted. */
export async function insertAuditsIgnoringDuplicates(
  connection: RawConnection,
  copyText: string,
): Promise<number> {
  const rows = await copyThroughStaging(
    connection,
    'audits',
    AUDIT_COPY_COLUMNS,
    copyText,
    '(audit_id)',
    '1 as one',
  )
  return rows.length
}

/** Inserts ratings, skipping stored (session, item, rater) keys; returns how many were inserted. */
export async function insertRatingsIgnoringDuplicates(
  connection: RawConnection,
  copyText: string,
): Promise<number> {
  const rows = await copyThroughStaging(
    connection,
    'ratings',
    RATING_COPY_COLUMNS,
    copyText,
    '(session_id, item_id, rater_id)',
    '1 as one',
  )
  return rows.length
}

export interface StoredDecisionJudgement {
  decisionId: string
  actorId: string
  policy: string
  action: string
}

/** The stored decisions among `ids`, for audit checks (existence, self-audit, outcome). */
export async function findDecisionJudgements(
  connection: RawConnection,
  ids: readonly string[],
): Promise<Map<string, StoredDecisionJudgement>> {
  const found = new Map<string, StoredDecisionJudgement>()
  if (ids.length === 0) return found
  const result = await connection.query<{
    decision_id: string
    actor_id: string
    policy: string
    action: string
  }>(
    'select decision_id, actor_id, policy, action from decisions where decision_id = any($1::text[])',
    [ids],
  )
  for (const r of result.rows) {
    found.set(r.decision_id, {
      decisionId: r.decision_id,
      actorId: r.actor_id,
      policy: r.policy,
      action: r.action,
    })
  }
  return found
}

/** Roll-up key columns in order: day, region, queue, site ('' for none), actor_type, policy, action. */
export type RollupKeyColumns = [
  string[],
  string[],
  string[],
  string[],
  string[],
  string[],
  string[],
]

export interface VolumeRollupRows {
  keys: RollupKeyColumns
  decisions: number[]
  handleTimeCount: number[]
  handleTimeTotalMs: number[]
  /** Per cell, its handle-time sketch as array literals: bucket indices (sorted) and counts. */
  buckets: string[]
  bucketCounts: string[]
}

/** Rows of `decision_handle_time_scope`: (day, region, site, bucket) → count. */
export interface ScopeSketchRows {
  day: string[]
  region: string[]
  site: string[]
  bucket: number[]
  count: number[]
}

const KEY_COLUMNS = 'day, region, queue, site, actor_type, policy, action'
const KEY_ARRAYS =
  '$1::date[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]'

/**
 * Adds to `decision_volume_daily`, merging handle-time sketches (`assay_merge_sketch`); rows must
 * be sorted by key (deadlock avoidance).
 */
export async function addVolumeRollups(
  connection: RawConnection,
  rows: VolumeRollupRows,
): Promise<void> {
  if (rows.decisions.length === 0) return
  await connection.query(
    `insert into decision_volume_daily (${KEY_COLUMNS}, decisions, handle_time_count, handle_time_total_ms,
                                        handle_time_buckets, handle_time_bucket_counts)
     select k1, k2, k3, k4, k5, k6, k7, n, htc, htt, b::integer[], c::bigint[]
     from unnest(${KEY_ARRAYS}, $8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $12::text[])
       as r(k1, k2, k3, k4, k5, k6, k7, n, htc, htt, b, c)
     on conflict (${KEY_COLUMNS}) do update set
       decisions = decision_volume_daily.decisions + excluded.decisions,
       handle_time_count = decision_volume_daily.handle_time_count + excluded.handle_time_count,
       handle_time_total_ms = decision_volume_daily.handle_time_total_ms + excluded.handle_time_total_ms,
       (handle_time_buckets, handle_time_bucket_counts) = (
         select m.buckets, m.counts from assay_merge_sketch(
           decision_volume_daily.handle_time_buckets, decision_volume_daily.handle_time_bucket_counts,
           excluded.handle_time_buckets, excluded.handle_time_bucket_counts) m)`,
    [
      ...rows.keys,
      rows.decisions,
      rows.handleTimeCount,
      rows.handleTimeTotalMs,
      rows.buckets,
      rows.bucketCounts,
    ],
  )
}

/** Adds to `decision_handle_time_scope`; rows must be sorted by key then bucket. */
export async function addScopeSketches(
  connection: RawConnection,
  rows: ScopeSketchRows,
): Promise<void> {
  if (rows.count.length === 0) return
  await connection.query(
    `insert into decision_handle_time_scope (day, region, site, bucket, count)
     select * from unnest($1::date[], $2::text[], $3::text[], $4::integer[], $5::bigint[])
     on conflict (day, region, site, bucket) do update
       set count = decision_handle_time_scope.count + excluded.count`,
    [rows.day, rows.region, rows.site, rows.bucket, rows.count],
  )
}

const VOLUME_COLUMNS = [
  ...KEY_COLUMNS.split(', '),
  'decisions',
  'handle_time_count',
  'handle_time_total_ms',
  'handle_time_buckets',
  'handle_time_bucket_counts',
]

/**
 * Inserts `decision_volume_daily` rows for cells that should not be stored yet, with one COPY of
 * `copyText` (key columns, decisions, handle_time_count, handle_time_total_ms, and the sketch's
 * two arrays; sorted by key). Returns false, with the table unchanged, when some cell exists
 * (then `addVolumeRollups`).
 */
export async function copyNewVolumeRollups(
  connection: RawConnection,
  copyText: string,
): Promise<boolean> {
  if (copyText.length === 0) return true
  return copyIfAllNew(connection, 'decision_volume_daily', VOLUME_COLUMNS, copyText)
}

/**
 * Writes samples drawn from a batch's new decisions, and a `qa` audit task for every sample that is
 * new (one task per decision across plans, as `insertTasks` does), in the caller's transaction:
 * the rows `insertSamples` and `insertTasks` write for a draw, in one statement on the ingest
 * connection. A sample already stored is left as it is. Rows are written in key order, like the
 * roll-ups, so that concurrent workers take index locks in the same order.
 */
export async function insertSamplesWithTasks(
  connection: RawConnection,
  rows: readonly SampleRow[],
): Promise<{ samples: number; tasks: number }> {
  const sorted = [...rows].sort((a, b) =>
    a.planId !== b.planId
      ? a.planId < b.planId
        ? -1
        : 1
      : a.decisionId < b.decisionId
        ? -1
        : a.decisionId > b.decisionId
          ? 1
          : 0,
  )
  let samples = 0
  let tasks = 0
  for (let i = 0; i < sorted.length; i += 20_000) {
    const chunk = sorted.slice(i, i + 20_000).map((r) => ({
      plan_id: r.planId,
      decision_id: r.decisionId,
      plan_version: r.planVersion,
      period: r.period,
      stratum: r.stratum,
      inclusion_probability: r.inclusionProbability,
      method: r.method,
      phase: r.phase,
      task_id: newId('tsk'),
    }))
    const result = await connection.query<{ samples: number; tasks: number }>(
      `with drawn as (
         select * from jsonb_to_recordset($1::jsonb) as x(plan_id text, decision_id text, plan_version int,
           period text, stratum text, inclusion_probability float8, method text, phase smallint, task_id text)
       ), new_samples as (
         insert into samples (plan_id, decision_id, plan_version, period, stratum, inclusion_probability, method, phase)
         select plan_id, decision_id, plan_version, period, stratum, inclusion_probability, method, phase from drawn
         on conflict (plan_id, decision_id) do nothing
         returning plan_id, decision_id
       ), new_tasks as (
         insert into audit_tasks (task_id, decision_id, plan_id, plan_version, kind)
         select distinct on (d.decision_id) d.task_id, d.decision_id, d.plan_id, d.plan_version, 'qa'
         from drawn d join new_samples n on n.plan_id = d.plan_id and n.decision_id = d.decision_id
         order by d.decision_id, d.plan_id
         on conflict (decision_id, kind) do nothing
         returning 1
       )
       select (select count(*) from new_samples)::int as samples, (select count(*) from new_tasks)::int as tasks`,
      [JSON.stringify(chunk)],
    )
    samples += Number(result.rows[0]?.samples ?? 0)
    tasks += Number(result.rows[0]?.tasks ?? 0)
  }
  return { samples, tasks }
}
