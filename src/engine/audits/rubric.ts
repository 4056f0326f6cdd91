/** The verdict rubric an auditor fills in, from the current taxonomy (identical for every task). */
import type { Database } from '../../store/db.js'
import { getCurrentTaxonomy } from '../../store/taxonomy-store.js'

export async function auditRubric(database: Database) {
  const { version, taxonomy } = await getCurrentTaxonomy(database.db)
  return {
    taxonomyVersion: version,
    policies: taxonomy.policies.map((p) => ({ code: p.code, name: p.name, tier: p.tier })),
    actions: taxonomy.actions.map((a) => ({ code: a.code, name: a.name, enforces: a.enforces })),
    severities: taxonomy.severities.map((s) => ({ code: s.code, name: s.name })),
    rootCauses: taxonomy.root_causes.map((r) => ({ code: r.code, name: r.name })),
    questions: taxonomy.rubric,
  }
}
