/**
 * Accumulates the decision volume roll-ups of one transaction in memory (decision_volume_daily with
 * each cell's handle-time sketch, and the narrow (day, region, site) sketches of
 * decision_handle_time_scope), for the rows actually inserted, and hands them out sorted by key.
 *
 * A roll-up cell is (UTC day, region, queue, site or '', actor_type, policy, action). The fast
 * path finds a row's cell straight from the CSV bytes: each of the seven fields is looked up where
 * it stands in a small per-field dictionary (a code per distinct value), and the seven codes in a
 * table of cells, so a row of a known cell allocates nothing and touches little memory (about
 * twice as fast as hashing and comparing whole keys). The memory held is one entry per distinct
 * field value, per cell and per (cell, bucket) touched by the transaction, not per row.
 */
import { quantileSketchBucket } from '../../stats/sketch/index.js'
import { hashCopyField } from '../../store/copy-text.js'
import type {
  RollupKeyColumns,
  ScopeSketchRows,
  VolumeRollupRows,
} from '../../store/ingest-store.js'
import { ByteIndex } from '../byte-index.js'

/** Relative accuracy of the handle-time sketch (DDSketch α); every stored bucket must use the same. */
export const HANDLE_TIME_SKETCH_ACCURACY = 0.01

/** Separates key parts; NUL never occurs in stored text (ingest rejects it). */
const SEP = '\0'
/** Bucket indices stay below this (int4 handle times reach bucket 1,075 at α = 0.01). */
const BUCKETS_PER_CELL = 4096
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

/** The roll-up key of a decision: UTC day, region, queue, site ('' if none), actor_type, policy, action. */
export function rollupKey(
  day: string,
  region: string,
  queue: string,
  site: string | undefined,
  actorType: string,
  policy: string,
  action: string,
): string {
  return `${day}${SEP}${region}${SEP}${queue}${SEP}${site ?? ''}${SEP}${actorType}${SEP}${policy}${SEP}${action}`
}

/** The grow-by-doubling copy of a typed array (contents kept). */
function doubled<T extends Int32Array | Float64Array | Uint8Array>(
  array: T,
  size = array.length * 2,
): T {
  const next = new (array.constructor as new (n: number) => T)(size)
  next.set(array)
  return next
}

/**
 * The distinct values of one key field in a transaction, coded 0, 1, 2, … in order of appearance.
 * Values are looked up by their UTF-8 bytes where they stand (no string per row); a string is made
 * once per distinct value.
 */
class FieldCodes {
  private readonly index = new ByteIndex()
  private readonly texts: string[] = []

  /** The code of the value whose bytes are bytes[s, e), created when new. */
  code(bytes: Uint8Array, s: number, e: number): number {
    const hash = hashCopyField(bytes, s, e)
    let code = this.index.get(bytes, s, e, hash)
    if (code < 0) {
      code = this.texts.length
      this.index.add(bytes, s, e, hash, code)
      this.texts.push(Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('utf8'))
    }
    return code
  }

  /** The value of a code. */
  text(code: number): string {
    return this.texts[code] as string
  }
}

/** The roll-up rows of a transaction, split by whether their day may already be stored. */
export interface RollupWrite {
  /** Cells of days this ingest has written before: upserted. Sorted by key, all before `fresh`. */
  touched: RollupRows
  /** Cells of days new to this ingest: most likely not stored yet (COPY first). Sorted by key. */
  fresh: RollupRows
  /** Every day with a cell in this write. */
  days: string[]
  /** The narrow (day, region, site) sketches of every cell, summed; sorted by key then bucket. */
  scope: ScopeSketchRows
}

const COPY_SPECIAL = /[\\\t\n\r]/g
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** Roll-up cells sorted by key, each with its sketch, as unnest arrays or as COPY text. */
export class RollupRows {
  constructor(
    /** Cell keys (rollupKey), sorted. */
    private readonly keys: readonly string[],
    /** Per cell: decisions, handle-time count, handle-time total. */
    private readonly totals: Float64Array,
    /** Cell i's sketch is buckets bucketStart[i] to bucketStart[i + 1] (exclusive) below. */
    private readonly bucketStart: Int32Array,
    /** Bucket indices, ascending within a cell, and their counts. */
    private readonly bucketIndices: Int32Array,
    private readonly bucketCounts: Float64Array,
  ) {}

