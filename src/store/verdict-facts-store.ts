/**
 * Reads `verdict_facts` (see the create-verdict-facts migration) for the in-memory metric engine:
 * everything once, then only what changed. "Changed since" is exact even when transactions
 * commit out of order: each read returns the oldest transaction id still running at its snapshot
 * (`pg_snapshot_xmin`), and the next read fetches every row written by that transaction or a
 * newer one. Rows read twice are simply applied twice (they replace themselves).
 */
import type { RawConnection } from './db.js'

/** One final verdict (or first appeal review) with its decision's dimensions, as stored. */
export interface VerdictFactRow {
  decisionId: string
  isAppeal: boolean
  present: boolean
  /** Days since 1970-01-01 of decided_at in UTC. */
  day: number
  region: string
  queue: string
  site: string | null
  language: string | null
  contentType: string | null
  actorType: string
  actorId: string
  decisionPolicy: string
  decisionAction: string
  policyVersion: string | null
  /** null when the decision has no attributes. */
  attributes: Record<string, unknown> | null
  auditorId: string
  policy: string
  action: string
  severity: string | null
  rootCause: string | null
  outcome: string
  kind: string
  /** 1 / inclusion probability (1 when unknown). */
  weight: number
  disputed: boolean | null
  overturned: boolean | null
  secondQaAgrees: boolean | null
}

export interface VerdictFactChanges {
  rows: VerdictFactRow[]
  /** Pass as `since` to the next read. */
  horizon: string
}

/**
 * Rows written by transactions with id ≥ `since` (every row when `since` is null), and the horizon
 * for the next read. One repeatable-read transaction, so rows and horizon share a snapshot.
 */
export async function readVerdictFactChanges(
  connection: RawConnection,
  since: string | null,
): Promise<VerdictFactChanges> {
  await connection.query('begin isolation level repeatable read read only')
  try {
    const horizon = await connection.query<{ horizon: string }>(
      'select pg_snapshot_xmin(pg_current_snapshot())::text as horizon',
    )
    // Aliased to the row type's names here: a per-row key mapping would cost more than the query.
    const result = await connection.query<VerdictFactRow>(
      `select f.decision_id as "decisionId", f.is_appeal as "isAppeal", f.present,
              ((f.decided_at at time zone 'UTC')::date - date '1970-01-01') as day,
              f.region, f.queue, f.site, f.language, f.content_type as "contentType",
              f.actor_type as "actorType", f.actor_id as "actorId",
              f.decision_policy as "decisionPolicy", f.decision_action as "decisionAction",
              f.policy_version as "policyVersion",
              case when f.attributes = '{}'::jsonb then null else f.attributes end as attributes,
              f.auditor_id as "auditorId", f.policy, f.action, f.severity, f.root_cause as "rootCause",
              f.outcome, f.kind, 1.0::float8 / coalesce(f.inclusion_probability, 1.0::float8) as weight,
              f.disputed, f.overturned, f.second_qa_agrees as "secondQaAgrees"
       from verdict_facts f
       where ${since === null ? 'f.present' : 'f.txid >= $1::bigint'}`,
      since === null ? [] : [since],
    )
    await connection.query('commit')
    return { rows: result.rows, horizon: horizon.rows[0]?.horizon ?? '0' }
  } catch (error) {
    await connection.query('rollback').catch(() => undefined)
    throw error
  }
}
