/**
 * A streaming CSV parser (RFC 4180: comma, double quotes, "" escapes, \n or \r\n line ends) over
 * UTF-8 bytes.
 *
 * `CsvScanner` finds the records and hands each to a sink as field offsets into the bytes it is
 * reading (no string or object per field), so that the decision fast path can validate and encode
 * a row where it stands. Bytes, not a decoded string: a typed array is read several times faster
 * than a string char by char, and rows the fast path takes are never decoded at all. Delimiters
 * are ASCII and no byte of a multi-byte UTF-8 character is, so the records and fields found are
 * the ones a scan of the decoded text finds, and a field decoded on its own is the same text.
 * `CsvRecordParser` builds on it: one object per record keyed by the header, as csv-parse does
 * with `columns: true, bom: true`.
 *
 * Why not csv-parse: on the reference machine csv-parse reads ~115k rows/s with `columns: true`
 * (161k/s as arrays) before any validation, below the ~200k rows/s ingest target. This parser
 * is a single charCode loop with no intermediate arrays. `csv-record-parser.test.ts` checks it
 * against csv-parse on generated tables split at random chunk boundaries.
 *
 * Differences, on purpose: a malformed record (bad quoting, wrong field count) becomes a
 * MalformedRow and parsing resumes on the next line, so one bad row never loses the rest of the
 * file; empty lines are skipped.
 */
import { isUtf8 } from 'node:buffer'
import { ValidationError } from '../../domain/errors.js'
import { MalformedRow, type IncomingRow } from './incoming-row.js'

const COMMA = 44
const QUOTE = 34
const LF = 10
const CR = 13
const SPACE = 32
const TILDE = 126
const BACKSLASH = 92
/** A record longer than this is refused (an unclosed quote would otherwise buffer the whole file). */
const MAX_RECORD_BYTES = 16 * 1024 * 1024

type FieldEnd = 'next' | 'record' | 'incomplete' | 'error'

/**
 * Where the fields of the current record are: field i is the UTF-8 text of
 * `bytes.subarray(starts[i], ends[i])`, with every `""` turned into `"` when `escaped[i]` is 1.
 * Valid only during the sink call.
 */
export class CsvFields {
  starts = new Int32Array(64)
  ends = new Int32Array(64)
  escaped = new Uint8Array(64)
  /**
   * True when the record has no quotes and every byte of it is printable ASCII (space to ~) other
   * than a backslash: its fields can be copied as they are, in COPY text as in JSON strings.
   */
  plain = false

  /** The value of field i as a string. */
  value(bytes: Buffer, i: number): string {
    const value = bytes.toString('utf8', this.starts[i], this.ends[i])
    return this.escaped[i] === 1 ? value.replaceAll('""', '"') : value
  }

  grow(): void {
    const size = this.starts.length * 2
    const starts = new Int32Array(size)
    const ends = new Int32Array(size)
    const escaped = new Uint8Array(size)
    starts.set(this.starts)
    ends.set(this.ends)
    escaped.set(this.escaped)
    this.starts = starts
    this.ends = ends
    this.escaped = escaped
  }
}

/** What the scanner reports. Offsets in `fields` refer to `bytes` and are valid during the call only. */
export interface CsvSink {
  /** A record with as many fields as the header (1-based line of its first character). */
  record(bytes: Buffer, line: number, fields: CsvFields): void
  /** A record that could not be read, or whose field count differs from the header's. */
  malformed(line: number, message: string): void
}

export class CsvScanner {
  private columns: string[] | undefined
  private rest: Buffer = EMPTY
  private line = 1
  private atStart = true
  private fieldError = ''
  private fieldNewlines = 0
  private fieldStart = 0
  private fieldStop = 0
  private fieldEscaped = 0
  /** Where the last field read ends (after its delimiter); a field instead of a result object per call. */
  private fieldEnd = 0
  private readonly fields = new CsvFields()
  private pausing = false
  private pausedBytes: Buffer = EMPTY
  private pausedAt = 0
  private pausedFinal = false
  /** True when the sink paused the scan: the rest of the text waits for `resume()`. */
  paused = false

  constructor(
    private readonly source: string,
    private readonly sink: CsvSink,
    private readonly onHeader?: (names: readonly string[]) => void,
  ) {}

  /** The header's column names, once read. */
  get header(): readonly string[] | undefined {
    return this.columns
  }

  /**
   * Stops the scan after the record being handed to the sink (call it from the sink); `push`
   * returns with `paused` set and `resume()` carries on.
   */
  pause(): void {
    this.pausing = true
  }

  /** Scans on after a pause. */
  resume(): void {
    const bytes = this.pausedBytes
    this.pausedBytes = EMPTY
    this.scan(bytes, this.pausedAt, this.pausedFinal)
  }

