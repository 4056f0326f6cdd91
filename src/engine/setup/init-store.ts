/** Initialises a store: schema at the latest migration and a taxonomy (the default or the user's). */
import { ConflictError } from '../../domain/errors.js'
import {
  loadDefaultTaxonomy,
  parseTaxonomy,
  type Taxonomy,
} from '../../domain/taxonomy/taxonomy.js'
import type { Database } from '../../store/db.js'
import {
  findCurrentTaxonomy,
  saveTaxonomy,
  type StoredTaxonomy,
} from '../../store/taxonomy-store.js'
import { recordEvent } from '../trail/record-event.js'

export interface InitResult {
  created: boolean
  taxonomy: StoredTaxonomy
}

/**
 * Writes the taxonomy into a new store. An already initialised store is left as it is unless a
 * taxonomy was given, which is a conflict: replacing one is `replaceTaxonomy`.
 */
export async function initStore(
  database: Database,
  taxonomyYaml?: { text: string; source: string },
): Promise<InitResult> {
  await database.migrateOrThrow()
  const existing = await findCurrentTaxonomy(database.db)
  if (existing !== undefined) {
    if (taxonomyYaml !== undefined) {
      throw new ConflictError(
        `the store already has taxonomy version ${existing.version}; use \`assay taxonomy set FILE\` to replace it`,
      )
    }
    return { created: false, taxonomy: existing }
  }
  const taxonomy: Taxonomy =
    taxonomyYaml === undefined
      ? loadDefaultTaxonomy()
      : parseTaxonomy(taxonomyYaml.text, taxonomyYaml.source)
  return { created: true, taxonomy: await saveTaxonomy(database.db, taxonomy) }
}

/**
 * Stores a new taxonomy version (recorded in the trail); audits keep the version they were
 * judged under.
 */
export async function replaceTaxonomy(
  database: Database,
  text: string,
  source: string,
  actor = 'system',
): Promise<StoredTaxonomy> {
  const taxonomy = parseTaxonomy(text, source)
  return database.transaction(async (trx) => {
    const stored = await saveTaxonomy(trx, taxonomy)
    await recordEvent(trx, {
      actor,
      action: 'taxonomy.replace',
      subjectType: 'taxonomy',
      subjectId: String(stored.version),
      after: { version: stored.version, name: taxonomy.name },
    })
    return stored
  })
}
