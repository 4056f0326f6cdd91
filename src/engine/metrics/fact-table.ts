/**
 * The final verdicts of a store, held in memory as dictionary-encoded columns, and kept current
 * by reading only what changed since the previous read (src/store/verdict-facts-store.ts).
 *
 * Why in memory: a report over a period aggregates every final verdict of the period into a
 * dozen groupings and as many measures. In SQL that costs about a microsecond per verdict and
 * grouping (seconds at 500,000 verdicts); over typed arrays it is a tight loop (tens of
 * milliseconds). Every later read costs one indexed query that usually returns nothing.
 *
 * The first read of a store loads every verdict once. PostgreSQL writes the COPY text (≈0.6–0.8 s
 * of server CPU for 436,000 verdicts, 69 MB) while this process applies the rows as they arrive,
 * straight from the bytes: a value already in its dictionary is recognised by its bytes (hash,
 * then byte comparison) without making a string, numbers are read from the bytes, and decision
 * ids are stored without a lookup (the key index is built by the first later read that returns
 * rows). That costs ≈1.2 µs a row once the code is optimised, and the two overlap: ≈1.1–1.25 s
 * for 436,453 verdicts on this project's 2-core machine when otherwise quiet (2.3–3.7 s when the
 * whole text was decoded, split and applied after it had arrived).
 *
 * Memory: about 180 bytes per verdict (codes, weight, day, key; columns grow by doubling), plus
 * distinct values once each.
 */
import type { Database } from '../../store/db.js'
import type { CopyTextRow } from '../../store/copy-text.js'
import {
  FACT_COLUMNS,
  readVerdictFactChanges,
  type FactColumn,
} from '../../store/verdict-facts-store.js'
import { ByteIndex } from '../byte-index.js'

/** Distinct values of a text column; code 0 is null. */
export class Dictionary {
  readonly values: (string | null)[] = [null]
  private readonly codes = new Map<string, number>()
  /** Codes by raw (escaped) COPY bytes, `\N` (null) → 0 included. */
  private readonly raw = new ByteIndex()

  code(value: string | null): number {
    if (value === null) return 0
    let code = this.codes.get(value)
    if (code === undefined) {
      code = this.values.length
      this.values.push(value)
      this.codes.set(value, code)
    }
    return code
  }

  /** The code of field k of a row read from the store; a value seen before costs no string. */
  codeOfField(row: CopyTextRow, k: number): number {
    const start = row.starts[k] as number
    const end = row.ends[k] as number
    const hash = row.hashes[k] as number
    let code = this.raw.get(row.bytes, start, end, hash)
    if (code < 0) {
      // Keyed by the escaped bytes: a value is always written the same way, and even if not,
      // both forms get the code of the same string.
      code = this.code(row.text(k))
      this.raw.add(row.bytes, start, end, hash, code)
    }
    return code
  }

  /** The code of a value, or -1 when it never occurs. */
  find(value: string | null): number {
    return value === null ? 0 : (this.codes.get(value) ?? -1)
  }

  get size(): number {
    return this.values.length
  }
}

export const TEXT_COLUMNS = [
  'region',
  'queue',
  'site',
  'language',
  'contentType',
  'actorType',
  'actorId',
  'decisionPolicy',
  'decisionAction',
  'policyVersion',
  'auditorId',
  'policy',
  'action',
  'severity',
  'rootCause',
  'outcome',
  'kind',
] as const satisfies readonly FactColumn[]

export type TextColumn = (typeof TEXT_COLUMNS)[number]

export const FLAG_COLUMNS = ['disputed', 'overturned', 'secondQaAgrees'] as const

export type FlagColumn = (typeof FLAG_COLUMNS)[number]

/** Flags are coded 0 = null, 1 = false, 2 = true. */
export const FLAG_VALUES: readonly (boolean | null)[] = [null, false, true]

const at = (column: FactColumn) => FACT_COLUMNS.indexOf(column)
const TEXT_AT = TEXT_COLUMNS.map(at)
const FLAG_AT = FLAG_COLUMNS.map(at)
const [ID_AT, APPEAL_AT, PRESENT_AT, DAY_AT, WEIGHT_AT, ATTRIBUTES_AT] = (
  ['decisionId', 'isAppeal', 'present', 'day', 'weight', 'attributes'] as const
).map(at) as [number, number, number, number, number, number]