  /** Scans every complete record in the bytes so far; `final` ends the input. */
  push(chunk: Buffer, final: boolean): void {
    const bytes = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk])
    let pos = 0
    if (this.atStart) {
      // The byte order mark, whole (EF BB BF), or wait for more bytes.
      if (bytes.length < 3 && !final && isBomPrefix(bytes)) {
        this.rest = bytes
        return
      }
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) pos = 3
      this.atStart = false
    }
    this.scan(bytes, pos, final)
  }

  private scan(text: Buffer, from: number, final: boolean): void {
    this.paused = false
    const n = text.length
    const fields = this.fields
    let pos = from
    /** The next quote at or after pos (past the end when none). */
    let quoteAt = -1
    while (pos < n) {
      const c = text[pos] as number
      if (c === LF || (c === CR && text[pos + 1] === LF)) {
        pos += c === LF ? 1 : 2
        this.line += 1
        continue
      }
      if (c === CR && pos + 1 >= n && !final) break
      const start = pos
      let count = 0
      let newlines = 0
      let end: FieldEnd = 'record'
      if (quoteAt < pos) {
        quoteAt = text.indexOf(QUOTE, pos)
        if (quoteAt < 0) quoteAt = n + 1
      }
      let lineEnd = text.indexOf(LF, pos)
      if (lineEnd < 0 && final) lineEnd = n
      if (lineEnd >= 0 && quoteAt > lineEnd) {
        // The common record: whole in the bytes and without quotes, so fields end at commas.
        // A CR before the LF ends the line (the last field, when it is one byte, ends empty).
        const recordEnd = text[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd
        let p = pos
        let plain = true
        for (;;) {
          let q = p
          for (; q < recordEnd; q++) {
            const b = text[q] as number
            if (b === COMMA) break
            if (b < SPACE || b > TILDE || b === BACKSLASH) plain = false
          }
          if (count >= fields.starts.length) fields.grow()
          fields.starts[count] = p
          fields.escaped[count] = 0
          fields.ends[count++] = q
          if (q >= recordEnd) break
          p = q + 1
        }
        fields.plain = plain
        pos = lineEnd + 1
      } else {
        fields.plain = false
        for (;;) {
          end = this.readField(text, pos, final)
          if (end === 'incomplete' || end === 'error') break
          newlines += this.fieldNewlines
          if (count >= fields.starts.length) fields.grow()
          fields.starts[count] = this.fieldStart
          fields.ends[count] = this.fieldStop
          fields.escaped[count] = this.fieldEscaped
          count += 1
          pos = this.fieldEnd
          if (end === 'record') break
        }
      }
      if (end === 'incomplete') {
        if (n - start > MAX_RECORD_BYTES) {
          this.fieldError = `is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB (an unclosed quote?)`
          end = 'error'
        } else {
          pos = start
          break
        }
      }
      if (end === 'error') {
        const lineEnd = text.indexOf(LF, pos)
        if (lineEnd < 0 && !final && n - start <= MAX_RECORD_BYTES) {
          pos = start
          break
        }
        pos = lineEnd < 0 ? n : lineEnd + 1
        this.sink.malformed(this.line, this.fieldError)
        this.line += countNewlines(text, start, pos) + (lineEnd < 0 ? 1 : 0)
        continue
      }
      const line = this.line
      this.line += 1 + newlines
      const columns = this.columns
      if (columns === undefined) {
        const names: string[] = []
        for (let i = 0; i < count; i++) names.push(fields.value(text, i))
        this.setHeader(names)
      } else if (count !== columns.length) {
        this.sink.malformed(line, `has ${count} fields but the header has ${columns.length}`)
      } else {
        this.sink.record(text, line, fields)
      }
      if (this.pausing) {
        this.pausing = false
        if (pos < n) {
          this.paused = true
          this.pausedBytes = text
          this.pausedAt = pos
          this.pausedFinal = final
          this.rest = EMPTY
          return
        }
      }
    }
    // A copy: a view would keep the whole chunk alive.
    this.rest = pos < n ? Buffer.from(text.subarray(pos)) : EMPTY
  }

  private setHeader(names: string[]): void {
    const seen = new Set<string>()
    for (const name of names) {
      if (seen.has(name))
        throw new ValidationError(`${this.source}: the header names the column "${name}" twice`)
      seen.add(name)
    }
    this.columns = names
    this.onHeader?.(names)
  }

  private ended(end: FieldEnd, pos: number): FieldEnd {
    this.fieldEnd = pos
    return end
  }

  /** Reads one field at `pos` (its bounds into fieldStart/fieldStop); `fieldEnd` is after its delimiter. */
  private readField(text: Buffer, pos: number, final: boolean): FieldEnd {
    const n = text.length
    this.fieldNewlines = 0
    this.fieldEscaped = 0
    if (text[pos] === QUOTE) {
      const from = pos + 1
      let q = from
      for (;;) {
        q = text.indexOf(QUOTE, q)
        if (q < 0) {
          if (!final) return this.ended('incomplete', pos)
          this.fieldError = 'has a quoted field that is never closed'
          return this.ended('error', pos)
        }
        if (q + 1 >= n && !final) return this.ended('incomplete', pos)
        if (text[q + 1] === QUOTE) {
          this.fieldEscaped = 1
          q += 2
          continue
        }
        break
      }
      this.fieldStart = from
      this.fieldStop = q
      const newline = text.indexOf(LF, from)
      if (newline >= 0 && newline < q) this.fieldNewlines = countNewlines(text, from, q)
      pos = q + 1
      if (pos >= n) return final ? this.ended('record', pos) : this.ended('incomplete', pos)
      const c = text[pos]
      if (c === COMMA) return this.ended('next', pos + 1)
      if (c === LF) return this.ended('record', pos + 1)
      if (c === CR) {
        if (pos + 1 >= n)
          return final ? this.ended('record', pos + 1) : this.ended('incomplete', pos)
        if (text[pos + 1] === LF) return this.ended('record', pos + 2)
      }
      this.fieldError =
        'has a character after a closing quote (quote a field whole, and double quotes inside it)'
      return this.ended('error', pos)
    }
    let p = pos
    let c = 0
    let quoted = false
    for (; p < n; p++) {
      c = text[p] as number
      if (c === COMMA || c === LF) break
      if (c === QUOTE) quoted = true
    }
    if (p >= n && !final) return this.ended('incomplete', pos)
    if (quoted) {
      this.fieldError =
        'has a quote inside an unquoted field (quote the field whole and double the quote)'
      return this.ended('error', pos)
    }
    let valueEnd = p
    if ((p >= n || c === LF) && valueEnd > pos && text[valueEnd - 1] === CR) valueEnd -= 1
    this.fieldStart = pos
    this.fieldStop = valueEnd
    if (p >= n) return this.ended('record', p)
    return c === COMMA ? this.ended('next', p + 1) : this.ended('record', p + 1)
  }
}

