/**
 * Restores an export folder into an empty store of either kind, in one transaction: checks the
 * manifest (format, migration, every file's sha256, columns), refuses a store that has any row,
 * inserts tables parents-first (order derived from the store's foreign keys) in batches of 1,000
 * rows with the tables' own triggers off (the dump already holds what they derive; foreign keys
 * stay checked, a table's references to itself once the whole table is in), writes JSON `null`
 * where the manifest says so (not SQL NULL), and puts every sequence back where it was. Nothing is
 * written unless all of it is.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { AppError, ConflictError, ValidationError, type FieldIssue } from '../../domain/errors.js'
import {
  checkDeferredConstraints,
  findLatestMigration,
  hasRows,
  insertJsonRows,
  jsonColumns,
  listDumpTables,
  listForeignKeys,
  listSelfReferences,
  listSequences,
  setDeferred,
  setSequence,
  setUserTriggers,
  type DumpTable,
} from '../../store/backup-store.js'
import type { Database } from '../../store/db.js'
import { CANONICAL_SETTINGS } from './export-store.js'
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  MANIFEST_FILE,
  type Manifest,
  type ManifestTable,
} from './manifest.js'

const BATCH = 1000

export interface ImportResult {
  tables: { name: string; rows: number }[]
}

async function readManifest(dir: string): Promise<Manifest> {
  let manifest: Manifest
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest
  } catch (error) {
    throw new ValidationError(`${join(dir, MANIFEST_FILE)} is missing or not JSON`, [], {
      cause: error,
    })
  }
  if (manifest.format !== EXPORT_FORMAT || !Array.isArray(manifest.tables)) {
    throw new ValidationError(
      `${dir} is not an Assay export (manifest format is not ${EXPORT_FORMAT})`,
    )
  }
  if (manifest.formatVersion !== EXPORT_FORMAT_VERSION) {
    throw new ValidationError(
      `export format version ${manifest.formatVersion} is not supported; this Assay reads version ${EXPORT_FORMAT_VERSION}`,
    )
  }
  return manifest
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Tables in an order where every table comes after the tables it references (self-references aside). */
export function orderParentsFirst(
  names: readonly string[],
  edges: readonly { child: string; parent: string }[],
): string[] {
  const ordered: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting')
      throw new AppError('internal', `foreign keys form a cycle: ${[...path, name].join(' → ')}`)
    state.set(name, 'visiting')
    for (const edge of edges)
      if (edge.child === name && edge.parent !== name && names.includes(edge.parent))
        visit(edge.parent, [...path, name])
    state.set(name, 'done')
    ordered.push(name)
  }
  for (const name of [...names].sort()) visit(name, [])
  return ordered
}

function checkColumns(manifest: Manifest, tables: DumpTable[]): void {
  const issues: FieldIssue[] = []
  for (const entry of manifest.tables) {
    const table = tables.find((t) => t.name === entry.name)
    if (table === undefined) {
      issues.push({ path: entry.name, message: 'table does not exist in this store' })
      continue
    }
    const have = table.columns.map((c) => c.name).join(', ')
    if (have !== entry.columns.join(', '))
      issues.push({
        path: entry.name,
        message: `columns differ: export has (${entry.columns.join(', ')}), store has (${have})`,
      })
  }
  if (issues.length > 0)
    throw new ValidationError("the export does not match this store's schema", issues)
}

/** The manifest's JSON-null rows of a table, checked against its json/jsonb columns and row count. */
function jsonNullsOf(entry: ManifestTable, table: DumpTable): Map<string, number[]> {
  const out = new Map<string, number[]>()
  const issues: FieldIssue[] = []
  const columns = new Set(jsonColumns(table).map((c) => c.name))
  for (const [column, rows] of Object.entries(entry.jsonNulls ?? {})) {
    if (!columns.has(column)) {
      issues.push({
        path: `${entry.name}.jsonNulls`,
        message: `${column} is not a json or jsonb column`,
      })
      continue
    }
    if (
      !Array.isArray(rows) ||
      !rows.every((r) => Number.isInteger(r) && r >= 1 && r <= entry.rows)
    ) {
      issues.push({
        path: `${entry.name}.jsonNulls.${column}`,
        message: `must list rows from 1 to ${entry.rows}`,
      })
      continue
    }
    out.set(column, rows)
  }
  if (issues.length > 0) throw new ValidationError('the manifest is not valid', issues)
  return out
}

