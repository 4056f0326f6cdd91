/**
 * Reads `verdict_facts` (see the create-verdict-facts migration) for the in-memory metric engine:
 * everything once, then only what changed. "Changed since" is exact even when transactions
 * commit out of order: each read returns the oldest transaction id still running at its snapshot
 * (`pg_snapshot_xmin`), and the next read fetches every row written by that transaction or a
 * newer one. Rows read twice are simply applied twice (they replace themselves).
 */
import { CopyTextReader, type CopyTextRow } from './copy-text.js'
import type { RawConnection } from './db.js'

/**
 * The columns a read returns, in order (COPY text, one line per row). Text values as stored;
 * booleans 't'/'f'; `day` is days since 1970-01-01 of decided_at in UTC; `weight` is
 * 1 / inclusion probability (1 when unknown); `attributes` is JSON text, null when empty.
 */
export const FACT_COLUMNS = [
  'decisionId',
  'isAppeal',
  'present',
  'day',
  'region',
  'queue',
  'site',
  'language',
  'contentType',
  'actorType',
  'actorId',
  'decisionPolicy',
  'decisionAction',
  'policyVersion',
  'attributes',
  'auditorId',
  'policy',
  'action',
  'severity',
  'rootCause',
  'outcome',
  'kind',
  'weight',
  'disputed',
  'overturned',
  'secondQaAgrees',
] as const

export type FactColumn = (typeof FACT_COLUMNS)[number]

const SELECT = `select f.decision_id, f.is_appeal, f.present,
       ((f.decided_at at time zone 'UTC')::date - date '1970-01-01'),
       f.region, f.queue, f.site, f.language, f.content_type, f.actor_type, f.actor_id,
       f.decision_policy, f.decision_action, f.policy_version,
       case when f.attributes = '{}'::jsonb then null else f.attributes end,
       f.auditor_id, f.policy, f.action, f.severity, f.root_cause, f.outcome, f.kind,
       1.0::float8 / coalesce(f.inclusion_probability, 1.0::float8),
       f.disputed, f.overturned, f.second_qa_agrees
from verdict_facts f`

/**
 * Calls `onRow` with every row (fields in FACT_COLUMNS order, as bytes: see copy-text.ts) written
 * by transactions with id ≥ `since`, or every present row when `since` is null, and returns the
 * horizon for the next read. One repeatable-read transaction, so rows and horizon share a
 * snapshot; rows travel as COPY text, which costs a fraction of a row-by-row result.
 *
 * A full read (`since` null) hands rows over as the output arrives, so that reading them overlaps
 * PostgreSQL writing the rest: when it fails, some rows may have been handed over already (build
 * them into something you discard on failure). A later read hands rows over only once the whole
 * output has arrived and the transaction committed: a failed one hands over nothing.
 */
export async function readVerdictFactChanges(
  connection: RawConnection,
  since: string | null,
  onRow: (row: CopyTextRow) => void,
): Promise<string> {
  const reader = new CopyTextReader(FACT_COLUMNS.length, onRow)
  await connection.query('begin isolation level repeatable read read only')
  try {
    const horizon = await connection.query<{ horizon: string }>(
      'select pg_snapshot_xmin(pg_current_snapshot())::text as horizon',
    )
    // `since` is a transaction id read back from the database: digits only, checked anyway.
    if (since !== null && !/^\d+$/.test(since)) throw new Error(`bad horizon ${since}`)
    const query = `${SELECT} where ${since === null ? 'f.present' : `f.txid >= ${since}`}`
    if (since === null && connection.copyToChunks !== undefined) {
      await connection.copyToChunks(query, (chunk) => reader.push(chunk))
      reader.end()
      await connection.query('commit')
    } else {
      const output = await connection.copyTo(query)
      await connection.query('commit')
      reader.push(output)
      reader.end()
    }
    return horizon.rows[0]?.horizon ?? '0'
  } catch (error) {
    await connection.query('rollback').catch(() => undefined)
    throw error
  }
}
