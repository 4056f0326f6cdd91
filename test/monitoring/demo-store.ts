/**
 * Loads the demo organisation (src/engine/demo) into a store straight through COPY, fast enough
 * to do ten times in a test: one pass over the generated items, keeping the audited decisions and
 * their audits (monitors read final verdicts joined to the audited decisions only; unaudited
 * decisions and the volume roll-ups are not needed and not loaded).
 */
import { generateDemo, type GenerateDemoOptions } from '../../src/engine/demo/generate-demo.js'
import { buildAudit } from '../../src/engine/demo/demo-audits.js'
import { deriveOutcome, indexTaxonomy } from '../../src/domain/taxonomy/outcome.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import type { Database } from '../../src/store/db.js'
import { AUDIT_COPY_COLUMNS, DECISION_COPY_COLUMNS } from '../../src/store/ingest-store.js'

const DECISION_COLUMNS = DECISION_COPY_COLUMNS
const AUDIT_COLUMNS = AUDIT_COPY_COLUMNS

const esc = (value: string | number | undefined | null): string =>
  value === undefined || value === null
    ? '\\N'
    : String(value).replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )

export interface LoadedDemo {
  audits: number
  /** Audits per region × queue (for "the drift slice is under 2 % of audits"). */
  auditsBySlice: Map<string, number>
  options: ReturnType<typeof generateDemo>['options']
}

export async function loadDemoAudits(
  database: Database,
  options: GenerateDemoOptions,
): Promise<LoadedDemo> {
  const { taxonomy } = await initStore(database)
  const demo = generateDemo({ ...options, taxonomy: taxonomy.taxonomy })
  const taxonomyIndex = indexTaxonomy(taxonomy.taxonomy)
  const context = {
    options: demo.options,
    organisation: demo.organisation,
    strata: demo.strata,
    taxonomyIndex,
  }
  const decisions: string[] = []
  const audits: string[] = []
  const auditsBySlice = new Map<string, number>()
  for (const item of demo.items()) {
    const audit = buildAudit(item, context)
    if (audit === null) continue
    const d = item.decision
    decisions.push(
      [
        d.decision_id,
        d.content_id,
        d.content_type,
        d.decided_at,
        d.region,
        d.language,
        d.queue,
        d.site,
        d.actor_type,
        d.actor_id,
        d.policy,
        d.action,
        d.score,
        d.handle_time_ms,
        d.policy_version,
        JSON.stringify({ market_tier: d.market_tier }),
      ]
        .map(esc)
        .join('\t'),
    )
    const outcome = deriveOutcome(taxonomyIndex, d, { policy: audit.policy, action: audit.action })
    audits.push(
      [
        audit.audit_id,
        audit.decision_id,
        audit.auditor_id,
        audit.audited_at,
        audit.policy,
        audit.action,
        audit.severity,
        audit.root_cause,
        audit.kind,
        audit.inclusion_probability,
        audit.comment,
        '{}',
        outcome,
        taxonomy.version,
        'import',
      ]
        .map(esc)
        .join('\t'),
    )
    const slice = `${d.region}|${d.queue}`
    auditsBySlice.set(slice, (auditsBySlice.get(slice) ?? 0) + 1)
  }
  await database.withConnection(async (connection) => {
    await connection.copyFrom('decisions', DECISION_COLUMNS, `${decisions.join('\n')}\n`)
    await connection.copyFrom('audits', AUDIT_COLUMNS, `${audits.join('\n')}\n`)
    await connection.query('analyze audits')
    await connection.query('analyze audited_decisions')
  })
  return { audits: audits.length, auditsBySlice, options: demo.options }
}
