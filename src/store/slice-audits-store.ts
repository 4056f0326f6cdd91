/**
 * The final verdicts of one slice (the Explore drill-down): audited decisions of the period whose
 * dimensions equal the given values, newest decision first, keyset-paginated on
 * (decided_at, decision_id). Dimensions compile through the metrics store's allow-list
 * (`dimensionSql`), filters through `filterSql`; every value is a parameter.
 */
import { sql, type Kysely } from 'kysely'
import { ValidationError } from '../domain/errors.js'
import type { Filter } from '../domain/metrics/filter.js'
import {
  dimensionSql,
  filterSql,
  scopeSql,
  type DayRange,
  type MetricScope,
} from './metrics-store.js'
import type { Schema } from './schema/index.js'

export interface SliceAuditQuery {
  range: DayRange
  scope: MetricScope
  /** Dimension → value; null matches a missing value. */
  slice: Readonly<Record<string, string | null>>
  /** Only verdicts in this filter (a metric's denominator); absent: every final verdict. */
  denominator?: Filter
  enforcingActions: readonly string[]
  limit: number
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string
}

export interface SliceAuditRow {
  auditId: string
  decisionId: string
  contentId: string
  decidedAt: string
  region: string
  queue: string
  site: string | null
  actorId: string
  decision: { policy: string; action: string }
  verdict: { policy: string; action: string }
  auditorId: string
  auditedAt: string
  kind: string
  outcome: string
  severity: string | null
  rootCause: string | null
  comment: string | null
  disputed: boolean
  overturned: boolean
}

export interface SliceAuditPage {
  items: SliceAuditRow[]
  nextCursor: string | null
}

/** The cursor carries Postgres' own text of decided_at (exact to the microsecond) and the id. */
function encodeCursor(at: string, decisionId: string): string {
  return Buffer.from(JSON.stringify([at, decisionId]), 'utf8').toString('base64url')
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (
      !Array.isArray(parsed) ||
      parsed.length !== 2 ||
      typeof parsed[0] !== 'string' ||
      typeof parsed[1] !== 'string' ||
      Number.isNaN(new Date(parsed[0]).getTime())
    )
      throw new Error('bad cursor')
    return [parsed[0], parsed[1]]
  } catch {
    throw new ValidationError('malformed cursor', [
      { path: 'cursor', message: 'pass the nextCursor of a previous page' },
    ])
  }
}

const iso = (value: unknown) =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()

export async function listSliceAudits(
  db: Kysely<Schema>,
  query: SliceAuditQuery,
): Promise<SliceAuditPage> {
  const where = [
    sql`ad.decided_at >= ${new Date(`${query.range.from}T00:00:00Z`)}`,
    sql`ad.decided_at < ${new Date(`${query.range.to}T00:00:00Z`)}`,
    ...scopeSql(query.scope, 'ad.region', 'ad.site'),
    ...Object.entries(query.slice).map(([dimension, value]) =>
      value === null
        ? sql`${dimensionSql(dimension)} is null`
        : sql`${dimensionSql(dimension)} = ${value}`,
    ),
  ]
  if (query.denominator !== undefined)
    where.push(filterSql(query.denominator, query.enforcingActions))
  if (query.cursor !== undefined) {
    const [at, id] = decodeCursor(query.cursor)
    where.push(sql`(ad.decided_at, ad.decision_id) < (${at}::timestamptz, ${id})`)
  }
  const result = await sql<Record<string, unknown>>`
    select v.audit_id, ad.decision_id, d.content_id, ad.decided_at, ad.decided_at::text as cursor_at,
           ad.region, ad.queue, ad.site, ad.actor_id, ad.policy as decision_policy,
           ad.action as decision_action, v.policy as verdict_policy, v.action as verdict_action,
           v.auditor_id, v.audited_at, v.kind, v.outcome, v.severity, v.root_cause, f.comment,
           v.disputed, v.overturned
    from final_verdicts v
    join audited_decisions ad on ad.decision_id = v.decision_id
    join decisions d on d.decision_id = v.decision_id
    join audits f on f.audit_id = v.audit_id
    where ${sql.join(where, sql` and `)}
    order by ad.decided_at desc, ad.decision_id desc
    limit ${query.limit + 1}`.execute(db)
  const rows = result.rows.slice(0, query.limit)
  const last = rows[rows.length - 1]
  return {
    items: rows.map((r) => ({
      auditId: String(r.auditId),
      decisionId: String(r.decisionId),
      contentId: String(r.contentId),
      decidedAt: iso(r.decidedAt),
      region: String(r.region),
      queue: String(r.queue),
      site: r.site == null ? null : String(r.site),
      actorId: String(r.actorId),
      decision: { policy: String(r.decisionPolicy), action: String(r.decisionAction) },
      verdict: { policy: String(r.verdictPolicy), action: String(r.verdictAction) },
      auditorId: String(r.auditorId),
      auditedAt: iso(r.auditedAt),
      kind: String(r.kind),
      outcome: String(r.outcome),
      severity: r.severity == null ? null : String(r.severity),
      rootCause: r.rootCause == null ? null : String(r.rootCause),
      comment: r.comment == null ? null : String(r.comment),
      disputed: r.disputed === true,
      overturned: r.overturned === true,
    })),
    nextCursor:
      result.rows.length > query.limit && last !== undefined
        ? encodeCursor(String(last.cursorAt), String(last.decisionId))
        : null,
  }
}
