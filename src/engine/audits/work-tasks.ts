/**
 * An auditor's work: lease the next task (blind), look at a task, submit a verdict (which reveals
 * the original decision and the derived outcome). Blind review is enforced here, not in the
 * routes: every view of an unfinished task is built by `blindItem`, which never carries the
 * decision's policy, action, actor, site or score.
 */
import type { Principal } from '../../domain/access.js'
import { blindItem, type BlindItem } from '../../domain/audit/blind.js'
import { answersAsAttributes, checkVerdictCodes, type Verdict } from '../../domain/audit/verdict.js'
import { AppError, ConflictError, NotFoundError } from '../../domain/errors.js'
import { createHashUniform } from '../../domain/sampling/hash.js'
import type { SamplingPlan } from '../../domain/sampling/plan.js'
import {
  deriveOutcome,
  indexTaxonomy,
  type MatchRule,
  type Outcome,
} from '../../domain/taxonomy/outcome.js'
import type { Database } from '../../store/db.js'
import {
  completeTask,
  findAudit,
  findAuditorProfile,
  findDecision,
  findLeasedTask,
  findTask,
  insertTasks,
  insertWorkflowAudit,
  leaseTask,
  listTasksOf,
  newId,
  type AuditRow,
  type DecisionRow,
  type TaskRow,
} from '../../store/audit-workflow-store.js'
import { findPlan, findSample, type StoredPlan } from '../../store/sampling-store.js'
import { getCurrentTaxonomy } from '../../store/taxonomy-store.js'
import { assignOpenTasks, primaryLanguages } from './assign-tasks.js'
import { clipInput } from '../../domain/quote-input.js'
import { recordEvent } from '../trail/record-event.js'

export const DEFAULT_LEASE_MINUTES = 30

export interface BlindTask {
  taskId: string
  kind: 'qa' | 'second_qa'
  status: 'assigned' | 'leased'
  leaseExpiresAt: string | null
  item: BlindItem
}

export interface RevealedDecision {
  decisionId: string
  actorType: string
  actorId: string
  site: string | null
  policy: string
  action: string
  score: number | null
}

export interface RevealedTask {
  taskId: string
  kind: 'qa' | 'second_qa'
  status: 'completed'
  item: BlindItem
  verdict: {
    auditId: string
    policy: string
    action: string
    severity: string | null
    rootCause: string | null
    comment: string | null
    auditedAt: string
  }
  original: RevealedDecision
  outcome: Outcome
  matchRule: MatchRule
}

async function planOf(database: Database, task: TaskRow): Promise<StoredPlan | undefined> {
  return task.planId === null
    ? undefined
    : findPlan(database.db, task.planId, task.planVersion ?? undefined)
}

function toBlind(
  task: TaskRow,
  decision: DecisionRow,
  plan: SamplingPlan | undefined,
  now: Date,
): BlindTask {
  const leased = task.leaseExpiresAt !== null && new Date(task.leaseExpiresAt) >= now
  return {
    taskId: task.taskId,
    kind: task.kind,
    status: leased ? 'leased' : 'assigned',
    leaseExpiresAt: leased ? new Date(task.leaseExpiresAt!).toISOString() : null,
    item: blindItem(decision, plan?.blind),
  }
}

function toRevealed(
  task: TaskRow,
  decision: DecisionRow,
  audit: AuditRow,
  plan: SamplingPlan | undefined,
): RevealedTask {
  return {
    taskId: task.taskId,
    kind: task.kind,
    status: 'completed',
    item: blindItem(decision, plan?.blind),
    verdict: {
      auditId: audit.auditId,
      policy: audit.policy,
      action: audit.action,
      severity: audit.severity,
      rootCause: audit.rootCause,
      comment: audit.comment,
      auditedAt: new Date(audit.auditedAt).toISOString(),
    },
    original: {
      decisionId: decision.decisionId,
      actorType: decision.actorType,
      actorId: decision.actorId,
      site: decision.site,
      policy: decision.policy,
      action: decision.action,
      score: decision.score,
    },
    outcome: audit.outcome as Outcome,
    matchRule: plan?.match_rule ?? 'both',
  }
}

async function decisionOf(database: Database, task: TaskRow): Promise<DecisionRow> {
  const decision = await findDecision(database.db, task.decisionId)
  if (decision === undefined) throw new NotFoundError(`task ${task.taskId} has no decision`)
  return decision
}

/**
 * Leases the next task for the auditor (or returns the one they already hold), blind; undefined
 * when the queue has nothing this auditor may audit.
 */
export async function leaseNextTask(
  database: Database,
  principal: Principal,
  now = new Date(),
): Promise<BlindTask | undefined> {
  const held = await findLeasedTask(database.db, principal.userId, now)
  let task = held
  if (task === undefined) {
    const profile = await findAuditorProfile(database.db, principal.userId)
    task = await database.transaction((trx) =>
      leaseTask(trx, {
        auditorId: principal.userId,
        languages: primaryLanguages(profile?.languages ?? null),
        site: profile?.site ?? null,
        regions: principal.regions,
        sites: principal.sites,
        now,
        leaseMinutesDefault: DEFAULT_LEASE_MINUTES,
      }),
    )
  }
  if (task === undefined) return undefined
  const plan = await planOf(database, task)
  return toBlind(task, await decisionOf(database, task), plan?.plan, now)
}