  get volumeCount(): number {
    return this.keys.length
  }

  volumeRows(): VolumeRollupRows {
    const rows = emptyVolumeRows()
    this.keys.forEach((key, i) => {
      pushKey(rows.keys, key.split(SEP))
      rows.decisions.push(this.totals[i * 3] as number)
      rows.handleTimeCount.push(this.totals[i * 3 + 1] as number)
      rows.handleTimeTotalMs.push(this.totals[i * 3 + 2] as number)
      const [buckets, counts] = this.sketchLiterals(i)
      rows.buckets.push(buckets)
      rows.bucketCounts.push(counts)
    })
    return rows
  }

  /**
   * decision_volume_daily rows in COPY text (key columns, decisions, handle-time count and total,
   * sketch buckets and counts as array literals).
   */
  volumeCopyText(): string {
    const lines: string[] = []
    this.keys.forEach((key, i) => {
      const t = this.totals
      const [buckets, counts] = this.sketchLiterals(i)
      lines.push(
        `${keyCopyText(key)}\t${t[i * 3]}\t${t[i * 3 + 1]}\t${t[i * 3 + 2]}\t${buckets}\t${counts}\n`,
      )
    })
    return lines.join('')
  }

  /** Cell i's sketch as two PostgreSQL array literals: `{b1,b2,…}` and `{c1,c2,…}`. */
  private sketchLiterals(i: number): [string, string] {
    const from = this.bucketStart[i] as number
    const to = this.bucketStart[i + 1] as number
    let buckets = '{'
    let counts = '{'
    for (let b = from; b < to; b++) {
      const comma = b > from ? ',' : ''
      buckets += `${comma}${this.bucketIndices[b] as number}`
      counts += `${comma}${this.bucketCounts[b] as number}`
    }
    return [`${buckets}}`, `${counts}}`]
  }
}

/** The key columns of a cell in COPY text (the day needs no escape; NUL never occurs). */
function keyCopyText(key: string): string {
  return key.replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c] as string).replaceAll(SEP, '\t')
}

export class TransactionRollup {
  private readonly keys: string[] = []
  /** Per key field (day, region, queue, site, actor_type, policy, action), its values' codes. */
  private readonly fields = Array.from({ length: 7 }, () => new FieldCodes())
  /** The seven field codes of the row being looked up. */
  private readonly codes = new Int32Array(7)
  /** Per cell, its seven field codes. */
  private tuples = new Int32Array(7 * 1024)
  private hashes = new Int32Array(1024)
  /** Open addressing, linear probing: cell index + 1, 0 when free. */
  private slots = new Int32Array(2048)
  /** decisions, handle-time count, handle-time total per cell. */
  private totals = new Float64Array(3 * 1024)
  /** Per cell, set by `accepts` when the cell is created: 1 when its codes pass the taxonomy. */
  private accepted = new Uint8Array(1024)
  /** Handle-time sketch buckets touched, keyed cell × BUCKETS_PER_CELL + bucket. */
  private readonly buckets = new BucketCounts()

  /** `accepts(policy, action)`: whether a new cell's codes are known to the taxonomy. */
  constructor(private readonly accepts: (policy: string, action: string) => boolean) {}

  get cellCount(): number {
    return this.keys.length
  }

  /** The key of a cell, as `rollupKey` makes it. */
  keyOf(cell: number): string {
    return this.keys[cell] as string
  }

  /** Whether the codes of cell `cell` pass the taxonomy. */
  isAccepted(cell: number): boolean {
    return this.accepted[cell] === 1
  }