/** The record of a scanned CSV row as an object keyed by the header, as csv-parse makes it. */
export function csvRecordObject(
  columns: readonly string[],
  bytes: Buffer,
  fields: CsvFields,
): Record<string, string> | MalformedRow {
  // A plain record is printable ASCII; any other field must be UTF-8, not decoded into U+FFFD.
  if (!fields.plain) {
    const invalid = columns.findIndex(
      (_, i) => !isUtf8(bytes.subarray(fields.starts[i], fields.ends[i])),
    )
    if (invalid >= 0)
      return new MalformedRow([
        {
          path: columns[invalid] as string,
          message: 'holds bytes that are not valid UTF-8 (save the file as UTF-8)',
        },
      ])
  }
  const record: Record<string, string> = {}
  for (let i = 0; i < columns.length; i++) record[columns[i] as string] = fields.value(bytes, i)
  return record
}

/** Parses CSV text into one IncomingRow per record (MalformedRow for records that cannot be read). */
export class CsvRecordParser {
  private out: IncomingRow[] = []
  private readonly scanner: CsvScanner

  constructor(private readonly source: string) {
    this.scanner = new CsvScanner(source, {
      record: (bytes, line, fields) => {
        const columns = this.scanner.header as readonly string[]
        this.out.push({ source: this.source, line, raw: csvRecordObject(columns, bytes, fields) })
      },
      malformed: (line, message) => {
        this.out.push({
          source: this.source,
          line,
          raw: new MalformedRow([{ path: '', message }]),
        })
      },
    })
  }

  /** Parses every complete record so far into `out`; `final` ends the input. */
  push(chunk: Buffer | string, final: boolean, out: IncomingRow[]): void {
    this.out = out
    this.scanner.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, final)
  }

  /** The header's column names, once read. */
  get header(): readonly string[] | undefined {
    return this.scanner.header
  }
}

const EMPTY = Buffer.alloc(0)

function isBomPrefix(bytes: Buffer): boolean {
  return (
    (bytes.length < 1 || bytes[0] === 0xef) &&
    (bytes.length < 2 || bytes[1] === 0xbb) &&
    (bytes.length < 3 || bytes[2] === 0xbf)
  )
}

function countNewlines(bytes: Buffer, from: number, to: number): number {
  let count = 0
  for (let i = bytes.indexOf(LF, from); i >= 0 && i < to; i = bytes.indexOf(LF, i + 1)) count += 1
  return count
}
