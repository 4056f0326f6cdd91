/**
 * Disputes: a moderator contests the first QA audit of their own decision within the plan's
 * window (14 days for audits from outside a plan), with a reason; an arbitrator — never the
 * original auditor, never the moderator — upholds or overturns it. Settling writes an
 * 'arbitration' audit (the final verdict metrics read through `final_verdicts`) and a settlement
 * row; nothing is updated, so the whole history stays.
 */
import { isWithinScope, type Principal } from '../../domain/access.js'
import {
  checkVerdictCodes,
  type DisputeInput,
  type SettlementInput,
} from '../../domain/audit/verdict.js'
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { deriveOutcome, indexTaxonomy } from '../../domain/taxonomy/outcome.js'
import type { Database } from '../../store/db.js'
import {
  findAudit,
  findDecision,
  findDispute,
  findDisputeOfAudit,
  findDisputeWindowDays,
  insertDispute,
  insertSettlement,
  insertWorkflowAudit,
  listDisputes as listDisputeRows,
  newId,
  type DisputeRow,
} from '../../store/audit-workflow-store.js'
import { getCurrentTaxonomy } from '../../store/taxonomy-store.js'
import { clipInput } from '../../domain/quote-input.js'
import { recordEvent } from '../trail/record-event.js'

export const DEFAULT_DISPUTE_WINDOW_DAYS = 14

export interface DisputeView {
  disputeId: string
  auditId: string
  decisionId: string
  moderatorId: string
  reason: string
  filedAt: string
  state: 'open' | 'upheld' | 'overturned'
  arbitratorId: string | null
  arbitrationAuditId: string | null
  settlementComment: string | null
  settledAt: string | null
}

function toView(row: DisputeRow): DisputeView {
  return {
    disputeId: row.disputeId,
    auditId: row.auditId,
    decisionId: row.decisionId,
    moderatorId: row.moderatorId,
    reason: row.reason,
    filedAt: new Date(row.filedAt).toISOString(),
    state: row.resolution ?? 'open',
    arbitratorId: row.arbitratorId,
    arbitrationAuditId: row.arbitrationAuditId,
    settlementComment: row.settlementComment,
    settledAt: row.settledAt === null ? null : new Date(row.settledAt).toISOString(),
  }
}

export async function disputeWindowDays(database: Database, auditId: string): Promise<number> {
  return (await findDisputeWindowDays(database.db, auditId)) ?? DEFAULT_DISPUTE_WINDOW_DAYS
}

export async function fileDispute(
  database: Database,
  principal: Principal,
  input: DisputeInput,
  now = new Date(),
): Promise<DisputeView> {
  const audit = await findAudit(database.db, input.audit_id)
  const decision =
    audit === undefined ? undefined : await findDecision(database.db, audit.decisionId)
  // An audit of someone else's decision is "not found" to a moderator.
  if (audit === undefined || decision === undefined || decision.actorId !== principal.userId) {
    throw new NotFoundError(`no audit ${clipInput(input.audit_id)} of your decisions`)
  }
  if (audit.kind !== 'qa') {
    throw new ValidationError('only a first QA audit can be disputed', [
      { path: 'audit_id', message: `is a ${audit.kind} audit` },
    ])
  }
  const days = await disputeWindowDays(database, audit.auditId)
  const closes = new Date(new Date(audit.auditedAt).getTime() + days * 86_400_000)
  if (now > closes) {
    throw new ValidationError('the dispute window has closed', [
      {
        path: 'audit_id',
        message: `audits can be disputed for ${days} days; this one closed at ${closes.toISOString()}`,
      },
    ])
  }
  if ((await findDisputeOfAudit(database.db, audit.auditId)) !== undefined) {
    throw new ConflictError(`audit ${audit.auditId} is already disputed`)
  }
  const disputeId = newId('dsp')
  return database.transaction(async (trx) => {
    await insertDispute(trx, {
      disputeId,
      auditId: audit.auditId,
      decisionId: audit.decisionId,
      moderatorId: principal.userId,
      reason: input.reason,
      filedAt: now,
    })
    const filed = toView((await findDispute(trx, disputeId))!)
    await recordEvent(trx, {
      actor: principal.userId,
      action: 'dispute.file',
      subjectType: 'dispute',
      subjectId: disputeId,
      after: filed,
      at: now,
    })
    return filed
  })
}

