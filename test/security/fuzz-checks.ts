/**
 * What the API fuzz test (fuzz.test.ts) checks: every answer (status, error shape, leaks, markup),
 * the prototypes, and the store (a cheap per-table fingerprint after each request; every row by
 * key and hash before and after).
 */
import { sql } from 'kysely'
import { STATUS_BY_CODE } from '../../src/server/errors.js'
import type { Database } from '../../src/store/db.js'
import type { Probe } from './fuzz-inputs.js'

/** What must never reach a client: driver, SQL and runtime detail. */
const LEAKS: [RegExp, string][] = [
  [/\n\s+at \S/, 'a stack trace'],
  [/\bat (?:async )?[\w$.<>]+ \((?:file:|node:|\/)/, 'a stack frame'],
  [/node_modules/, 'a node_modules path'],
  // Anchored on the extension: a leading `[\w/]+` would backtrack quadratically on huge answers.
  [/\.(?:ts|js|mjs|cjs):\d+:\d+/, 'a source location'],
  [/syntax error at or near/i, 'SQL parser text'],
  [/relation "/, 'a relation name'],
  [/violates (?:foreign key|unique|check|not-null) constraint/i, 'constraint text'],
  [/duplicate key value/i, 'constraint text'],
  [/invalid input syntax for type/i, 'SQL type text'],
  [/invalid byte sequence for encoding/i, 'SQL encoding text'],
  [/unsupported Unicode escape sequence/i, 'SQL JSON text'],
  [/\bat character \d+|\bLINE \d+:|\bSQLSTATE\b/, 'SQL error detail'],
  [
    /Cannot read propert|is not a function|is not iterable|Maximum call stack/,
    'a JavaScript error',
  ],
]

const MARKUP = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
]

/** What is wrong with one answer: a 5xx, an error without a stable code and message, a leak. */
export function responseProblems(status: number, type: string, text: string): string[] {
  const problems: string[] = []
  if (status >= 500) problems.push(`answered ${status}`)
  if (status >= 400) {
    let body: { error?: { code?: unknown; message?: unknown } } | undefined
    try {
      body = JSON.parse(text) as typeof body
    } catch {
      problems.push('an error body that is not JSON')
    }
    const code = body?.error?.code
    if (typeof code !== 'string' || !(code in STATUS_BY_CODE))
      problems.push(`error code ${String(code)}`)
    else if (STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE] !== status)
      problems.push(`code ${code} with status ${status}`)
    if (typeof body?.error?.message !== 'string' || body.error.message === '')
      problems.push('an error without a message')
  }
  for (const [pattern, what] of LEAKS) if (pattern.test(text)) problems.push(`leaks ${what}`)
  if (type.includes('html'))
    for (const markup of MARKUP) if (text.includes(markup)) problems.push(`HTML carries ${markup}`)
  return problems
}

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype]
/** The own property names of the prototypes a pollution would reach, to compare later. */
export const protoNames = () =>
  PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort().join(','))

export function isPolluted(before: readonly string[]): string | undefined {
  const probe = {} as Record<string, unknown>
  if (
    probe.polluted !== undefined ||
    ([] as unknown as Record<string, unknown>).polluted !== undefined
  )
    return 'Object.prototype.polluted is set'
  const now = protoNames()
  const changed = now.findIndex((names, i) => names !== before[i])
  return changed === -1
    ? undefined
    : `new keys on ${['Object', 'Array', 'Function', 'String'][changed]}.prototype`
}

export const preview = (value: string | Uint8Array | undefined, max = 240): string => {
  if (value === undefined) return '(none)'
  const text = typeof value === 'string' ? value : `bytes ${[...value.slice(0, 40)].join(',')}`
  return text.length > max
    ? `${JSON.stringify(text.slice(0, max))}… (${text.length} chars)`
    : JSON.stringify(text)
}

export const describeProbe = (p: Probe) =>
  `${p.method} ${p.path.length > 300 ? `${p.path.slice(0, 300)}… (${p.path.length} chars)` : p.path} as ${p.as}, ` +
  `content-type ${JSON.stringify(p.headers['content-type'] ?? null)}, body ${preview(p.body)}`

// ---------------------------------------------------------------------------------------------
// The store: fingerprints and seeded rows

/** A table of the store and an SQL expression of a row's key: its primary key, else the row. */
export interface TableInfo {
  name: string
  key: string
}

export async function tablesOf(database: Database): Promise<TableInfo[]> {
  const { rows } = await sql<{ tableName: string; columns: string | null }>`
    select t.table_name,
           (select string_agg(k.column_name, ',' order by k.ordinal_position)
              from information_schema.table_constraints c
              join information_schema.key_column_usage k
                on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema
             where c.table_schema = t.table_schema and c.table_name = t.table_name
               and c.constraint_type = 'PRIMARY KEY') as columns
    from information_schema.tables t
    where t.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      and t.table_name not like 'assay_migrations%'
    order by t.table_name`.execute(database.db)
  return rows.map((r) => ({
    name: r.tableName,
    key:
      r.columns === null
        ? 'x::text'
        : `concat_ws('|', ${r.columns
            .split(',')
            .map((c) => `x.${c}::text`)
            .join(', ')})`,
  }))
}

/**
 * What identifies a table's state, cheaply enough to take after every mutating request: its row
 * count and the newest row version's transaction id. An insert or update writes a row version
 * with a new, higher xmin; a delete lowers the count (with an insert, it also raises the xmin).
 */
export async function fingerprint(
  database: Database,
  tables: readonly TableInfo[],
): Promise<Map<string, string>> {
  const text = tables
    .map(
      (t) =>
        `select '${t.name}' as t, count(*)::int || ':' || coalesce(max(x.xmin::text::bigint), 0) as h from ${t.name} x`,
    )
    .join(' union all ')
  const { rows } = await sql<{ t: string; h: string }>`${sql.raw(text)}`.execute(database.db)
  return new Map(rows.map((r) => [r.t, r.h]))
}

export function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((t) => before.get(t) !== after.get(t))
}

export const countOf = (fp: Map<string, string>, table: string) =>
  Number((fp.get(table) ?? '0:').split(':')[0])

/** Every row by key: its hash. */
export async function rowsOf(
  database: Database,
  tables: readonly TableInfo[],
): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>()
  for (const t of tables) {
    const { rows } = await sql<{ k: string; h: string }>`${sql.raw(
      `select ${t.key} as k, md5(x::text) as h from ${t.name} x`,
    )}`.execute(database.db)
    out.set(t.name, new Map(rows.map((r) => [r.k, r.h])))
  }
  return out
}

/**
 * Seeded rows that legitimate requests may change without naming them (their key must stay):
 * leasing and assignment update open tasks; roll-ups grow with every ingested decision; verdict
 * facts follow a decision's audits; monitor runs and reads measure open corrective actions.
 */
export const VALUES_MAY_CHANGE = new Set([
  'audit_tasks',
  'decision_volume_daily',
  'decision_handle_time_scope',
  'verdict_facts',
  'corrective_actions',
])

/** GETs that write by design: a corrective action's effect is measured (and stored) on read. */
export const READS_THAT_WRITE: Record<string, readonly string[]> = {
  'GET /v1/actions': ['corrective_actions'],
  'GET /v1/actions/:actionId': ['corrective_actions'],
}

/** Seeded rows that mutating routes may name in their path, and so change or delete. */
export const SACRIFICIAL: Record<string, string[]> = {
  targets: ['fuzz-target'],
  corrective_actions: ['fuzz-action'],
  monitors: ['fuzz-monitor'],
  users: ['fuzz-user'],
  auditor_profiles: ['fuzz-user'],
}