/** The array itself when it holds `size` elements, else a copy at least twice as long. */
export function grow<T extends Int32Array | Uint8Array | Float64Array>(array: T, size: number): T {
  if (size <= array.length) return array
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2))
  next.set(array)
  return next
}

/** The columns; row i of every column is the same verdict. Rows are never removed, only marked absent. */
export class FactTable {
  length = 0
  present = new Uint8Array(1024)
  /** Int32Array like every coded column, so that the aggregation loops read one array type. */
  isAppeal = new Int32Array(1024)
  day = new Int32Array(1024)
  weight = new Float64Array(1024)
  readonly text = Object.fromEntries(TEXT_COLUMNS.map((c) => [c, new Int32Array(1024)])) as Record<
    TextColumn,
    Int32Array
  >
  readonly flags = Object.fromEntries(FLAG_COLUMNS.map((c) => [c, new Int32Array(1024)])) as Record<
    FlagColumn,
    Int32Array
  >
  readonly attributes: (Record<string, unknown> | null)[] = []
  /** Decision and action columns share dictionaries so that codes compare across them. */
  readonly dictionaries: Record<TextColumn, Dictionary>
  /** Row numbers by day, so that a period reads only its own days. */
  readonly rowsByDay = new Map<number, number[]>()
  /** Row numbers by the raw bytes of the decision id, for verdicts and for appeals. */
  private readonly verdictRows = new ByteIndex()
  private readonly appealRows = new ByteIndex()
  private readonly weightIndex = new ByteIndex()
  private readonly weightValues: number[] = []
  /** TEXT_COLUMNS order: the same arrays as `text` and `dictionaries`, for the row loop. */
  private textCodes: Int32Array[]
  private readonly textDictionaries: Dictionary[]
  private flagCodes: Int32Array[]

  constructor() {
    const policies = new Dictionary()
    const actions = new Dictionary()
    this.dictionaries = Object.fromEntries(
      TEXT_COLUMNS.map((c) => [
        c,
        c === 'policy' || c === 'decisionPolicy'
          ? policies
          : c === 'action' || c === 'decisionAction'
            ? actions
            : new Dictionary(),
      ]),
    ) as Record<TextColumn, Dictionary>
    this.textCodes = TEXT_COLUMNS.map((c) => this.text[c])
    this.textDictionaries = TEXT_COLUMNS.map((c) => this.dictionaries[c])
    this.flagCodes = FLAG_COLUMNS.map((c) => this.flags[c])
  }

  /** Changes whenever rows are applied: derived data computed for one version is reused until then. */
  version = 0

  /** Applies one row read from the store (fields in FACT_COLUMNS order). */
  applyRow(row: CopyTextRow): void {
    const isAppeal = row.isTrue(APPEAL_AT)
    const rows = isAppeal ? this.appealRows : this.verdictRows
    const i = rows.get(
      row.bytes,
      row.starts[ID_AT] as number,
      row.ends[ID_AT] as number,
      row.hashes[ID_AT] as number,
    )
    if (i >= 0) this.fill(i, row, isAppeal)
    else if (row.isTrue(PRESENT_AT)) this.appendRow(row)
  }

  /**
   * Applies a row known to be new: a present row of the full read, which holds one row per
   * decision and kind (the table's primary key) from one snapshot. Its key is stored without
   * looking it up; the key index is built by the first later read that returns rows.
   */
  appendRow(row: CopyTextRow): void {
    const isAppeal = row.isTrue(APPEAL_AT)
    const i = this.length++
    this.ensure(this.length)
    ;(isAppeal ? this.appealRows : this.verdictRows).append(
      row.bytes,
      row.starts[ID_AT] as number,
      row.ends[ID_AT] as number,
      row.hashes[ID_AT] as number,
      i,
    )
    const day = row.number(DAY_AT)
    this.day[i] = day
    let list = this.rowsByDay.get(day)
    if (list === undefined) this.rowsByDay.set(day, (list = []))
    list.push(i)
    this.fill(i, row, isAppeal)
  }

