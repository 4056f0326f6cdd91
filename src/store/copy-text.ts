/**
 * A byte-level reader of PostgreSQL COPY text output (tab-separated fields, one line per row,
 * `\N` for null, backslash escapes), fed in chunks that may end anywhere: inside a field, inside
 * an escape, inside a multi-byte character. Rows are handed over as byte ranges of the chunk,
 * with a hash of each field's raw bytes, so that a caller can recognise values it has seen
 * before without making a string (src/engine/byte-index.ts). One pass over the bytes:
 * about 2 ns a byte.
 */

/**
 * One row: fields as byte ranges of `bytes`, in output order, raw (still escaped). Valid only
 * during the callback: the reader reuses it for the next row.
 */
export interface CopyTextRow {
  readonly bytes: Buffer
  readonly starts: Int32Array
  readonly ends: Int32Array
  /** `hashCopyField` of each field's raw bytes. */
  readonly hashes: Int32Array
  /** Whether field k is null (`\N`). */
  isNull(k: number): boolean
  /** Field k as a string (unescaped), null for `\N`. */
  text(k: number): string | null
  /** Whether field k is a boolean true (`t`). */
  isTrue(k: number): boolean
  /** Field k as a number: integers from the bytes, anything else through `Number`; NaN for null. */
  number(k: number): number
}

const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193
const TAB = 9
const NEWLINE = 10
const BACKSLASH = 92
const MINUS = 45
const ZERO = 48

/** The hash the reader gives each field (32-bit FNV-1a of the raw bytes). */
export function hashCopyField(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (bytes[i] as number), FNV_PRIME)
  return hash
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }

/** Undoes COPY text escaping (only present when a value holds a backslash or control character). */
export function unescapeCopyText(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c)
}

/** Reads COPY text output pushed in chunks and calls `onRow` once per complete row. */
export class CopyTextReader implements CopyTextRow {
  bytes: Buffer = Buffer.alloc(0)
  readonly starts: Int32Array
  readonly ends: Int32Array
  readonly hashes: Int32Array
  /** Rows handed over so far. */
  rows = 0
  /** The start of a row cut by the end of the previous chunk. */
  private carry: Buffer | null = null

  /** `fieldCount`: every row must have exactly this many fields. */
  constructor(
    private readonly fieldCount: number,
    private readonly onRow: (row: CopyTextRow) => void,
  ) {
    this.starts = new Int32Array(fieldCount)
    this.ends = new Int32Array(fieldCount)
    this.hashes = new Int32Array(fieldCount)
  }

  /** Reads every complete row of `chunk` (with what was left of the previous one). */
  push(chunk: Buffer): void {
    let from = 0
    if (this.carry !== null) {
      const newline = chunk.indexOf(NEWLINE)
      if (newline < 0) {
        this.carry = Buffer.concat([this.carry, chunk])
        return
      }
      const row = Buffer.concat([this.carry, chunk.subarray(0, newline + 1)])
      this.carry = null
      this.scan(row, 0, row.length)
      from = newline + 1
    }
    const last = chunk.lastIndexOf(NEWLINE)
    if (last >= from) this.scan(chunk, from, last + 1)
    // Copied: the chunk's memory may be reused once this call returns.
    const rest = Math.max(from, last + 1)
    if (rest < chunk.length) this.carry = Buffer.from(chunk.subarray(rest))
  }

  /** Checks that the output ended with a complete row. */
  end(): void {
    if (this.carry !== null)
      throw new Error(`COPY output ends inside row ${this.rows + 1} (no final newline)`)
  }

  /** Rows of `bytes` in [from, to); `to` is just after a newline. */
  private scan(bytes: Buffer, from: number, to: number): void {
    this.bytes = bytes
    const { starts, ends, hashes, fieldCount } = this
    let field = 0
    let start = from
    let hash = FNV_OFFSET
    for (let i = from; i < to; i++) {
      const byte = bytes[i] as number
      // One comparison for most bytes: tab and newline are below every printable one.
      if (byte > NEWLINE) hash = Math.imul(hash ^ byte, FNV_PRIME)
      else if (byte === TAB || byte === NEWLINE) {
        if (field < fieldCount) {
          starts[field] = start
          ends[field] = i
          hashes[field] = hash
        }
        field++
        start = i + 1
        hash = FNV_OFFSET
        if (byte === NEWLINE) {
          if (field !== fieldCount)
            throw new Error(
              `COPY output row ${this.rows + 1} has ${field} fields, expected ${fieldCount}`,
            )
          this.rows++
          this.onRow(this)
          field = 0
        }
      } else hash = Math.imul(hash ^ byte, FNV_PRIME)
    }
  }

  isNull(k: number): boolean {
    const start = this.starts[k] as number
    return (
      (this.ends[k] as number) - start === 2 &&
      this.bytes[start] === BACKSLASH &&
      this.bytes[start + 1] === 78 // N
    )
  }

  text(k: number): string | null {
    if (this.isNull(k)) return null
    const start = this.starts[k] as number
    const end = this.ends[k] as number
    // A backslash byte never occurs inside a multi-byte UTF-8 character: decode, then unescape.
    const raw = this.bytes.toString('utf8', start, end)
    for (let i = start; i < end; i++) if (this.bytes[i] === BACKSLASH) return unescapeCopyText(raw)
    return raw
  }

  isTrue(k: number): boolean {
    const start = this.starts[k] as number
    return (this.ends[k] as number) - start === 1 && this.bytes[start] === 116 // t
  }

  number(k: number): number {
    const { bytes } = this
    const end = this.ends[k] as number
    let i = this.starts[k] as number
    const negative = bytes[i] === MINUS
    if (negative) i++
    // Integers of up to 15 digits are exact; anything else (decimals, exponents, null) is parsed.
    if (i < end && end - i <= 15) {
      let value = 0
      for (; i < end; i++) {
        const digit = (bytes[i] as number) - ZERO
        if (digit < 0 || digit > 9) break
        value = value * 10 + digit
      }
      if (i === end) return negative ? -value : value
    }
    return this.isNull(k) ? Number.NaN : Number(this.text(k))
  }
}
