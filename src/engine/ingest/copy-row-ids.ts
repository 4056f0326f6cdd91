/**
 * The decision ids of a chunk, read where they stand: the first field of each COPY line in the
 * chunk's buffer. Finds a repeated id without a string per row (a hash of the bytes and a
 * comparison); COPY escaping is one to one, so equal bytes mean equal ids. The id strings are
 * decoded only when needed (the slow path, which matches the ids PostgreSQL inserted).
 */
import type { CopyBuffer } from './copy-buffer.js'

const TAB = 9
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193
const UNESCAPE: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' }

export class CopyRowIds {
  /** Open addressing: row + 1, 0 when free. */
  private slots = new Int32Array(1 << 12)
  private hashes = new Int32Array(1 << 11)
  /** Where each row's line starts in the buffer. */
  private lineStarts = new Int32Array(1 << 11)
  private rows = 0

  constructor(private readonly copy: CopyBuffer) {}

  get size(): number {
    return this.rows
  }

  /**
   * Takes the line starting at `lineStart` (the last one written) as the next row; false, and
   * nothing taken, when an earlier row has the same id.
   */
  add(lineStart: number): boolean {
    const bytes = this.copy.bytes
    const end = bytes.indexOf(TAB, lineStart)
    let h = FNV_OFFSET
    for (let i = lineStart; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME)
    const mask = this.slots.length - 1
    let slot = h & mask
    for (let entry = this.slots[slot] as number; entry !== 0; entry = this.slots[slot] as number) {
      const row = entry - 1
      if (this.hashes[row] === h && this.sameId(row, lineStart, end)) return false
      slot = (slot + 1) & mask
    }
    const row = this.rows
    if (row >= this.hashes.length) this.grow()
    this.hashes[row] = h
    this.lineStarts[row] = lineStart
    this.slots[slot] = row + 1
    this.rows = row + 1
    if (this.rows * 2 > this.slots.length) this.rehash()
    return true
  }

  /** Where row `row`'s line starts. */
  lineStart(row: number): number {
    return this.lineStarts[row] as number
  }

  /** The id of row `row`. */
  idOf(row: number): string {
    const bytes = this.copy.bytes
    const start = this.lineStarts[row] as number
    const end = bytes.indexOf(TAB, start)
    const text = bytes.toString('utf8', start, end)
    return text.includes('\\') ? text.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c) : text
  }

  private sameId(row: number, start: number, end: number): boolean {
    const bytes = this.copy.bytes
    const other = this.lineStarts[row] as number
    const n = end - start
    if (bytes[other + n] !== TAB) return false
    for (let i = 0; i < n; i++) if (bytes[other + i] !== bytes[start + i]) return false
    return true
  }

  private grow(): void {
    const size = this.hashes.length * 2
    const hashes = new Int32Array(size)
    hashes.set(this.hashes)
    this.hashes = hashes
    const lineStarts = new Int32Array(size)
    lineStarts.set(this.lineStarts)
    this.lineStarts = lineStarts
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let row = 0; row < this.rows; row++) {
      let slot = (this.hashes[row] as number) & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = row + 1
    }
    this.slots = slots
  }
}
