/**
 * The final verdicts of a store, held in memory as dictionary-encoded columns, and kept current
 * by reading only what changed since the previous read (src/store/verdict-facts-store.ts).
 *
 * Why in memory: a report over a period aggregates every final verdict of the period into a
 * dozen groupings and as many measures. In SQL that costs about a microsecond per verdict and
 * grouping (seconds at 500,000 verdicts); over typed arrays it is a tight loop (tens of
 * milliseconds). The first read of a store loads every verdict once (≈1 s per 500,000); every
 * later one costs one indexed query that usually returns nothing.
 *
 * Memory: about 150 bytes per verdict (codes, weight, key), plus distinct values once each.
 */
import type { Database } from '../../store/db.js'
import {
  FACT_COLUMNS,
  readVerdictFactChanges,
  type FactColumn,
} from '../../store/verdict-facts-store.js'

/** Distinct values of a text column; code 0 is null. */
export class Dictionary {
  readonly values: (string | null)[] = [null]
  private readonly codes = new Map<string, number>()

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

const flagCode = (value: string | null) => (value === null ? 0 : value === 't' ? 2 : 1)

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
  private readonly rowOf = new Map<string, number>()

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
  }

  /** Changes whenever rows are applied: derived data computed for one version is reused until then. */
  version = 0

  /** Applies one row read from the store (fields in FACT_COLUMNS order). */
  applyRow(fields: readonly (string | null)[]): void {
    const isAppeal = fields[APPEAL_AT] === 't'
    const present = fields[PRESENT_AT] === 't'
    const id = fields[ID_AT] as string
    const key = isAppeal ? `${id}\u0000a` : id
    let i = this.rowOf.get(key)
    if (i === undefined) {
      if (!present) return
      i = this.length++
      this.ensure(this.length)
      this.rowOf.set(key, i)
      const day = Number(fields[DAY_AT])
      this.day[i] = day
      let list = this.rowsByDay.get(day)
      if (list === undefined) this.rowsByDay.set(day, (list = []))
      list.push(i)
    }
    this.present[i] = present ? 1 : 0
    this.isAppeal[i] = isAppeal ? 1 : 0
    this.weight[i] = Number(fields[WEIGHT_AT])
    for (let k = 0; k < TEXT_COLUMNS.length; k++) {
      const column = TEXT_COLUMNS[k] as TextColumn
      this.text[column][i] = this.dictionaries[column].code(fields[TEXT_AT[k] as number] ?? null)
    }
    for (let k = 0; k < FLAG_COLUMNS.length; k++)
      this.flags[FLAG_COLUMNS[k] as FlagColumn][i] = flagCode(fields[FLAG_AT[k] as number] ?? null)
    const attributes = fields[ATTRIBUTES_AT] ?? null
    this.attributes[i] =
      attributes === null ? null : (JSON.parse(attributes) as Record<string, unknown>)
  }

  private ensure(size: number): void {
    if (size <= this.present.length) return
    this.present = grow(this.present, size)
    this.isAppeal = grow(this.isAppeal, size)
    this.day = grow(this.day, size)
    this.weight = grow(this.weight, size)
    for (const c of TEXT_COLUMNS) this.text[c] = grow(this.text[c], size)
    for (const c of FLAG_COLUMNS) this.flags[c] = grow(this.flags[c], size)
  }
}

interface CacheEntry {
  table: FactTable
  horizon: string | null
  /** The read in progress, and whether another must follow it (a caller arrived meanwhile). */
  reading: Promise<void> | null
  again: Promise<void> | null
}

const caches = new WeakMap<Database, CacheEntry>()

async function readChanges(database: Database, entry: CacheEntry): Promise<void> {
  const { table } = entry
  let changed = false
  const horizon = await database.withConnection((connection) =>
    readVerdictFactChanges(connection, entry.horizon, (fields) => {
      changed = true
      table.applyRow(fields)
    }),
  )
  if (changed) table.version++
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
