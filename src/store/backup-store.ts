/**
 * Catalogue queries and bulk statements for export and import, over one raw connection. Tables
 * are discovered from information_schema for the current schema, so every table any migration
 * adds is included; the migrator's bookkeeping tables and partitions (their parent holds the rows)
 * are not.
 */
import type { RawConnection } from './db.js'

export const BOOKKEEPING_TABLES = ['assay_migrations', 'assay_migrations_lock'] as const

export interface DumpColumn {
  name: string
  dataType: string
  /** A stored generated column: exported, but recomputed rather than inserted on import. */
  generated: boolean
}

export interface DumpTable {
  name: string
  columns: DumpColumn[]
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[]
}

/** Double-quotes an identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

export async function listDumpTables(connection: RawConnection): Promise<DumpTable[]> {
  const tables = await connection.query<{ tableName: string }>(
    `select t.table_name as "tableName"
       from information_schema.tables t
       join pg_catalog.pg_class c on c.relname = t.table_name and c.relnamespace = (select oid from pg_catalog.pg_namespace where nspname = current_schema())
      where t.table_schema = current_schema() and t.table_type = 'BASE TABLE' and not c.relispartition
        and t.table_name not in (${BOOKKEEPING_TABLES.map((n) => `'${n}'`).join(', ')})
      order by t.table_name collate "C"`,
    [],
  )
  const columns = await connection.query<{
    tableName: string
    columnName: string
    dataType: string
    isGenerated: string
  }>(
    `select table_name as "tableName", column_name as "columnName", data_type as "dataType", is_generated as "isGenerated"
       from information_schema.columns where table_schema = current_schema() order by table_name, ordinal_position`,
    [],
  )
  const keys = await connection.query<{ tableName: string; columnName: string }>(
    `select k.table_name as "tableName", k.column_name as "columnName"
       from information_schema.table_constraints c
       join information_schema.key_column_usage k
         on k.constraint_schema = c.constraint_schema and k.constraint_name = c.constraint_name and k.table_name = c.table_name
      where c.table_schema = current_schema() and c.constraint_type = 'PRIMARY KEY'
      order by k.table_name, k.ordinal_position`,
    [],
  )
  return tables.rows.map(({ tableName }) => ({
    name: tableName,
    columns: columns.rows
      .filter((c) => c.tableName === tableName)
      .map((c) => ({
        name: c.columnName,
        dataType: c.dataType,
        generated: c.isGenerated === 'ALWAYS',
      })),
    primaryKey: keys.rows.filter((k) => k.tableName === tableName).map((k) => k.columnName),
  }))
}

/** Foreign-key edges of the current schema: `child` references `parent`. */
export async function listForeignKeys(
  connection: RawConnection,
): Promise<{ child: string; parent: string }[]> {
  const { rows } = await connection.query<{ child: string; parent: string }>(
    `select distinct tc.table_name as child, ccu.table_name as parent
       from information_schema.table_constraints tc
       join information_schema.constraint_column_usage ccu
         on ccu.constraint_schema = tc.constraint_schema and ccu.constraint_name = tc.constraint_name
      where tc.table_schema = current_schema() and tc.constraint_type = 'FOREIGN KEY'
      order by 1, 2`,
    [],
  )
  return rows
}

export interface SequenceState {
  name: string
  lastValue: number
  isCalled: boolean
}

export async function listSequences(connection: RawConnection): Promise<SequenceState[]> {
  const { rows } = await connection.query<{ name: string }>(
    `select sequence_name as name from information_schema.sequences where sequence_schema = current_schema() order by sequence_name::text collate "C"`,
    [],
  )
  const states: SequenceState[] = []
  for (const { name } of rows) {
    const state = await connection.query<{ lastValue: string | number; isCalled: boolean }>(
      `select last_value::text as "lastValue", is_called as "isCalled" from ${quoteIdent(name)}`,
      [],
    )
    const row = state.rows[0]
    if (row !== undefined)
      states.push({ name, lastValue: Number(row.lastValue), isCalled: row.isCalled })
  }
  return states
}

export async function setSequence(connection: RawConnection, state: SequenceState): Promise<void> {
  await connection.query(`select setval($1::regclass, $2::bigint, $3::boolean)`, [
    quoteIdent(state.name),
    state.lastValue,
    state.isCalled,
  ])
}

/** The newest applied migration, or null for an unmigrated store. */
export async function findLatestMigration(connection: RawConnection): Promise<string | null> {
  const { rows } = await connection.query<{ name: string }>(
    `select name from assay_migrations order by name collate "C" desc limit 1`,
    [],
  )
  return rows[0]?.name ?? null
}

export async function hasRows(connection: RawConnection, table: string): Promise<boolean> {
  const { rows } = await connection.query<{ found: boolean }>(
    `select exists (select 1 from ${quoteIdent(table)}) as found`,
    [],
  )
  return rows[0]?.found === true
}

const COLLATABLE = new Set(['text', 'character varying', 'character'])
const JSON_TYPES = new Set(['json', 'jsonb'])

/** The json and jsonb columns of a table: row_to_json writes their JSON `null` as it writes SQL NULL. */
export function jsonColumns(table: DumpTable): DumpColumn[] {
  return table.columns.filter((c) => JSON_TYPES.has(c.dataType))
}

/** One exported row: its JSON text, and which json/jsonb columns hold JSON `null` (not SQL NULL). */
export interface DumpRow {
  line: string
  jsonNulls: string[]
}

/**
 * Opens a cursor `name` over a table's rows as JSON text (row_to_json: every column by name, with
 * the server's exact text for each value), in primary-key order under the "C" collation so that
 * any two stores order them alike; tables without a key are ordered by their JSON text. For a
 * table with json/jsonb columns each row also says which of them hold JSON `null`, which the line
 * alone cannot tell from SQL NULL.
 */
