/**
 * Queries for sampling: plan versions, per-stratum volumes, the candidates of a draw and the drawn
 * samples. The stratum key, the exclusions and the hash rule are built here in SQL exactly as
 * `domain/sampling` computes them in TypeScript, so a batch draw and a stream agree.
 *
 * Cost: a draw over a period reads the period's decisions twice (volumes, then candidates); both
 * are sequential scans over the `decided_at` BRIN range that PostgreSQL may run in parallel, and
 * only the candidates near each stratum's quota (≈ n_h + 6√n_h) leave the database.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { NotFoundError } from '../domain/errors.js'
import { saltSeed } from '../domain/sampling/hash.js'
import type { SamplingPlan } from '../domain/sampling/plan.js'
import type { PolicyTiers } from '../domain/sampling/stratum.js'
import type { Schema } from './schema/index.js'
import { clipInput } from '../domain/quote-input.js'

export interface StoredPlan {
  planId: string
  version: number
  name: string
  salt: string
  plan: SamplingPlan
  createdAt: Date
}

function toStoredPlan(row: {
  planId: string
  version: number
  name: string
  salt: string
  document: unknown
  createdAt: Date
}): StoredPlan {
  return {
    planId: row.planId,
    version: row.version,
    name: row.name,
    salt: row.salt,
    plan: row.document as SamplingPlan,
    createdAt: row.createdAt,
  }
}

export async function findPlan(
  db: Kysely<Schema>,
  planId: string,
  version?: number,
): Promise<StoredPlan | undefined> {
  let query = db.selectFrom('samplingPlans').selectAll().where('planId', '=', planId)
  if (version !== undefined) query = query.where('version', '=', version)
  const row = await query.orderBy('version', 'desc').limit(1).executeTakeFirst()
  return row && toStoredPlan(row)
}

export async function getPlan(
  db: Kysely<Schema>,
  planId: string,
  version?: number,
): Promise<StoredPlan> {
  const plan = await findPlan(db, planId, version)
  if (plan === undefined)
    throw new NotFoundError(
      `no sampling plan ${clipInput(planId)}${version === undefined ? '' : ` version ${version}`}`,
    )
  return plan
}

/** The latest version of every plan. */
export async function listPlans(db: Kysely<Schema>): Promise<StoredPlan[]> {
  const rows = await db
    .selectFrom('samplingPlans')
    .selectAll()
    .distinctOn('planId')
    .orderBy('planId')
    .orderBy('version', 'desc')
    .execute()
  return rows.map(toStoredPlan)
}

/** JSON with object keys sorted (jsonb does not keep key order), for comparing documents. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  )
}

/**
 * Stores `plan` as a new version of its name unless it equals the latest version (then that one is
 * returned). The salt is kept from the previous version unless the document sets one.
 */
