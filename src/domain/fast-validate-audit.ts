/**
 * A hand-written validator for audits, equivalent to `parseRecord('audits', …)`; see
 * `fast-validate-decision.ts` for why it exists and how equivalence is proven.
 */
import {
  REJECT,
  checkOptionalEnum,
  checkOptionalNumber,
  checkOptionalText,
  checkText,
  checkTimestamp,
  collectAttributes,
  isPlainRecord,
} from './fast-field-checks.js'
import { parseRecord, type ParseResult } from './parse-record.js'
import { AUDIT_FIELDS, AUDIT_KINDS, SEVERITIES, type AuditRecord } from './records.js'

const FIELDS: ReadonlySet<string> = new Set(AUDIT_FIELDS)

/** The record when the fast path accepts `raw`; `undefined` when the schema must judge it. */
export function acceptAuditFast(raw: unknown): AuditRecord | undefined {
  if (!isPlainRecord(raw)) return undefined
  const attributes = collectAttributes(raw, Object.keys(raw), FIELDS)
  if (attributes === REJECT) return undefined
  const auditId = checkText(raw.audit_id, 128)
  const decisionId = checkText(raw.decision_id, 128)
  const auditorId = checkText(raw.auditor_id, 256)
  const auditedAt = checkTimestamp(raw.audited_at)
  const policy = checkText(raw.policy, 64)
  const action = checkText(raw.action, 64)
  const severity = checkOptionalEnum(raw.severity, SEVERITIES)
  const rootCause = checkOptionalText(raw.root_cause, 64)
  const kind = checkOptionalEnum(raw.kind, AUDIT_KINDS)
  const inclusionProbability = checkOptionalNumber(raw.inclusion_probability, 0, 1, {
    exclusiveMin: true,
  })
  const comment = checkOptionalText(raw.comment, 10_000)
  if (
    auditId === REJECT ||
    decisionId === REJECT ||
    auditorId === REJECT ||
    auditedAt === REJECT ||
    policy === REJECT ||
    action === REJECT ||
    severity === REJECT ||
    rootCause === REJECT ||
    kind === REJECT ||
    inclusionProbability === REJECT ||
    comment === REJECT
  ) {
    return undefined
  }
  const record: AuditRecord = {
    audit_id: auditId,
    decision_id: decisionId,
    auditor_id: auditorId,
    audited_at: auditedAt,
    policy,
    action,
    kind: kind ?? 'qa',
    attributes,
  }
  if (severity !== undefined || 'severity' in raw) record.severity = severity
  if (rootCause !== undefined || 'root_cause' in raw) record.root_cause = rootCause
  if (inclusionProbability !== undefined || 'inclusion_probability' in raw)
    record.inclusion_probability = inclusionProbability
  if (comment !== undefined || 'comment' in raw) record.comment = comment
  return record
}

/** Same contract and result as `parseRecord('audits', raw)`, much faster on valid rows. */
export function fastValidateAudit(raw: unknown): ParseResult<AuditRecord> {
  const record = acceptAuditFast(raw)
  return record === undefined ? parseRecord('audits', raw) : { ok: true, record }
}
