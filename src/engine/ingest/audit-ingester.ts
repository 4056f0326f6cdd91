/**
 * Audits: each batch looks up its decisions (an audit of an unknown decision is rejected, never
 * dropped; so is an auditor auditing their own decision), derives the outcome under the current
 * taxonomy, and inserts with ON CONFLICT DO NOTHING (idempotent on audit_id).
 */
import type { FieldIssue } from '../../domain/errors.js'
import { fastValidateAudit } from '../../domain/fast-validate-audit.js'
import type { AuditRecord } from '../../domain/records.js'
import { deriveOutcome } from '../../domain/taxonomy/outcome.js'
import type { RawConnection } from '../../store/db.js'
import { findDecisionJudgements, insertAuditsIgnoringDuplicates } from '../../store/ingest-store.js'
import { COPY_NULL, attributesCopyText, escapeOrIssue, normalizeTimestamp } from './copy-text.js'
import { MalformedRow, type IncomingRow, type RejectedRow } from './incoming-row.js'
import {
  DUPLICATE,
  checkTaxonomyCodes,
  describeValue,
  type BatchOutcome,
  type IngestTaxonomy,
  type RecordIngester,
} from './record-ingester.js'

interface PendingAudit {
  source: string
  line: number
  record: AuditRecord
  /** The COPY columns up to `attributes`; outcome, taxonomy version and source follow at write time. */
  copyPrefix: string
}

export function createAuditIngester(taxonomy: IngestTaxonomy): RecordIngester<PendingAudit[]> {
  let batch: PendingAudit[] = []
  let seen = new Set<string>()
  return {
    get size() {
      return batch.length
    },
    add(row: IncomingRow) {
      if (row.raw instanceof MalformedRow) return row.raw.issues
      const parsed = fastValidateAudit(row.raw)
      if (!parsed.ok) return parsed.issues
      const r = parsed.record
      const issues: FieldIssue[] = []
      checkTaxonomyCodes(taxonomy, r.policy, r.action, issues)
      if (r.root_cause !== undefined && !taxonomy.index.rootCauses.has(r.root_cause)) {
        issues.push({
          path: 'root_cause',
          message: `is not a root-cause code of the taxonomy (version ${taxonomy.version}) (got ${describeValue(r.root_cause)})`,
        })
      }
      const auditedAt = normalizeTimestamp(r.audited_at)
      if (typeof auditedAt === 'string')
        issues.push({
          path: 'audited_at',
          message: `${auditedAt} (got ${describeValue(r.audited_at)})`,
        })
      const fields = [
        escapeOrIssue(r.audit_id, 'audit_id', issues),
        escapeOrIssue(r.decision_id, 'decision_id', issues),
        escapeOrIssue(r.auditor_id, 'auditor_id', issues),
        typeof auditedAt === 'string' ? '' : auditedAt.text,
        escapeOrIssue(r.policy, 'policy', issues),
        escapeOrIssue(r.action, 'action', issues),
        r.severity ?? COPY_NULL,
        escapeOrIssue(r.root_cause, 'root_cause', issues),
        r.kind,
        r.inclusion_probability === undefined ? COPY_NULL : String(r.inclusion_probability),
        escapeOrIssue(r.comment, 'comment', issues),
        attributesCopyText(r.attributes),
      ]
      if (fields[11] === undefined)
        issues.push({
          path: '',
          message: 'an extra column holds a NUL character or invalid Unicode',
        })
      if (issues.length > 0) return issues
      if (seen.has(r.audit_id)) return DUPLICATE
      seen.add(r.audit_id)
      batch.push({ source: row.source, line: row.line, record: r, copyPrefix: fields.join('\t') })
      return undefined
    },
    take() {
      const taken = batch
      batch = []
      seen = new Set()
      return taken
    },
    async write(connection: RawConnection, taken: PendingAudit[]): Promise<BatchOutcome> {
      const decisions = await findDecisionJudgements(connection, [
        ...new Set(taken.map((a) => a.record.decision_id)),
      ])
      const rejects: RejectedRow[] = []
      let copyText = ''
      let accepted = 0
      for (const audit of taken) {
        const decision = decisions.get(audit.record.decision_id)
        if (decision === undefined) {
          rejects.push({
            source: audit.source,
            line: audit.line,
            issues: [
              {
                path: 'decision_id',
                message: `no such decision (got ${describeValue(audit.record.decision_id)})`,
              },
            ],
          })
          continue
        }
        if (decision.actorId === audit.record.auditor_id) {
          rejects.push({
            source: audit.source,
            line: audit.line,
            issues: [{ path: 'auditor_id', message: 'an auditor cannot audit their own decision' }],
          })
          continue
        }
        const outcome = deriveOutcome(taxonomy.index, decision, audit.record, 'both')
        copyText += `${audit.copyPrefix}\t${outcome}\t${taxonomy.version}\timport\n`
        accepted += 1
      }
      const inserted =
        accepted === 0 ? 0 : await insertAuditsIgnoringDuplicates(connection, copyText)
      return { inserted, duplicates: accepted - inserted, rejects }
    },
  }
}