export async function savePlanVersion(
  db: Kysely<Schema>,
  plan: SamplingPlan,
  newSalt: () => string,
): Promise<{ stored: StoredPlan; created: boolean }> {
  const latest = await findPlan(db, plan.name)
  const salt = plan.salt ?? latest?.salt ?? newSalt()
  const document = { ...plan, salt }
  if (latest !== undefined && canonicalJson(latest.plan) === canonicalJson(document)) {
    return { stored: latest, created: false }
  }
  const row = await db
    .insertInto('samplingPlans')
    .values({
      planId: plan.name,
      version: (latest?.version ?? 0) + 1,
      name: plan.name,
      salt,
      document: JSON.stringify(document),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return { stored: toStoredPlan(row), created: true }
}

// ---------------------------------------------------------------------------------------------
// SQL forms of the domain rules (keep in step with domain/sampling/hash.ts and stratum.ts).

const DECISION_COLUMNS = new Set([
  'content_type',
  'region',
  'language',
  'queue',
  'site',
  'actor_type',
  'actor_id',
  'policy',
  'action',
  'policy_version',
])

/** u(salt, decision_id) in SQL: the top 52 bits of hashtextextended(decision_id, seed) over 2^52. */
export function hashUniformSql(salt: string): RawBuilder<number> {
  const seed = saltSeed(salt).toString()
  return sql<number>`(((hashtextextended(d.decision_id, ${seed}::int8) >> 12) & 4503599627370495)::float8 / 4503599627370496::float8)`
}

function fieldSql(field: string, tiers: PolicyTiers): RawBuilder<string> {
  if (field === 'policy_tier') {
    const cases = [...tiers].filter(([, tier]) => tier !== 0)
    if (cases.length === 0) return sql<string>`'0'`
    return sql<string>`(case d.policy ${sql.join(
      cases.map(([code, tier]) => sql`when ${code} then ${String(tier)}`),
      sql` `,
    )} else '0' end)`
  }
  if (field.startsWith('attributes.'))
    return sql<string>`coalesce(d.attributes ->> ${field.slice('attributes.'.length)}, '')`
  if (!DECISION_COLUMNS.has(field)) throw new Error(`not a stratum field: ${field}`)
  return sql<string>`coalesce(d.${sql.ref(field)}::text, '')`
}

export function stratumSql(plan: SamplingPlan, tiers: PolicyTiers): RawBuilder<string> {
  if (plan.strata.length === 0) return sql<string>`'all'`
  const parts = plan.strata.map((f) => sql`replace(${fieldSql(f, tiers)}, '|', '/')`)
  return parts.length === 1
    ? sql<string>`${parts[0]}`
    : sql<string>`concat_ws('|', ${sql.join(parts)})`
}

/** The period and the plan's exclusions as a WHERE condition over `decisions d`. */
function eligibleSql(
  plan: SamplingPlan,
  tiers: PolicyTiers,
  period: { start: Date; end: Date },
): RawBuilder<boolean> {
  const conditions: RawBuilder<unknown>[] = [
    sql`d.decided_at >= ${period.start}`,
    sql`d.decided_at < ${period.end}`,
  ]
  for (const type of plan.exclusions.actor_types) conditions.push(sql`d.actor_type <> ${type}`)
  for (const [field, values] of Object.entries(plan.exclusions.where)) {
    conditions.push(sql`${fieldSql(field, tiers)} not in (${sql.join(values)})`)
  }
  if (plan.exclusions.already_audited) {
    conditions.push(sql`not exists (select 1 from audits a where a.decision_id = d.decision_id)`)
  }
  return sql<boolean>`${sql.join(conditions, sql` and `)}`
}

/** The raw value of a stratum field, '' when missing (the stratum key is built from these in TS). */
function rawFieldSql(field: string): RawBuilder<string> {
  if (field === 'policy_tier') return sql<string>`d.policy`
  if (field.startsWith('attributes.'))
    return sql<string>`coalesce(d.attributes ->> ${field.slice('attributes.'.length)}, '')`
  if (!DECISION_COLUMNS.has(field)) throw new Error(`not a stratum field: ${field}`)
  return sql<string>`coalesce(d.${sql.ref(field)}::text, '')`
}

function rawFieldsSql(plan: SamplingPlan): RawBuilder<unknown> {
  if (plan.strata.length === 0) return sql`''::text as f0`
  return sql.join(plan.strata.map((f, i) => sql`${rawFieldSql(f)} as ${sql.raw(`f${i}`)}`))
}

function valuesOf(row: Record<string, unknown>, count: number): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => String(row[`f${i}`] ?? ''))
}

/** Eligible decisions of the period by the raw values of the plan's stratum fields (and human moderator). */
export interface RawGroup {
  values: string[]
  moderator: string | null
  volume: number
}

/**
 * Counts the period's eligible decisions per combination of raw stratum values (and per human
 * moderator when asked): one parallel-friendly scan grouping on plain columns — the stratum keys
 * are built from the values in TypeScript, which is much cheaper than string keys per row.
 */
