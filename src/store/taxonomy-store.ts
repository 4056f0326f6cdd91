/** Queries for the taxonomy aggregate: versioned documents, newest is current. */
import type { Kysely } from 'kysely'
import { NotFoundError } from '../domain/errors.js'
import type { Taxonomy } from '../domain/taxonomy/taxonomy.js'
import type { Schema } from './schema/index.js'

export interface StoredTaxonomy {
  version: number
  createdAt: Date
  taxonomy: Taxonomy
}

export async function findCurrentTaxonomy(db: Kysely<Schema>): Promise<StoredTaxonomy | undefined> {
  const row = await db
    .selectFrom('taxonomies')
    .select(['version', 'createdAt', 'document'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()
  return (
    row && { version: row.version, createdAt: row.createdAt, taxonomy: row.document as Taxonomy }
  )
}

export async function getCurrentTaxonomy(db: Kysely<Schema>): Promise<StoredTaxonomy> {
  const found = await findCurrentTaxonomy(db)
  if (found === undefined)
    throw new NotFoundError('the store has no taxonomy yet: run `assay init` first')
  return found
}

/** Stores a new version of the taxonomy; earlier versions stay for the audits judged under them. */
export async function saveTaxonomy(
  db: Kysely<Schema>,
  taxonomy: Taxonomy,
): Promise<StoredTaxonomy> {
  const current = await findCurrentTaxonomy(db)
  const version = (current?.version ?? 0) + 1
  const row = await db
    .insertInto('taxonomies')
    .values({ version, name: taxonomy.name, document: JSON.stringify(taxonomy) })
    .returning(['version', 'createdAt'])
    .executeTakeFirstOrThrow()
  return { version: row.version, createdAt: row.createdAt, taxonomy }
}
