/** Counts and date ranges for `assay status`. */
import { sql, type Kysely } from 'kysely'
import type { Schema } from './schema/index.js'

export interface StoreCounts {
  decisions: number
  audits: number
  ratings: number
  firstDecisionAt: Date | null
  lastDecisionAt: Date | null
  firstAuditAt: Date | null
  lastAuditAt: Date | null
  taxonomyVersion: number | null
}

export async function countStore(db: Kysely<Schema>): Promise<StoreCounts> {
  // Decision volume comes from the roll-up (never a scan of raw decisions); the range from the BRIN-indexed column.
  const result = await sql<StoreCounts>`
    select
      (select coalesce(sum(decisions), 0) from decision_volume_daily) as decisions,
      (select count(*) from audits) as audits,
      (select count(*) from ratings) as ratings,
      (select min(decided_at) from decisions) as first_decision_at,
      (select max(decided_at) from decisions) as last_decision_at,
      (select min(audited_at) from audits) as first_audit_at,
      (select max(audited_at) from audits) as last_audit_at,
      (select max(version) from taxonomies) as taxonomy_version
  `.execute(db)
  const row = result.rows[0]
  if (row === undefined) throw new Error('status query returned no row')
  return row
}