export async function countRawGroups(
  db: Kysely<Schema>,
  plan: SamplingPlan,
  tiers: PolicyTiers,
  period: { start: Date; end: Date },
  withModerators: boolean,
): Promise<RawGroup[]> {
  const fields = Math.max(1, plan.strata.length)
  const groupBy = Array.from({ length: fields + (withModerators ? 1 : 0) }, (_, i) =>
    String(i + 1),
  ).join(', ')
  const moderator = withModerators
    ? sql`, case when d.actor_type = 'human' then d.actor_id end as moderator`
    : sql``
  const { rows } = await sql<Record<string, unknown>>`
    select ${rawFieldsSql(plan)}${moderator}, count(*)::int8 as volume
    from decisions d where ${eligibleSql(plan, tiers, period)}
    group by ${sql.raw(groupBy)}`.execute(db)
  return rows.map((r) => ({
    values: valuesOf(r, plan.strata.length),
    moderator: (r.moderator as string | null | undefined) ?? null,
    volume: Number(r.volume),
  }))
}

/** First-audit errors per stratum among decisions of `period` (the reference for Neyman and margins). */
export async function countStratumErrors(
  db: Kysely<Schema>,
  plan: SamplingPlan,
  tiers: PolicyTiers,
  period: { start: Date; end: Date },
): Promise<{ stratum: string; audits: number; errors: number }[]> {
  const { rows } = await sql<{ stratum: string; audits: number; errors: number }>`
    select ${stratumSql(plan, tiers)} as stratum, count(*)::int8 as audits,
           count(*) filter (where f.outcome <> 'correct')::int8 as errors
    from final_verdicts f join decisions d on d.decision_id = f.decision_id
    where d.decided_at >= ${period.start} and d.decided_at < ${period.end}
    group by 1`.execute(db)
  return rows.map((r) => ({
    stratum: r.stratum,
    audits: Number(r.audits),
    errors: Number(r.errors),
  }))
}

export interface Candidate {
  decisionId: string
  /** Raw stratum values (see countRawGroups). */
  values: string[]
  /** The actor when a human moderator, else null. */
  moderator: string | null
  u: number
}

function toCandidate(row: Record<string, unknown>, fields: number): Candidate {
  return {
    decisionId: row.decisionId as string,
    values: valuesOf(row, fields),
    moderator: (row.moderator as string | null) ?? null,
    u: Number(row.u),
  }
}

/**
 * Eligible decisions of the period whose u is below the threshold of their group of raw stratum
 * values. Every decision is hashed once (`hashtextextended`, a few ns in C); a constant bound on u
 * comes first so most rows are dropped before the join.
 */
export async function selectCandidates(
  db: Kysely<Schema>,
  plan: SamplingPlan & { salt: string },
  tiers: PolicyTiers,
  period: { start: Date; end: Date },
  groups: readonly { values: string[]; threshold: number }[],
): Promise<Candidate[]> {
  const list = groups.filter((g) => g.threshold > 0)
  if (list.length === 0) return []
  const fields = Math.max(1, plan.strata.length)
  const maxThreshold = Math.max(...list.map((g) => g.threshold))
  const recordset = list.map((g) => ({
    ...Object.fromEntries(g.values.map((v, i) => [`f${i}`, v])),
    threshold: g.threshold,
  }))
  const columns = sql.raw(
    [...Array.from({ length: fields }, (_, i) => `f${i} text`), 'threshold float8'].join(', '),
  )
  const on = sql.join(
    Array.from({ length: fields }, (_, i) => sql`q.${sql.raw(`f${i}`)} = x.${sql.raw(`f${i}`)}`),
    sql` and `,
  )
  const { rows } = await sql<Record<string, unknown>>`
    select x.* from (
      select d.decision_id, ${rawFieldsSql(plan)},
             case when d.actor_type = 'human' then d.actor_id end as moderator,
             ${hashUniformSql(plan.salt)} as u
      from decisions d
      where ${eligibleSql(plan, tiers, period)} and ${hashUniformSql(plan.salt)} < ${maxThreshold}
    ) x
    join jsonb_to_recordset(${JSON.stringify(recordset)}::jsonb) as q(${columns}) on ${on}
    where x.u < q.threshold`.execute(db)
  return rows.map((r) => toCandidate(r, plan.strata.length))
}