  /**
   * The cell of a row whose seven key fields are the UTF-8 bytes from ranges[2i] to
   * ranges[2i + 1], created when new.
   */
  cellOfRanges(bytes: Uint8Array, ranges: Int32Array): number {
    const codes = this.codes
    for (let f = 0; f < 7; f++)
      codes[f] = (this.fields[f] as FieldCodes).code(
        bytes,
        ranges[2 * f] as number,
        ranges[2 * f + 1] as number,
      )
    return this.cellOfCodes()
  }

  /** The cell of a key made by `rollupKey`, created when new (the same cell as cellOfRanges'). */
  cellOfKey(key: string): number {
    const parts = key.split(SEP)
    for (let f = 0; f < 7; f++) {
      const bytes = Buffer.from(parts[f] as string, 'utf8')
      this.codes[f] = (this.fields[f] as FieldCodes).code(bytes, 0, bytes.length)
    }
    return this.cellOfCodes()
  }

  /** The cell of the field codes in `this.codes`, created when new. */
  private cellOfCodes(): number {
    const codes = this.codes
    let h = FNV_OFFSET
    for (let f = 0; f < 7; f++) h = Math.imul(h ^ (codes[f] as number), FNV_PRIME)
    h ^= h >>> 15
    const mask = this.slots.length - 1
    const tuples = this.tuples
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number
      if (entry === 0) return this.create(h, slot)
      const cell = entry - 1
      const t = cell * 7
      if (
        this.hashes[cell] === h &&
        tuples[t] === codes[0] &&
        tuples[t + 1] === codes[1] &&
        tuples[t + 2] === codes[2] &&
        tuples[t + 3] === codes[3] &&
        tuples[t + 4] === codes[4] &&
        tuples[t + 5] === codes[5] &&
        tuples[t + 6] === codes[6]
      )
        return cell
    }
  }

  /** Counts one inserted decision of `cell`; `handleTimeMs` is -1 when it has none. */
  add(cell: number, handleTimeMs: number): void {
    const t = cell * 3
    this.totals[t] = (this.totals[t] as number) + 1
    if (handleTimeMs < 0) return
    this.totals[t + 1] = (this.totals[t + 1] as number) + 1
    this.totals[t + 2] = (this.totals[t + 2] as number) + handleTimeMs
    this.buckets.add(cell * BUCKETS_PER_CELL + handleTimeBucket(handleTimeMs))
  }

  /**
   * The rows to write, sorted by key (then bucket). Cells of a day in `touchedDays` go to
   * `touched`, the others to `fresh`, but only when every touched cell sorts before every fresh
   * one; otherwise all go to `touched`, so that the rows are written in one key order and
   * concurrent ingests lock them in the same order (no deadlock).
   */
  rows(touchedDays: ReadonlySet<string>): RollupWrite {
    const cells: number[] = []
    for (let cell = 0; cell < this.keys.length; cell++)
      if ((this.totals[cell * 3] as number) > 0) cells.push(cell)
    const keys = this.keys
    cells.sort((a, b) => {
      const x = keys[a] as string
      const y = keys[b] as string
      return x < y ? -1 : x > y ? 1 : 0
    })
    const dayOf = (cell: number) =>
      (keys[cell] as string).slice(0, (keys[cell] as string).indexOf(SEP))
    const days = [...new Set(cells.map(dayOf))]
    let split = cells.findIndex((cell) => !touchedDays.has(dayOf(cell)))
    if (split < 0) split = cells.length
    for (let i = split; i < cells.length; i++)
      if (touchedDays.has(dayOf(cells[i] as number))) split = cells.length
    const rank = new Int32Array(this.keys.length)
    for (let i = 0; i < cells.length; i++) rank[cells[i] as number] = i
    // (rank, bucket) as one number, so that a numeric sort orders the buckets by cell, then bucket.
    const ordered = new Float64Array(this.buckets.size)
    let n = 0
    this.buckets.forEach((key) => {
      const cell = Math.floor(key / BUCKETS_PER_CELL)
      ordered[n++] = (rank[cell] as number) * BUCKETS_PER_CELL + (key - cell * BUCKETS_PER_CELL)
    })
    ordered.sort()
    const bucketIndices = new Int32Array(ordered.length)
    const bucketCounts = new Float64Array(ordered.length)
    /** Per position in `cells`: where its buckets start in the arrays above (and one past the end). */
    const bucketStart = new Int32Array(cells.length + 1)
    let position = 0
    for (let i = 0; i < ordered.length; i++) {
      const value = ordered[i] as number
      const at = Math.floor(value / BUCKETS_PER_CELL)
      while (position < at) bucketStart[++position] = i
      const bucket = value - at * BUCKETS_PER_CELL
      bucketIndices[i] = bucket
      bucketCounts[i] = this.buckets.get((cells[at] as number) * BUCKETS_PER_CELL + bucket)
    }
    while (position < cells.length) bucketStart[++position] = ordered.length
    const part = (from: number, to: number) => {
      const totals = new Float64Array((to - from) * 3)
      for (let i = from; i < to; i++) {
        const cell = cells[i] as number
        totals.set(this.totals.subarray(cell * 3, cell * 3 + 3), (i - from) * 3)
      }
      const first = bucketStart[from] as number
      const last = bucketStart[to] as number
      const starts = bucketStart.slice(from, to + 1).map((start) => start - first)
      const partKeys = cells.slice(from, to).map((cell) => keys[cell] as string)
      return new RollupRows(
        partKeys,
        totals,
        starts,
        bucketIndices.subarray(first, last),
        bucketCounts.subarray(first, last),
      )
    }
    return {
      touched: part(0, split),
      fresh: part(split, cells.length),
      days,
      scope: this.scopeRows(cells, bucketStart, bucketIndices, bucketCounts),
    }
  }

  /** The cells' sketches summed per (day, region, site), sorted by that key then bucket. */
  private scopeRows(
    cells: readonly number[],
    bucketStart: Int32Array,
    bucketIndices: Int32Array,
    bucketCounts: Float64Array,
  ): ScopeSketchRows {
    const byScope = new Map<string, Map<number, number>>()
    for (let i = 0; i < cells.length; i++) {
      const parts = (this.keys[cells[i] as number] as string).split(SEP)
      const scope = `${parts[0]}${SEP}${parts[1]}${SEP}${parts[3]}`
      let sketch = byScope.get(scope)
      if (sketch === undefined) byScope.set(scope, (sketch = new Map()))
      for (let b = bucketStart[i] as number; b < (bucketStart[i + 1] as number); b++) {
        const bucket = bucketIndices[b] as number
        sketch.set(bucket, (sketch.get(bucket) ?? 0) + (bucketCounts[b] as number))
      }
    }
    const rows: ScopeSketchRows = { day: [], region: [], site: [], bucket: [], count: [] }
    for (const scope of [...byScope.keys()].sort()) {
      const [day, region, site] = scope.split(SEP) as [string, string, string]
      const sketch = byScope.get(scope) as Map<number, number>
      for (const bucket of [...sketch.keys()].sort((a, b) => a - b)) {
        rows.day.push(day)
        rows.region.push(region)
        rows.site.push(site)
        rows.bucket.push(bucket)
        rows.count.push(sketch.get(bucket) as number)
      }
    }
    return rows
  }

  private create(hash: number, slot: number): number {
    const cell = this.keys.length
    const parts = Array.from(this.codes, (code, f) => (this.fields[f] as FieldCodes).text(code))
    this.keys.push(parts.join(SEP))
    if (cell >= this.hashes.length) {
      this.hashes = doubled(this.hashes)
      this.tuples = doubled(this.tuples)
      this.totals = doubled(this.totals)
      this.accepted = doubled(this.accepted)
    }
    this.hashes[cell] = hash
    this.tuples.set(this.codes, cell * 7)
    this.accepted[cell] = this.accepts(parts[5] as string, parts[6] as string) ? 1 : 0
    this.slots[slot] = cell + 1
    if (this.keys.length * 2 > this.slots.length) {
      const slots = new Int32Array(this.slots.length * 2)
      const mask = slots.length - 1
      for (let c = 0; c < this.keys.length; c++) {
        let at = (this.hashes[c] as number) & mask
        while (slots[at] !== 0) at = (at + 1) & mask
        slots[at] = c + 1
      }
      this.slots = slots
    }
    return cell
  }
}