export async function declareRowCursor(
  connection: RawConnection,
  name: string,
  table: DumpTable,
): Promise<void> {
  const order =
    table.primaryKey.length === 0
      ? 'line collate "C"'
      : table.primaryKey
          .map((column) => {
            const type = table.columns.find((c) => c.name === column)?.dataType ?? ''
            return `t.${quoteIdent(column)}${COLLATABLE.has(type) ? ' collate "C"' : ''}`
          })
          .join(', ')
  // Column positions, comma-separated ('' for none): plain numbers, whatever the column names.
  const nulls = jsonColumns(table).map((c) => {
    const position = table.columns.indexOf(c)
    return `case when ${c.dataType}_typeof(t.${quoteIdent(c.name)}) = 'null' then '${position}' end`
  })
  const jsonNulls = nulls.length === 0 ? `''` : `concat_ws(',', ${nulls.join(', ')})`
  await connection.query(
    `declare ${quoteIdent(name)} no scroll cursor for select row_to_json(t)::text as line, ${jsonNulls} as "jsonNulls" from ${quoteIdent(table.name)} t order by ${order}`,
    [],
  )
}

/** The next `count` rows of a cursor opened by declareRowCursor over `table`. */
export async function fetchRows(
  connection: RawConnection,
  cursor: string,
  table: DumpTable,
  count: number,
): Promise<DumpRow[]> {
  const { rows } = await connection.query<{ line: string; jsonNulls: string }>(
    `fetch ${count} from ${quoteIdent(cursor)}`,
    [],
  )
  return rows.map((r) => ({
    line: r.line,
    jsonNulls:
      r.jsonNulls === ''
        ? []
        : r.jsonNulls.split(',').map((position) => table.columns[Number(position)]?.name ?? ''),
  }))
}

export async function closeCursor(connection: RawConnection, cursor: string): Promise<void> {
  await connection.query(`close ${quoteIdent(cursor)}`, [])
}

/**
 * Inserts rows given as JSON objects (the export's lines) into `table`; returns how many.
 * `jsonNulls` names, per json/jsonb column, the rows (1-based positions in `lines`) whose value is
 * JSON `null` rather than SQL NULL: json_populate_recordset reads both as SQL NULL.
 */
export async function insertJsonRows(
  connection: RawConnection,
  table: DumpTable,
  lines: readonly string[],
  jsonNulls: ReadonlyMap<string, readonly number[]> = new Map(),
): Promise<number> {
  const inserted = table.columns.filter((c) => !c.generated)
  const params: unknown[] = [`[${lines.join(',')}]`]
  const values = inserted.map((c) => {
    const column = `r.${quoteIdent(c.name)}`
    const positions = jsonNulls.get(c.name)
    if (positions === undefined || positions.length === 0 || !JSON_TYPES.has(c.dataType))
      return column
    params.push(positions)
    return `case when r.ordinality = any($${params.length}::int[]) and ${column} is null then 'null'::${c.dataType} else ${column} end`
  })
  const result = await connection.query(
    `insert into ${quoteIdent(table.name)} (${inserted.map((c) => quoteIdent(c.name)).join(', ')}) overriding system value
     select ${values.join(', ')}
       from json_populate_recordset(null::${quoteIdent(table.name)}, $1::json) with ordinality as r`,
    params,
  )
  return result.rowCount
}

/** A foreign key from a table to itself, and how it was declared (to put it back after an import). */
export interface SelfReference {
  table: string
  constraint: string
  deferrable: boolean
  initiallyDeferred: boolean
}

/** The foreign keys of the current schema whose table references itself. */
export async function listSelfReferences(connection: RawConnection): Promise<SelfReference[]> {
  const { rows } = await connection.query<SelfReference>(
    `select c.relname as "table", k.conname as "constraint", k.condeferrable as deferrable,
            k.condeferred as "initiallyDeferred"
       from pg_catalog.pg_constraint k
       join pg_catalog.pg_class c on c.oid = k.conrelid
      where k.contype = 'f' and k.conrelid = k.confrelid
        and c.relnamespace = (select oid from pg_catalog.pg_namespace where nspname = current_schema())
      order by 1, 2`,
    [],
  )
  return rows
}

/**
 * Makes a self-referencing foreign key deferrable and deferred for the rest of the import
 * transaction (or back as it was), so that a row may reference a row inserted after it: rows are
 * inserted in key order, not in reference order. Needs table ownership, like setUserTriggers.
 */
export async function setDeferred(
  connection: RawConnection,
  reference: SelfReference,
  deferred: boolean,
): Promise<void> {
  const declared = deferred
    ? 'deferrable initially deferred'
    : reference.deferrable
      ? `deferrable initially ${reference.initiallyDeferred ? 'deferred' : 'immediate'}`
      : 'not deferrable'
  await connection.query(
    `alter table ${quoteIdent(reference.table)} alter constraint ${quoteIdent(reference.constraint)} ${declared}`,
    [],
  )
}

/** Checks every deferred constraint now (they would be checked at commit otherwise). */
export async function checkDeferredConstraints(connection: RawConnection): Promise<void> {
  await connection.query('set constraints all immediate', [])
}

/**
 * Turns a table's own triggers (not foreign-key checks) off or on inside the import transaction:
 * the dump already holds what triggers derive (copies, roll-ups), and append-only guards must not
 * stop a restore. Needs table ownership, which the migrating role has.
 */
export async function setUserTriggers(
  connection: RawConnection,
  table: string,
  enabled: boolean,
): Promise<void> {
  await connection.query(
    `alter table ${quoteIdent(table)} ${enabled ? 'enable' : 'disable'} trigger user`,
    [],
  )
}