/** The rows of one batch (1-based in the batch) whose column holds JSON null, per column. */
function batchJsonNulls(
  jsonNulls: ReadonlyMap<string, readonly number[]>,
  first: number,
  count: number,
): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const [column, rows] of jsonNulls) {
    const inBatch = rows.filter((r) => r > first && r <= first + count).map((r) => r - first)
    if (inBatch.length > 0) out.set(column, inBatch)
  }
  return out
}

async function* batches(path: string): AsyncGenerator<string[]> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  })
  let batch: string[] = []
  for await (const line of lines) {
    if (line === '') continue
    batch.push(line)
    if (batch.length === BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/** Imports the export in `dir` into `database`, which must be migrated and hold no rows. */
export async function importStore(database: Database, dir: string): Promise<ImportResult> {
  const manifest = await readManifest(dir)
  const corrupt: FieldIssue[] = []
  for (const entry of manifest.tables) {
    const actual = await sha256File(join(dir, entry.file)).catch(() => 'missing')
    if (actual !== entry.sha256)
      corrupt.push({
        path: entry.file,
        message: actual === 'missing' ? 'file is missing' : 'sha256 does not match the manifest',
      })
  }
  if (corrupt.length > 0) throw new ValidationError(`the export in ${dir} is damaged`, corrupt)

  return database.withConnection(async (connection) => {
    await connection.query('begin', [])
    try {
      for (const statement of CANONICAL_SETTINGS) await connection.query(statement, [])
      const migration = await findLatestMigration(connection)
      if (migration !== manifest.migration) {
        throw new ConflictError(
          `the export was taken at migration ${manifest.migration ?? 'none'} but this store is at ${migration ?? 'none'}; import it with the Assay version that wrote it`,
        )
      }
      const tables = await listDumpTables(connection)
      checkColumns(manifest, tables)
      const nonEmpty: string[] = []
      for (const table of tables)
        if (await hasRows(connection, table.name)) nonEmpty.push(table.name)
      if (nonEmpty.length > 0) {
        throw new ConflictError(
          `the store is not empty (rows in ${nonEmpty.join(', ')}); import only into a new store: a new --data-dir, or an empty PostgreSQL database`,
        )
      }
      const order = orderParentsFirst(
        tables.map((t) => t.name),
        await listForeignKeys(connection),
      )
      const selfReferences = await listSelfReferences(connection)
      for (const table of tables) await setUserTriggers(connection, table.name, false)
      const result: ImportResult = { tables: [] }
      for (const name of order) {
        const entry = manifest.tables.find((t) => t.name === name)
        const table = tables.find((t) => t.name === name)
        if (entry === undefined || table === undefined) continue
        const jsonNulls = jsonNullsOf(entry, table)
        // Rows come in key order, and may reference rows of their own table that come later.
        const own = selfReferences.filter((r) => r.table === name)
        for (const reference of own) await setDeferred(connection, reference, true)
        let rows = 0
        for await (const batch of batches(join(dir, entry.file)))
          rows += await insertJsonRows(
            connection,
            table,
            batch,
            batchJsonNulls(jsonNulls, rows, batch.length),
          )
        if (rows !== entry.rows)
          throw new ValidationError(
            `${entry.file} holds ${rows} rows but the manifest says ${entry.rows}`,
          )
        if (own.length > 0) {
          await checkDeferredConstraints(connection)
          for (const reference of own) await setDeferred(connection, reference, false)
        }
        result.tables.push({ name, rows })
      }
      for (const table of tables) await setUserTriggers(connection, table.name, true)
      const existing = new Set((await listSequences(connection)).map((s) => s.name))
      for (const sequence of manifest.sequences)
        if (existing.has(sequence.name)) await setSequence(connection, sequence)
      await connection.query('commit', [])
      return result
    } catch (error) {
      await connection.query('rollback', []).catch(() => undefined)
      throw error
    }
  })
}
