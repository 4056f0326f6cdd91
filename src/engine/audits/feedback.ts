/**
 * Feedback: a moderator's own audited decisions with the final verdict, the auditor's comment and
 * the dispute state — and nobody else's. Reading another moderator's feedback needs
 * feedback:read-all (quality leads); a reader limited to regions / sites sees only the decisions
 * there.
 */
import { hasPermission, isWithinScope, type Principal } from '../../domain/access.js'
import { AppError } from '../../domain/errors.js'
import type { Database } from '../../store/db.js'
import {
  countSecondQaAgreement,
  listFeedback as listFeedbackRows,
} from '../../store/audit-workflow-store.js'
import { DEFAULT_DISPUTE_WINDOW_DAYS } from './disputes.js'

export interface FeedbackItem {
  decisionId: string
  contentId: string
  decidedAt: string
  region: string
  queue: string
  yourDecision: { policy: string; action: string }
  verdict: {
    auditId: string
    kind: string
    policy: string
    action: string
    outcome: string
    severity: string | null
    rootCause: string | null
    comment: string | null
  }
  /** The first QA audit, the one a dispute is filed against. */
  qaAuditId: string | null
  dispute: {
    state: 'none' | 'open' | 'upheld' | 'overturned'
    disputeId: string | null
    reason: string | null
    /** Until when a dispute can be filed (null when there is nothing to dispute). */
    windowClosesAt: string | null
  }
}

export async function readFeedback(
  database: Database,
  principal: Principal,
  moderatorId: string = principal.userId,
): Promise<{ moderatorId: string; items: FeedbackItem[] }> {
  if (moderatorId !== principal.userId && !hasPermission(principal, 'feedback:read-all')) {
    throw new AppError('forbidden', 'a moderator can read only their own feedback')
  }
  // A reader limited to regions / sites sees the decisions there only.
  const rows = (await listFeedbackRows(database.db, moderatorId)).filter((r) =>
    isWithinScope(principal, r),
  )
  return {
    moderatorId,
    items: rows.map((r) => ({
      decisionId: r.decisionId,
      contentId: r.contentId,
      decidedAt: new Date(r.decidedAt).toISOString(),
      region: r.region,
      queue: r.queue,
      yourDecision: { policy: r.decisionPolicy, action: r.decisionAction },
      verdict: {
        auditId: r.finalAuditId,
        kind: r.finalKind,
        policy: r.policy,
        action: r.action,
        outcome: r.outcome,
        severity: r.severity,
        rootCause: r.rootCause,
        comment: r.comment,
      },
      qaAuditId: r.qaAuditId,
      dispute: {
        state: r.disputeId === null ? 'none' : (r.resolution ?? 'open'),
        disputeId: r.disputeId,
        reason: r.disputeReason,
        windowClosesAt:
          r.qaAuditedAt === null
            ? null
            : new Date(
                new Date(r.qaAuditedAt).getTime() +
                  (r.disputeWindowDays ?? DEFAULT_DISPUTE_WINDOW_DAYS) * 86_400_000,
              ).toISOString(),
      },
    })),
  }
}

/**
 * How often an independent second QA audit agrees with the first (same policy and action), over
 * the decisions within the reader's regions / sites (all with no reader).
 */
export async function secondQaAgreement(
  database: Database,
  reader?: Pick<Principal, 'regions' | 'sites'>,
): Promise<{ pairs: number; agreements: number; rate: number | null }> {
  const counts = await countSecondQaAgreement(database.db, {
    regions: reader?.regions ?? null,
    sites: reader?.sites ?? null,
  })
  return { ...counts, rate: counts.pairs === 0 ? null : counts.agreements / counts.pairs }
}