/** Disputes about decisions within the reader's regions / sites (all with no reader). */
export async function listDisputes(
  database: Database,
  state: 'open' | 'settled' | 'all' = 'open',
  reader?: Pick<Principal, 'regions' | 'sites'>,
): Promise<DisputeView[]> {
  const rows = await listDisputeRows(database.db, state)
  return rows.filter((r) => reader === undefined || isWithinScope(reader, r)).map(toView)
}

/**
 * A dispute with the disputed audit and the original decision, for the arbitrator; not found
 * when the decision is outside the reader's regions / sites.
 */
export async function getDisputeForArbitration(
  database: Database,
  disputeId: string,
  reader?: Pick<Principal, 'regions' | 'sites'>,
) {
  const dispute = await findDispute(database.db, disputeId)
  if (dispute === undefined || (reader !== undefined && !isWithinScope(reader, dispute)))
    throw new NotFoundError(`no dispute ${clipInput(disputeId)}`)
  const audit = await findAudit(database.db, dispute.auditId)
  const decision = await findDecision(database.db, dispute.decisionId)
  return { dispute: toView(dispute), audit, decision }
}

export async function settleDispute(
  database: Database,
  principal: Principal,
  disputeId: string,
  input: SettlementInput,
  now = new Date(),
): Promise<DisputeView & { outcome: string }> {
  const { version: taxonomyVersion, taxonomy } = await getCurrentTaxonomy(database.db)
  const index = indexTaxonomy(taxonomy)
  return database.transaction(async (trx) => {
    const dispute = await findDispute(trx, disputeId)
    if (dispute === undefined || !isWithinScope(principal, dispute))
      throw new NotFoundError(`no dispute ${clipInput(disputeId)}`)
    if (dispute.resolution !== null)
      throw new ConflictError(`dispute ${disputeId} is already settled (${dispute.resolution})`)
    const audit = await findAudit(trx, dispute.auditId)
    const decision = await findDecision(trx, dispute.decisionId)
    if (audit === undefined || decision === undefined)
      throw new NotFoundError(`dispute ${disputeId} refers to a missing audit`)
    if (audit.auditorId === principal.userId)
      throw new AppError('forbidden', 'the original auditor cannot arbitrate their own audit')
    if (decision.actorId === principal.userId)
      throw new AppError(
        'forbidden',
        'a moderator cannot arbitrate a dispute about their own decision',
      )
    const upheld = input.resolution === 'upheld'
    const policy = upheld ? audit.policy : input.policy!
    const action = upheld ? audit.action : input.action!
    if (!upheld) {
      checkVerdictCodes(index, { policy, action, root_cause: input.root_cause })
      if (policy === audit.policy && action === audit.action) {
        throw new ValidationError('an overturn must change the verdict', [
          {
            path: 'policy',
            message: 'policy and action equal the disputed audit; settle as upheld instead',
          },
        ])
      }
    }
    const outcome = deriveOutcome(index, decision, { policy, action })
    const isError = outcome !== 'correct'
    const arbitrationAuditId = newId('aud')
    await insertWorkflowAudit(trx, {
      auditId: arbitrationAuditId,
      decisionId: decision.decisionId,
      auditorId: principal.userId,
      auditedAt: now,
      policy,
      action,
      severity: isError ? (upheld ? audit.severity : (input.severity ?? null)) : null,
      rootCause: isError ? (upheld ? audit.rootCause : (input.root_cause ?? null)) : null,
      kind: 'arbitration',
      inclusionProbability: audit.inclusionProbability,
      comment: input.comment ?? null,
      attributes: { dispute: disputeId, resolution: input.resolution },
      outcome,
      taxonomyVersion,
    })
    await insertSettlement(trx, {
      disputeId,
      arbitratorId: principal.userId,
      resolution: input.resolution,
      arbitrationAuditId,
      comment: input.comment ?? null,
      settledAt: now,
    })
    const settled = toView((await findDispute(trx, disputeId))!)
    await recordEvent(trx, {
      actor: principal.userId,
      action: 'dispute.settle',
      subjectType: 'dispute',
      subjectId: disputeId,
      before: toView(dispute),
      after: { ...settled, policy, action, outcome },
      at: now,
    })
    return { ...settled, outcome }
  })
}