/**
 * Counts per non-negative integer key (below 2^53): open addressing with linear probing over
 * typed arrays, which costs a fraction of a Map<number, number> per increment.
 */
class BucketCounts {
  /** key + 1; 0 marks a free slot. */
  private keys = new Float64Array(1 << 12)
  private counts = new Float64Array(1 << 12)
  size = 0

  add(key: number): void {
    const mask = this.keys.length - 1
    const stored = key + 1
    for (let slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
      const k = this.keys[slot] as number
      if (k === stored) {
        this.counts[slot] = (this.counts[slot] as number) + 1
        return
      }
      if (k === 0) {
        this.keys[slot] = stored
        this.counts[slot] = 1
        if (++this.size * 2 > this.keys.length) this.grow()
        return
      }
    }
  }

  /** The count of `key` (0 when never added). */
  get(key: number): number {
    const mask = this.keys.length - 1
    const stored = key + 1
    for (let slot = mix(key) & mask; ; slot = (slot + 1) & mask) {
      const k = this.keys[slot] as number
      if (k === stored) return this.counts[slot] as number
      if (k === 0) return 0
    }
  }

  forEach(fn: (key: number) => void): void {
    for (let slot = 0; slot < this.keys.length; slot++) {
      const k = this.keys[slot] as number
      if (k !== 0) fn(k - 1)
    }
  }

