/**
 * A growable byte buffer that COPY text is written into, one row after another, instead of a JS
 * string per row: the fast path copies validated ASCII characters straight from the input text,
 * and a row can be taken back (`length = mark`) when it turns out to be a duplicate.
 */
export class CopyBuffer {
  bytes: Buffer
  length = 0

  constructor(capacity = 1 << 20) {
    this.bytes = Buffer.allocUnsafe(capacity)
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const needed = this.length + extra
    if (needed <= this.bytes.length) return
    let capacity = this.bytes.length * 2
    while (capacity < needed) capacity *= 2
    const bytes = Buffer.allocUnsafe(capacity)
    this.bytes.copy(bytes, 0, 0, this.length)
    this.bytes = bytes
  }

  /** Appends a string as UTF-8. */
  write(value: string): void {
    this.ensure(value.length * 3)
    this.length += this.bytes.write(value, this.length, 'utf8')
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Buffer {
    return this.bytes.subarray(0, this.length)
  }

  clear(): void {
    this.length = 0
  }
}