/**
 * For each moderator, their eligible decisions whose top-up hash u2 is below the moderator's
 * threshold (the caller sizes thresholds so that, with overwhelming probability, at least the
 * needed number pass; it ranks them by u2).
 */
export async function selectModeratorCandidates(
  db: Kysely<Schema>,
  plan: SamplingPlan & { salt: string },
  tiers: PolicyTiers,
  period: { start: Date; end: Date },
  thresholds: ReadonlyMap<string, number>,
  topUpSalt: string,
): Promise<Candidate[]> {
  const list = [...thresholds]
    .filter(([, t]) => t > 0)
    .map(([actor_id, threshold]) => ({ actor_id, threshold }))
  if (list.length === 0) return []
  const maxThreshold = Math.max(...list.map((t) => t.threshold))
  const { rows } = await sql<Record<string, unknown>>`
    select x.* from (
      select d.decision_id, ${rawFieldsSql(plan)}, d.actor_id as moderator, ${hashUniformSql(topUpSalt)} as u
      from decisions d
      where ${eligibleSql(plan, tiers, period)} and d.actor_type = 'human' and ${hashUniformSql(topUpSalt)} < ${maxThreshold}
    ) x
    join jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as q(actor_id text, threshold float8) on q.actor_id = x.moderator
    where x.u < q.threshold`.execute(db)
  return rows.map((r) => toCandidate(r, plan.strata.length))
}

export interface SampleRow {
  planId: string
  planVersion: number
  decisionId: string
  period: string
  stratum: string
  inclusionProbability: number
  method: 'stream' | 'batch'
  phase: number
}

/**
 * Inserts drawn samples (a decision already in the plan's sample is left as it is); returns the
 * decision ids that were new. Rows travel as one JSON parameter per 20,000: far cheaper than
 * 8 bind parameters a row.
 */
export async function insertSamples(
  db: Kysely<Schema>,
  rows: readonly SampleRow[],
): Promise<string[]> {
  const inserted: string[] = []
  for (let i = 0; i < rows.length; i += 20_000) {
    const chunk = rows.slice(i, i + 20_000).map((r) => ({
      plan_id: r.planId,
      decision_id: r.decisionId,
      plan_version: r.planVersion,
      period: r.period,
      stratum: r.stratum,
      inclusion_probability: r.inclusionProbability,
      method: r.method,
      phase: r.phase,
    }))
    if (chunk.length === 0) continue
    const { rows: result } = await sql<{ decisionId: string }>`
      insert into samples (plan_id, decision_id, plan_version, period, stratum, inclusion_probability, method, phase)
      select plan_id, decision_id, plan_version, period, stratum, inclusion_probability, method, phase
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as r(plan_id text, decision_id text, plan_version int,
        period text, stratum text, inclusion_probability float8, method text, phase smallint)
      on conflict (plan_id, decision_id) do nothing
      returning decision_id`.execute(db)
    for (const r of result) inserted.push(r.decisionId)
  }
  return inserted
}

export async function findSample(
  db: Kysely<Schema>,
  planId: string,
  decisionId: string,
): Promise<{ inclusionProbability: number; planVersion: number } | undefined> {
  return db
    .selectFrom('samples')
    .select(['inclusionProbability', 'planVersion'])
    .where('planId', '=', planId)
    .where('decisionId', '=', decisionId)
    .executeTakeFirst()
}

export async function countSamples(
  db: Kysely<Schema>,
  planId: string,
  period: string,
): Promise<number> {
  const row = await db
    .selectFrom('samples')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('planId', '=', planId)
    .where('period', '=', period)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