  private grow(): void {
    const keys = this.keys
    const counts = this.counts
    this.keys = new Float64Array(keys.length * 2)
    this.counts = new Float64Array(keys.length * 2)
    const mask = this.keys.length - 1
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number
      if (k === 0) continue
      let slot = mix(k - 1) & mask
      while (this.keys[slot] !== 0) slot = (slot + 1) & mask
      this.keys[slot] = k
      this.counts[slot] = counts[i] as number
    }
  }
}

/** Spreads a key's bits over the low ones (keys of one cell differ in their low bits only). */
function mix(key: number): number {
  const low = key | 0
  const high = (key / 4294967296) | 0
  return Math.imul(low ^ Math.imul(high, 0x9e3779b1) ^ (low >>> 15), 0x85ebca6b) >>> 7
}

/** Handle times below this have their sketch bucket remembered once computed. */
const REMEMBERED_HANDLE_TIMES = 1 << 18
/** quantileSketchBucket(v, HANDLE_TIME_SKETCH_ACCURACY) + 1 for small v; 0 until computed. */
const rememberedBuckets = new Int16Array(REMEMBERED_HANDLE_TIMES)

/** The sketch bucket of a handle time (an integer ≥ 0), as quantileSketchBucket computes it. */
function handleTimeBucket(ms: number): number {
  if (ms >= REMEMBERED_HANDLE_TIMES) return quantileSketchBucket(ms, HANDLE_TIME_SKETCH_ACCURACY)
  let bucket = (rememberedBuckets[ms] as number) - 1
  if (bucket < 0) {
    bucket = quantileSketchBucket(ms, HANDLE_TIME_SKETCH_ACCURACY)
    rememberedBuckets[ms] = bucket + 1
  }
  return bucket
}

function emptyKeyColumns(): RollupKeyColumns {
  return [[], [], [], [], [], [], []]
}

function emptyVolumeRows(): VolumeRollupRows {
  return {
    keys: emptyKeyColumns(),
    decisions: [],
    handleTimeCount: [],
    handleTimeTotalMs: [],
    buckets: [],
    bucketCounts: [],
  }
}

function pushKey(columns: RollupKeyColumns, parts: readonly string[]): void {
  for (let i = 0; i < 7; i++) columns[i]?.push(parts[i] as string)
}