/** A task as its auditor may see it: blind until submitted, revealed after. */
export async function getTaskView(
  database: Database,
  principal: Principal,
  taskId: string,
  now = new Date(),
): Promise<BlindTask | RevealedTask> {
  const task = await findTask(database.db, taskId)
  // Someone else's task is "not found" to this auditor: its existence reveals nothing.
  if (task === undefined || task.assigneeId !== principal.userId)
    throw new NotFoundError(`no task ${clipInput(taskId)} of yours`)
  const decision = await decisionOf(database, task)
  const plan = (await planOf(database, task))?.plan
  if (task.completedAuditId !== null) {
    const audit = await findAudit(database.db, task.completedAuditId)
    if (audit !== undefined && audit.auditorId === principal.userId)
      return toRevealed(task, decision, audit, plan)
  }
  return toBlind(task, decision, plan, now)
}

export async function listMyTasks(
  database: Database,
  principal: Principal,
  now = new Date(),
): Promise<(BlindTask | RevealedTask)[]> {
  const tasks = await listTasksOf(database.db, principal.userId)
  return Promise.all(tasks.map((t) => getTaskView(database, principal, t.taskId, now)))
}

/**
 * Records the auditor's verdict as an audit (append-only, and in the trail), derives the outcome
 * with the plan's matching rule, perhaps queues an independent second QA, and reveals the
 * original decision.
 */
export async function submitVerdict(
  database: Database,
  principal: Principal,
  taskId: string,
  verdict: Verdict,
  now = new Date(),
): Promise<RevealedTask> {
  const { version: taxonomyVersion, taxonomy } = await getCurrentTaxonomy(database.db)
  const index = indexTaxonomy(taxonomy)
  checkVerdictCodes(index, verdict)
  const result = await database.transaction(async (trx) => {
    const task = await findTask(trx, taskId, true)
    if (task === undefined || task.assigneeId !== principal.userId)
      throw new NotFoundError(`no task ${clipInput(taskId)} of yours`)
    if (task.completedAuditId !== null)
      throw new ConflictError(
        `task ${taskId} already has a verdict; verdicts are never overwritten`,
      )
    const decision = await findDecision(trx, task.decisionId)
    if (decision === undefined) throw new NotFoundError(`task ${taskId} has no decision`)
    if (decision.actorId === principal.userId)
      throw new AppError('forbidden', 'auditors never audit their own decisions')
    const stored =
      task.planId === null
        ? undefined
        : await findPlan(trx, task.planId, task.planVersion ?? undefined)
    const plan = stored?.plan
    const matchRule = plan?.match_rule ?? 'both'
    const outcome = deriveOutcome(index, decision, verdict, matchRule)
    const sample =
      task.planId === null ? undefined : await findSample(trx, task.planId, task.decisionId)
    const isError = outcome !== 'correct'
    const auditId = newId('aud')
    await insertWorkflowAudit(trx, {
      auditId,
      decisionId: task.decisionId,
      auditorId: principal.userId,
      auditedAt: now,
      policy: verdict.policy,
      action: verdict.action,
      // Severity and root cause describe an error; a correct decision has neither.
      severity: isError ? (verdict.severity ?? null) : null,
      rootCause: isError ? (verdict.root_cause ?? null) : null,
      kind: task.kind,
      inclusionProbability: sample?.inclusionProbability ?? null,
      comment: verdict.comment ?? null,
      attributes: {
        ...answersAsAttributes(verdict.answers),
        ...(task.planId === null ? {} : { plan: `${task.planId}@${task.planVersion}` }),
      },
      outcome,
      taxonomyVersion,
    })
    await completeTask(trx, task.taskId, auditId)
    let secondQa = false
    if (
      task.kind === 'qa' &&
      stored !== undefined &&
      plan !== undefined &&
      plan.second_qa_share > 0
    ) {
      // The same hash rule with its own salt: which decisions get a second QA is reproducible.
      if (createHashUniform(`${stored.salt}:second_qa`)(task.decisionId) < plan.second_qa_share) {
        secondQa =
          (await insertTasks(trx, [
            {
              decisionId: task.decisionId,
              planId: task.planId,
              planVersion: task.planVersion,
              kind: 'second_qa',
              excludedAuditorId: principal.userId,
            },
          ])) > 0
      }
    }
    const audit = await findAudit(trx, auditId)
    await recordEvent(trx, {
      actor: principal.userId,
      action: 'audit.submit',
      subjectType: 'audit',
      subjectId: auditId,
      after: {
        taskId: task.taskId,
        decisionId: task.decisionId,
        kind: task.kind,
        policy: verdict.policy,
        action: verdict.action,
        severity: isError ? (verdict.severity ?? null) : null,
        rootCause: isError ? (verdict.root_cause ?? null) : null,
        outcome,
        comment: verdict.comment ?? null,
        secondQa,
      },
      at: now,
    })
    return {
      revealed: toRevealed({ ...task, completedAuditId: auditId }, decision, audit!, plan),
      secondQa,
    }
  })
  if (result.secondQa) await assignOpenTasks(database, { now })
  return result.revealed
}
