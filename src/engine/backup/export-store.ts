/**
 * Writes a complete, versioned dump of a store into a folder: one NDJSON file per table (each line
 * the server's row_to_json of one row, in primary-key order) and manifest.json (format version,
 * migration, row counts, sha256 per file, the rows whose json/jsonb values are JSON `null`,
 * sequence positions). It reads one consistent snapshot
 * (repeatable read), streams through a cursor 2,000 rows at a time, and records nothing in the
 * store, so exporting the same data twice gives identical bytes — on either backend.
 */
import { createHash } from 'node:crypto'
import { mkdir, open, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ValidationError } from '../../domain/errors.js'
import {
  closeCursor,
  declareRowCursor,
  fetchRows,
  findLatestMigration,
  listDumpTables,
  listSequences,
} from '../../store/backup-store.js'
import type { Database, RawConnection } from '../../store/db.js'
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  MANIFEST_FILE,
  type Manifest,
  type ManifestTable,
} from './manifest.js'

const FETCH = 2000

/** Session settings that fix every value's text form, so both backends write the same bytes. */
export const CANONICAL_SETTINGS = [
  "set local timezone = 'UTC'",
  "set local datestyle = 'ISO, YMD'",
  "set local intervalstyle = 'postgres'",
  'set local extra_float_digits = 1',
  "set local bytea_output = 'hex'",
]

async function assertEmptyFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  if (entries.length > 0) {
    throw new ValidationError(`export folder ${dir} is not empty`, [
      { path: 'dir', message: 'choose a new or empty folder' },
    ])
  }
}

async function exportTable(
  connection: RawConnection,
  dir: string,
  table: Awaited<ReturnType<typeof listDumpTables>>[number],
): Promise<ManifestTable> {
  const file = `${table.name}.ndjson`
  const hash = createHash('sha256')
  const handle = await open(join(dir, file), 'w')
  let rows = 0
  const jsonNulls: Record<string, number[]> = {}
  try {
    await declareRowCursor(connection, 'assay_export', table)
    for (;;) {
      const fetched = await fetchRows(connection, 'assay_export', table, FETCH)
      if (fetched.length === 0) break
      const chunk = `${fetched.map((r) => r.line).join('\n')}\n`
      hash.update(chunk)
      await handle.write(chunk)
      fetched.forEach((row, i) => {
        for (const column of row.jsonNulls) (jsonNulls[column] ??= []).push(rows + i + 1)
      })
      rows += fetched.length
    }
    await closeCursor(connection, 'assay_export')
  } finally {
    await handle.close()
  }
  return {
    name: table.name,
    file,
    rows,
    sha256: hash.digest('hex'),
    columns: table.columns.map((c) => c.name),
    primaryKey: table.primaryKey,
    ...(Object.keys(jsonNulls).length === 0 ? {} : { jsonNulls }),
  }
}

/** Exports every table into `dir` (created; must be new or empty). Returns the manifest. */
export async function exportStore(database: Database, dir: string): Promise<Manifest> {
  await assertEmptyFolder(dir)
  await mkdir(dir, { recursive: true })
  return database.withConnection(async (connection) => {
    await connection.query('begin isolation level repeatable read read only', [])
    try {
      for (const statement of CANONICAL_SETTINGS) await connection.query(statement, [])
      const tables = await listDumpTables(connection)
      const manifest: Manifest = {
        format: EXPORT_FORMAT,
        formatVersion: EXPORT_FORMAT_VERSION,
        migration: await findLatestMigration(connection),
        tables: [],
        sequences: await listSequences(connection),
      }
      for (const table of tables) manifest.tables.push(await exportTable(connection, dir, table))
      await connection.query('commit', [])
      await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
      return manifest
    } catch (error) {
      await connection.query('rollback', []).catch(() => undefined)
      throw error
    }
  })
}
