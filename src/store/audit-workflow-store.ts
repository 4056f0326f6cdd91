/**
 * Queries for the audit workflow: tasks and their leases, auditor profiles, workflow verdicts
 * (rows of `audits`), disputes, settlements and the feedback a moderator reads.
 *
 * Leasing: `update … where task_id = (select … for update skip locked limit 1)`, so two auditors
 * racing for the next task never get the same one. Audits, disputes and settlements are only ever
 * inserted (the migration's triggers refuse updates); tasks are workflow state and do change.
 */
import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Schema } from './schema/index.js'

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`
}

export interface TaskInsert {
  decisionId: string
  planId: string | null
  planVersion: number | null
  kind: 'qa' | 'second_qa'
  excludedAuditorId?: string | null
}

/** Inserts tasks; a decision that already has a task of the kind keeps it. Returns how many were new. */
export async function insertTasks(
  db: Kysely<Schema>,
  tasks: readonly TaskInsert[],
): Promise<number> {
  let created = 0
  for (let i = 0; i < tasks.length; i += 20_000) {
    const chunk = tasks.slice(i, i + 20_000).map((t) => ({
      task_id: newId('tsk'),
      decision_id: t.decisionId,
      plan_id: t.planId,
      plan_version: t.planVersion,
      kind: t.kind,
      excluded_auditor_id: t.excludedAuditorId ?? null,
    }))
    if (chunk.length === 0) continue
    const result = await sql`
      insert into audit_tasks (task_id, decision_id, plan_id, plan_version, kind, excluded_auditor_id)
      select task_id, decision_id, plan_id, plan_version, kind, excluded_auditor_id
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as r(task_id text, decision_id text, plan_id text,
        plan_version int, kind text, excluded_auditor_id text)
      on conflict (decision_id, kind) do nothing`.execute(db)
    created += Number(result.numAffectedRows ?? 0n)
  }
  return created
}

export interface AuditorProfile {
  userId: string
  languages: string[] | null
  site: string | null
}

export async function upsertAuditorProfile(
  db: Kysely<Schema>,
  profile: AuditorProfile,
  now: Date,
): Promise<void> {
  await db
    .insertInto('auditorProfiles')
    .values({ ...profile, updatedAt: now })
    .onConflict((oc) =>
      oc
        .column('userId')
        .doUpdateSet({ languages: profile.languages, site: profile.site, updatedAt: now }),
    )
    .execute()
}

export async function findAuditorProfile(
  db: Kysely<Schema>,
  userId: string,
): Promise<AuditorProfile | undefined> {
  return db
    .selectFrom('auditorProfiles')
    .select(['userId', 'languages', 'site'])
    .where('userId', '=', userId)
    .executeTakeFirst()
}

/** Active users holding the auditor role, with their profile and open task count. */
/** An auditor as assignment sees them: profile, the user's region / site scope, open tasks. */
export interface AuditorWithLoad extends AuditorProfile {
  regions: string[] | null
  /** The user's site scope (`site` is the profile's own site, for exclude_same_site). */
  scopeSites: string[] | null
  load: number
}

export async function listAuditorsWithLoad(db: Kysely<Schema>): Promise<AuditorWithLoad[]> {
  const { rows } = await sql<AuditorWithLoad>`
    select u.user_id, p.languages, p.site, u.regions, u.sites as scope_sites,
           (select count(*) from audit_tasks t where t.assignee_id = u.user_id and t.completed_audit_id is null)::int8 as load
    from users u left join auditor_profiles p on p.user_id = u.user_id
    where 'auditor' = any(u.roles) and u.disabled_at is null
    order by u.user_id`.execute(db)
  return rows.map((r) => ({ ...r, load: Number(r.load) }))
}

export interface OpenTask {
  taskId: string
  kind: 'qa' | 'second_qa'
  actorId: string
  region: string
  site: string | null
  language: string | null
  excludedAuditorId: string | null
  excludeSameSite: boolean
}

/**
 * Open tasks never assigned. (A task whose lease ran out is back in the open queue for any
 * eligible auditor to lease, and is not pushed onto anyone — least of all its last holder.)
 */
export async function listUnassignedTasks(db: Kysely<Schema>): Promise<OpenTask[]> {
  const { rows } = await sql<OpenTask>`
    select t.task_id, t.kind, d.actor_id, d.region, d.site, d.language, t.excluded_auditor_id,
           coalesce((p.document -> 'assignment' ->> 'exclude_same_site')::boolean, false) as exclude_same_site
    from audit_tasks t
    join decisions d on d.decision_id = t.decision_id
    left join sampling_plans p on p.plan_id = t.plan_id and p.version = t.plan_version
    where t.completed_audit_id is null and t.assignee_id is null
    order by t.created_at, t.task_id`.execute(db)
  return rows
}

/** Assigns a task to an auditor (not leased yet: the auditor's queue). */
export async function assignTask(
  db: Kysely<Schema>,
  taskId: string,
  auditorId: string,
): Promise<void> {
  await db
    .updateTable('auditTasks')
    .set({ assigneeId: auditorId, leaseExpiresAt: null })
    .where('taskId', '=', taskId)
    .where('completedAuditId', 'is', null)
    .execute()
}

export interface TaskRow {
  taskId: string
  decisionId: string
  planId: string | null
  planVersion: number | null
  kind: 'qa' | 'second_qa'
  assigneeId: string | null
  leaseExpiresAt: Date | null
  completedAuditId: string | null
  excludedAuditorId: string | null
}

const TASK_COLUMNS = [
  'taskId',
  'decisionId',
  'planId',
  'planVersion',
  'kind',
  'assigneeId',
  'leaseExpiresAt',
  'completedAuditId',
  'excludedAuditorId',
] as const

/** The open task this auditor holds a live lease on, if any. */
export async function findLeasedTask(
  db: Kysely<Schema>,
  auditorId: string,
  now: Date,
): Promise<TaskRow | undefined> {
  return db
    .selectFrom('auditTasks')
    .select(TASK_COLUMNS)
    .where('assigneeId', '=', auditorId)
    .where('completedAuditId', 'is', null)
    .where('leaseExpiresAt', '>=', now)
    .orderBy('leaseExpiresAt')
    .limit(1)
    .executeTakeFirst() as Promise<TaskRow | undefined>
}

/**
 * Leases the next task for the auditor: one assigned to them (and not leased), else one nobody
 * holds; in random order; never a decision the auditor made, never a second QA of their own
 * first audit, matching their languages (primary subtags) and, when the plan says so, not of
 * their own site; a decision within the auditor's region / site scope (`regions`, `sites`: null
 * or absent for any). Returns the task, or undefined when none is available.
 */
export async function leaseTask(
  db: Kysely<Schema>,
  input: {
    auditorId: string
    languages: string[] | null
    site: string | null
    regions?: readonly string[] | null
    sites?: readonly string[] | null
    now: Date
    leaseMinutesDefault: number
  },
): Promise<TaskRow | undefined> {
  const { auditorId, now } = input
  const regions = input.regions ?? null
  const sites = input.sites ?? null
  const languages =
    input.languages === null || input.languages.length === 0 ? null : input.languages
  const { rows } = await sql<TaskRow>`
    update audit_tasks set assignee_id = ${auditorId},
      lease_expires_at = ${now}::timestamptz + make_interval(mins => coalesce(
        (select (p.document -> 'assignment' ->> 'lease_minutes')::int from sampling_plans p
          where p.plan_id = audit_tasks.plan_id and p.version = audit_tasks.plan_version),
        ${input.leaseMinutesDefault}))
    where task_id = (
      select t.task_id from audit_tasks t
      join decisions d on d.decision_id = t.decision_id
      left join sampling_plans p on p.plan_id = t.plan_id and p.version = t.plan_version
      where t.completed_audit_id is null
        and ((t.assignee_id = ${auditorId} and (t.lease_expires_at is null or t.lease_expires_at < ${now}))
             or t.assignee_id is null
             or t.lease_expires_at < ${now})
        and d.actor_id <> ${auditorId}
        and t.excluded_auditor_id is distinct from ${auditorId}
        and (${languages === null ? sql`true` : sql`d.language is null or split_part(lower(d.language), '-', 1) in (${sql.join(languages)})`})
        and (${input.site === null ? sql`true` : sql`not coalesce((p.document -> 'assignment' ->> 'exclude_same_site')::boolean, false) or d.site is distinct from ${input.site}`})
        and (${regions === null ? sql`true` : sql`d.region = any(${[...regions]}::text[])`})
        and (${sites === null ? sql`true` : sql`d.site = any(${[...sites]}::text[])`})
      order by (t.assignee_id is not distinct from ${auditorId}) desc, random()
      limit 1
      for update of t skip locked
    )
    returning task_id, decision_id, plan_id, plan_version, kind, assignee_id, lease_expires_at, completed_audit_id, excluded_auditor_id`.execute(
    db,
  )
  return rows[0]
}

export async function findTask(
  db: Kysely<Schema>,
  taskId: string,
  forUpdate = false,
): Promise<TaskRow | undefined> {
  let query = db.selectFrom('auditTasks').select(TASK_COLUMNS).where('taskId', '=', taskId)
  if (forUpdate) query = query.forUpdate()
  return query.executeTakeFirst() as Promise<TaskRow | undefined>
}

export async function completeTask(
  db: Kysely<Schema>,
  taskId: string,
  auditId: string,
): Promise<void> {
  await db
    .updateTable('auditTasks')
    .set({ completedAuditId: auditId })
    .where('taskId', '=', taskId)
    .execute()
}

export async function listTasksOf(db: Kysely<Schema>, auditorId: string): Promise<TaskRow[]> {
  return db
    .selectFrom('auditTasks')
    .select(TASK_COLUMNS)
    .where('assigneeId', '=', auditorId)
    .orderBy('createdAt')
    .orderBy('taskId')
    .execute() as Promise<TaskRow[]>
}

export interface DecisionRow {
  decisionId: string
  contentId: string
  contentType: string | null
  decidedAt: Date
  region: string
  language: string | null
  queue: string
  site: string | null
  actorType: 'human' | 'machine'
  actorId: string
  policy: string
  action: string
  score: number | null
  handleTimeMs: number | null
  policyVersion: string | null
  attributes: Record<string, string>
}

export async function findDecision(
  db: Kysely<Schema>,
  decisionId: string,
): Promise<DecisionRow | undefined> {
  return db
    .selectFrom('decisions')
    .selectAll()
    .where('decisionId', '=', decisionId)
    .executeTakeFirst() as Promise<DecisionRow | undefined>
}

export interface AuditInsert {
  auditId: string
  decisionId: string
  auditorId: string
  auditedAt: Date
  policy: string
  action: string
  severity: 'critical' | 'major' | 'minor' | null
  rootCause: string | null
  kind: 'qa' | 'second_qa' | 'arbitration'
  inclusionProbability: number | null
  comment: string | null
  attributes: Record<string, string>
  outcome: string
  taxonomyVersion: number
}

export async function insertWorkflowAudit(db: Kysely<Schema>, audit: AuditInsert): Promise<void> {
  await db
    .insertInto('audits')
    .values({ ...audit, attributes: JSON.stringify(audit.attributes), source: 'workflow' })
    .execute()
}

export interface AuditRow {
  auditId: string
  decisionId: string
  auditorId: string
  auditedAt: Date
  policy: string
  action: string
  severity: 'critical' | 'major' | 'minor' | null
  rootCause: string | null
  kind: 'qa' | 'second_qa' | 'arbitration' | 'appeal'
  inclusionProbability: number | null
  comment: string | null
  outcome: string
  source: string
  taxonomyVersion: number
}

const AUDIT_COLUMNS = [
  'auditId',
  'decisionId',
  'auditorId',
  'auditedAt',
  'policy',
  'action',
  'severity',
  'rootCause',
  'kind',
  'inclusionProbability',
  'comment',
  'outcome',
  'source',
  'taxonomyVersion',
] as const

export async function findAudit(
  db: Kysely<Schema>,
  auditId: string,
): Promise<AuditRow | undefined> {
  return db
    .selectFrom('audits')
    .select(AUDIT_COLUMNS)
    .where('auditId', '=', auditId)
    .executeTakeFirst() as Promise<AuditRow | undefined>
}

/** The plan document's dispute window of the task that produced an audit, if any. */
export async function findDisputeWindowDays(
  db: Kysely<Schema>,
  auditId: string,
): Promise<number | undefined> {
  const { rows } = await sql<{ days: number | null }>`
    select (p.document ->> 'dispute_window_days')::int as days
    from audit_tasks t join sampling_plans p on p.plan_id = t.plan_id and p.version = t.plan_version
    where t.completed_audit_id = ${auditId}`.execute(db)
  return rows[0]?.days ?? undefined
}

export interface DisputeRow {
  disputeId: string
  auditId: string
  decisionId: string
  moderatorId: string
  reason: string
  filedAt: Date
  arbitratorId: string | null
  resolution: 'upheld' | 'overturned' | null
  arbitrationAuditId: string | null
  settlementComment: string | null
  settledAt: Date | null
  /** The disputed decision's region and site (for the reader's scope). */
  region: string
  site: string | null
}

export async function insertDispute(
  db: Kysely<Schema>,
  dispute: {
    disputeId: string
    auditId: string
    decisionId: string
    moderatorId: string
    reason: string
    filedAt: Date
  },
): Promise<void> {
  await db.insertInto('disputes').values(dispute).execute()
}

export async function insertSettlement(
  db: Kysely<Schema>,
  settlement: {
    disputeId: string
    arbitratorId: string
    resolution: 'upheld' | 'overturned'
    arbitrationAuditId: string
    comment: string | null
    settledAt: Date
  },
): Promise<void> {
  await db.insertInto('disputeSettlements').values(settlement).execute()
}

function disputeQuery(db: Kysely<Schema>) {
  return db
    .selectFrom('disputes as d')
    .innerJoin('decisions as dec', 'dec.decisionId', 'd.decisionId')
    .leftJoin('disputeSettlements as s', 's.disputeId', 'd.disputeId')
    .select([
      'dec.region',
      'dec.site',
      'd.disputeId',
      'd.auditId',
      'd.decisionId',
      'd.moderatorId',
      'd.reason',
      'd.filedAt',
      's.arbitratorId',
      's.resolution',
      's.arbitrationAuditId',
      's.comment as settlementComment',
      's.settledAt',
    ])
}

export async function findDispute(
  db: Kysely<Schema>,
  disputeId: string,
): Promise<DisputeRow | undefined> {
  return disputeQuery(db).where('d.disputeId', '=', disputeId).executeTakeFirst() as Promise<
    DisputeRow | undefined
  >
}

export async function findDisputeOfAudit(
  db: Kysely<Schema>,
  auditId: string,
): Promise<DisputeRow | undefined> {
  return disputeQuery(db).where('d.auditId', '=', auditId).executeTakeFirst() as Promise<
    DisputeRow | undefined
  >
}

export async function listDisputes(
  db: Kysely<Schema>,
  state: 'open' | 'settled' | 'all',
): Promise<DisputeRow[]> {
  let query = disputeQuery(db)
  if (state === 'open') query = query.where('s.disputeId', 'is', null)
  if (state === 'settled') query = query.where('s.disputeId', 'is not', null)
  return query.orderBy('d.filedAt').orderBy('d.disputeId').execute() as Promise<DisputeRow[]>
}

export interface FeedbackRow {
  decisionId: string
  contentId: string
  decidedAt: Date
  region: string
  site: string | null
  queue: string
  decisionPolicy: string
  decisionAction: string
  qaAuditId: string | null
  qaAuditedAt: Date | null
  finalAuditId: string
  finalKind: string
  policy: string
  action: string
  outcome: string
  severity: string | null
  rootCause: string | null
  comment: string | null
  overturned: boolean
  disputeId: string | null
  disputeReason: string | null
  resolution: 'upheld' | 'overturned' | null
  disputeWindowDays: number | null
}

/** A moderator's audited decisions with their final verdicts and dispute state, newest first. */
export async function listFeedback(
  db: Kysely<Schema>,
  moderatorId: string,
): Promise<FeedbackRow[]> {
  const { rows } = await sql<FeedbackRow>`
    select d.decision_id, d.content_id, d.decided_at, d.region, d.site, d.queue,
           d.policy as decision_policy, d.action as decision_action,
           f.qa_audit_id, q.audited_at as qa_audited_at,
           f.audit_id as final_audit_id, f.kind as final_kind, f.policy, f.action, f.outcome, f.severity,
           f.root_cause, fa.comment, f.overturned,
           di.dispute_id, di.reason as dispute_reason, s.resolution,
           (select (p.document ->> 'dispute_window_days')::int from audit_tasks t
              join sampling_plans p on p.plan_id = t.plan_id and p.version = t.plan_version
              where t.completed_audit_id = f.qa_audit_id) as dispute_window_days
    from final_verdicts f
    join decisions d on d.decision_id = f.decision_id
    join audits fa on fa.audit_id = f.audit_id
    left join audits q on q.audit_id = f.qa_audit_id
    left join disputes di on di.audit_id = f.qa_audit_id
    left join dispute_settlements s on s.dispute_id = di.dispute_id
    where d.actor_id = ${moderatorId}
    order by f.audited_at desc, f.decision_id`.execute(db)
  return rows
}

export interface AgreementCounts {
  pairs: number
  agreements: number
}

/**
 * First QA vs second QA on the same decisions (from final_verdicts.second_qa_agrees), over the
 * decisions in `scope` (null region / site lists: all).
 */
export async function countSecondQaAgreement(
  db: Kysely<Schema>,
  scope: { regions: readonly string[] | null; sites: readonly string[] | null } = {
    regions: null,
    sites: null,
  },
): Promise<AgreementCounts> {
  const { regions, sites } = scope
  const row = await db
    .selectFrom('finalVerdicts as f')
    .select([
      (eb) => eb.fn.count<number>('f.secondQaAgrees').as('pairs'),
      sql<number>`count(*) filter (where f.second_qa_agrees)`.as('agreements'),
    ])
    .$if(regions !== null || sites !== null, (q) =>
      q.where(
        sql<boolean>`f.decision_id in (select d.decision_id from decisions d
          where (${regions === null ? sql`true` : sql`d.region = any(${[...regions]}::text[])`})
            and (${sites === null ? sql`true` : sql`d.site = any(${[...sites]}::text[])`}))`,
      ),
    )
    .executeTakeFirstOrThrow()
  return { pairs: Number(row.pairs), agreements: Number(row.agreements) }
}
