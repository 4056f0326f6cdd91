/** What is in the store, for `assay status` and `GET /v1/status`. */
import type { Database } from '../../store/db.js'
import { countStore } from '../../store/status-store.js'

export interface Status {
  store: { kind: 'embedded' | 'postgres'; location: string }
  taxonomyVersion: number | null
  decisions: number
  audits: number
  ratings: number
  decisionRange: { from: string; to: string } | null
  auditRange: { from: string; to: string } | null
}

export async function getStatus(database: Database): Promise<Status> {
  const counts = await countStore(database.db)
  const range = (from: Date | null, to: Date | null) =>
    from !== null && to !== null
      ? { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
      : null
  return {
    store: { kind: database.kind, location: database.location },
    taxonomyVersion: counts.taxonomyVersion,
    decisions: counts.decisions,
    audits: counts.audits,
    ratings: counts.ratings,
    decisionRange: range(counts.firstDecisionAt, counts.lastDecisionAt),
    auditRange: range(counts.firstAuditAt, counts.lastAuditAt),
  }
}