  private fill(i: number, row: CopyTextRow, isAppeal: boolean): void {
    this.present[i] = row.isTrue(PRESENT_AT) ? 1 : 0
    this.isAppeal[i] = isAppeal ? 1 : 0
    this.weight[i] = this.weightOf(row)
    const { textCodes, textDictionaries, flagCodes } = this
    for (let k = 0; k < TEXT_AT.length; k++)
      (textCodes[k] as Int32Array)[i] = (textDictionaries[k] as Dictionary).codeOfField(
        row,
        TEXT_AT[k] as number,
      )
    for (let k = 0; k < FLAG_AT.length; k++) {
      const at = FLAG_AT[k] as number
      ;(flagCodes[k] as Int32Array)[i] = row.isNull(at) ? 0 : row.isTrue(at) ? 2 : 1
    }
    const attributes = row.isNull(ATTRIBUTES_AT) ? null : row.text(ATTRIBUTES_AT)
    this.attributes[i] =
      attributes === null ? null : (JSON.parse(attributes) as Record<string, unknown>)
  }

  /** Weights (1 / inclusion probability) take few distinct values: each is parsed once. */
  private weightOf(row: CopyTextRow): number {
    const start = row.starts[WEIGHT_AT] as number
    const end = row.ends[WEIGHT_AT] as number
    const hash = row.hashes[WEIGHT_AT] as number
    const known = this.weightIndex.get(row.bytes, start, end, hash)
    if (known >= 0) return this.weightValues[known] as number
    const weight = row.number(WEIGHT_AT)
    // Beyond a few thousand distinct weights a cache would only grow: parse each one.
    if (this.weightValues.length < 4096) {
      this.weightIndex.add(row.bytes, start, end, hash, this.weightValues.length)
      this.weightValues.push(weight)
    }
    return weight
  }

  private ensure(size: number): void {
    if (size <= this.present.length) return
    this.present = grow(this.present, size)
    this.isAppeal = grow(this.isAppeal, size)
    this.day = grow(this.day, size)
    this.weight = grow(this.weight, size)
    for (const c of TEXT_COLUMNS) this.text[c] = grow(this.text[c], size)
    for (const c of FLAG_COLUMNS) this.flags[c] = grow(this.flags[c], size)
    this.textCodes = TEXT_COLUMNS.map((c) => this.text[c])
    this.flagCodes = FLAG_COLUMNS.map((c) => this.flags[c])
  }
}

interface CacheEntry {
  /** Empty until the first read has succeeded. */
  table: FactTable
  horizon: string | null
  /** The read in progress, and whether another must follow it (a caller arrived meanwhile). */
  reading: Promise<void> | null
  again: Promise<void> | null
}

const caches = new WeakMap<Database, CacheEntry>()

async function readChanges(database: Database, entry: CacheEntry): Promise<void> {
  // The full read applies rows as they arrive, so it fills a table of its own, kept only when
  // the read succeeds (a retry must not inherit rows, say one removed meanwhile); nobody holds
  // the entry's table before its first read has succeeded.
  const table = entry.horizon === null ? new FactTable() : entry.table
  let changed = false
  const horizon = await database.withConnection((connection) =>
    readVerdictFactChanges(connection, entry.horizon, (row) => {
      changed = true
      if (entry.horizon === null) table.appendRow(row)
      else table.applyRow(row)
    }),
  )
  if (changed) table.version++
  entry.table = table
  entry.horizon = horizon
}

/**
 * The store's final verdicts, current as of this call: everything committed before the call is
 * included (a caller that just wrote reads its write). Concurrent callers share reads.
 */
export async function currentFacts(database: Database): Promise<FactTable> {
  let entry = caches.get(database)
  if (entry === undefined) {
    entry = { table: new FactTable(), horizon: null, reading: null, again: null }
    caches.set(database, entry)
  }
  const e = entry
  if (e.reading === null) {
    e.reading = readChanges(database, e).finally(() => {
      e.reading = null
    })
    await e.reading
  } else {
    // A read already running may have taken its snapshot before this caller's last write: queue
    // one more read after it, shared by everyone who arrives meanwhile.
    if (e.again === null) {
      e.again = e.reading
        .catch(() => undefined)
        .then(() => {
          e.again = null
          e.reading = readChanges(database, e).finally(() => {
            e.reading = null
          })
          return e.reading
        })
    }
    await e.again
  }
  return e.table
}
