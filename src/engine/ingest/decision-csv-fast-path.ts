/**
 * The fast path for decision rows read from CSV: validates a record where it stands in the bytes
 * read (field offsets from CsvScanner) and appends its COPY text line byte by byte, with no
 * string, object or array per field.
 *
 * It takes only the common shape of a row, and then produces exactly the line the generic path
 * (`fastValidateDecision` + decision-ingester's COPY line) produces for it:
 * - a plain record (CsvFields.plain: no quotes, printable ASCII, no backslash), so that no value
 *   needs an escape in COPY text or in JSON, and its bytes are its characters;
 * - text fields without spaces at either end (trimming changes nothing), within the contract's
 *   lengths;
 * - `decided_at` as `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with a real date and time of day;
 * - `score` as 0, 1 or `0.` with up to 15 digits, `handle_time_ms` as up to 10 digits;
 * - `language` as `xx`, `xxx` or either with `-XX` or `-999`; `actor_type` human or machine;
 * - extra columns whose names are allowed attribute keys, values of at most 1,024 characters and
 *   at most 64 of them not empty.
 * Anything else returns FALLBACK and the row takes the generic path, whose zod contract then
 * accepts or rejects it with the usual messages. `decision-csv-fast-path.test.ts` checks, on
 * generated hostile rows, that every line the fast path writes is the one the generic path writes.
 */
import { DECISION_FIELDS } from '../../domain/records.js'
import type { CopyBuffer } from './copy-buffer.js'
import type { CsvFields } from './csv-record-parser.js'

/** `encode` could not take the row: nothing was written, the generic path decides. */
export const FALLBACK = -2

const DECISION_ID = 0
const CONTENT_ID = 1
const CONTENT_TYPE = 2
const DECIDED_AT = 3
const REGION = 4
const LANGUAGE = 5
const QUEUE = 6
const SITE = 7
const ACTOR_TYPE = 8
const ACTOR_ID = 9
const POLICY = 10
const ACTION = 11
const SCORE = 12
const HANDLE_TIME_MS = 13
const POLICY_VERSION = 14

const REQUIRED = [
  DECISION_ID,
  CONTENT_ID,
  DECIDED_AT,
  REGION,
  QUEUE,
  ACTOR_TYPE,
  ACTOR_ID,
  POLICY,
  ACTION,
]

const TAB = 9
const NEWLINE = 10
const SPACE = 32
const QUOTE = 34
const BACKSLASH = 92
const ZERO = 48
const NINE = 57
const DASH = 45
const DOT = 46
const COLON = 58
const COMMA = 44
const LETTER_T = 84
const LETTER_Z = 90
const LETTER_N = 78
const BRACE_OPEN = 123
const BRACE_CLOSE = 125

const INT4_MAX = 2_147_483_647
const MAX_ATTRIBUTES = 64
const MAX_ATTRIBUTE_LENGTH = 1024
const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const HUMAN = 'human'
const MACHINE = 'machine'

/** Roll-up key ranges in `ranges` (pairs of offsets), then the decision_id range at 14 and 15. */
export const KEY_RANGES = 16

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

/** Two decimal digits at `i`, or -1. */
function twoDigits(text: Buffer, i: number): number {
  const a = (text[i] as number) - ZERO
  const b = (text[i + 1] as number) - ZERO
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

export class DecisionCsvEncoder {
  /** The file column of each contract field, -1 when the header lacks it. */
  private readonly column = new Int32Array(DECISION_FIELDS.length).fill(-1)
  private readonly attributeColumns: number[] = []
  /** `"key":` of each attribute column, as bytes. */
  private readonly attributeKeys: Buffer[] = []
  private readonly attributeAllowed: boolean[] = []
  private readonly overhead: number
  private readonly columnCount: number
  /** False when a required field has no column: every row then takes the generic path. */
  readonly enabled: boolean

  constructor(header: readonly string[]) {
    const fields: readonly string[] = DECISION_FIELDS
    let keyBytes = 0
    header.forEach((name, columnIndex) => {
      const field = fields.indexOf(name)
      if (field >= 0) {
        this.column[field] = columnIndex
        return
      }
      const json = Buffer.from(`${JSON.stringify(name)}:`, 'utf8')
      this.attributeColumns.push(columnIndex)
      this.attributeKeys.push(json)
      this.attributeAllowed.push(!FORBIDDEN_KEYS.has(name) && ATTRIBUTE_KEY.test(name))
      keyBytes += json.length + 3
    })
    this.overhead = 128 + keyBytes
    this.columnCount = header.length
    this.enabled = REQUIRED.every((field) => (this.column[field] as number) >= 0)
  }

  /**
   * Validates the record and appends its COPY line to `out`. Returns its handle time (-1 when it
   * has none), with the roll-up key fields and the decision_id as offset pairs in `ranges`; or
   * FALLBACK, with nothing appended.
   */
  encode(text: Buffer, fields: CsvFields, out: CopyBuffer, ranges: Int32Array): number {
    // Only plain records (see CsvFields.plain): their bytes need no check one by one.
    if (!this.enabled || !fields.plain) return FALLBACK
    const starts = fields.starts
    const ends = fields.ends
    const column = this.column
    // A record is one stretch of text: what is written is at most its length plus the overhead.
    out.ensure((ends[this.columnCount - 1] as number) - (starts[0] as number) + this.overhead)
    const bytes = out.bytes
    let pos = out.length
    let c = 0
    let s = 0
    let e = 0

    // Required fields have a column (see `enabled`); optional ones may not.
    c = column[DECISION_ID] as number
    s = starts[c] as number
    e = ends[c] as number
    ranges[14] = s
    ranges[15] = e
    if ((pos = copyText(text, s, e, 128, bytes, pos)) < 0) return FALLBACK
    bytes[pos++] = TAB

    c = column[CONTENT_ID] as number
    if ((pos = copyText(text, starts[c] as number, ends[c] as number, 512, bytes, pos)) < 0)
      return FALLBACK
    bytes[pos++] = TAB

    if ((pos = this.copyOptional(text, fields, CONTENT_TYPE, 64, bytes, pos)) < 0) return FALLBACK
    bytes[pos++] = TAB

    c = column[DECIDED_AT] as number
    s = starts[c] as number
    ranges[0] = s
    ranges[1] = s + 10
    if ((pos = copyTimestamp(text, s, ends[c] as number, bytes, pos)) < 0) return FALLBACK
    bytes[pos++] = TAB

    c = column[REGION] as number
    s = starts[c] as number
    e = ends[c] as number
    ranges[2] = s
    ranges[3] = e
    if ((pos = copyText(text, s, e, 64, bytes, pos)) < 0) return FALLBACK
    bytes[pos++] = TAB

    c = column[LANGUAGE] as number
    if (c < 0 || starts[c] === ends[c]) {
      pos = copyNull(bytes, pos)
    } else if ((pos = copyLanguage(text, starts[c] as number, ends[c] as number, bytes, pos)) < 0) {
      return FALLBACK
    }
    bytes[pos++] = TAB

    c = column[QUEUE] as number
    s = starts[c] as number
    e = ends[c] as number
    ranges[4] = s
    ranges[5] = e
    if ((pos = copyText(text, s, e, 128, bytes, pos)) < 0) return FALLBACK
    bytes[pos++] = TAB

    c = column[SITE] as number
    s = c < 0 ? 0 : (starts[c] as number)
    e = c < 0 ? 0 : (ends[c] as number)
    ranges[6] = s
    ranges[7] = e
    if (s === e) pos = copyNull(bytes, pos)
    else if ((pos = copyText(text, s, e, 128, bytes, pos)) < 0) return FALLBACK
    bytes[pos++] = TAB

    c = column[ACTOR_TYPE] as number
    s = starts[c] as number
    e = ends[c] as number
    ranges[8] = s
    ranges[9] = e
    if (!matches(text, s, e, HUMAN) && !matches(text, s, e, MACHINE)) return FALLBACK
    pos = copyAscii(text, s, e, bytes, pos)
    bytes[pos++] = TAB

    c = column[ACTOR_ID] as number
    if ((pos = copyText(text, starts[c] as number, ends[c] as number, 256, bytes, pos)) < 0)
      return FALLBACK
    bytes[pos++] = TAB

    c = column[POLICY] as number
    s = starts[c] as number
    e = ends[c] as number
    ranges[10] = s
    ranges[11] = e
    if ((pos = copyText(text, s, e, 64, bytes, pos)) < 0) return FALLBACK
    bytes[pos++] = TAB

    c = column[ACTION] as number
    s = starts[c] as number
    e = ends[c] as number
    ranges[12] = s
    ranges[13] = e
    if ((pos = copyText(text, s, e, 64, bytes, pos)) < 0) return FALLBACK
    bytes[pos++] = TAB

    c = column[SCORE] as number
    if (c < 0 || starts[c] === ends[c]) {
      pos = copyNull(bytes, pos)
    } else if ((pos = copyScore(text, starts[c] as number, ends[c] as number, bytes, pos)) < 0) {
      return FALLBACK
    }
    bytes[pos++] = TAB

    let handleTime = -1
    c = column[HANDLE_TIME_MS] as number
    if (c < 0 || starts[c] === ends[c]) {
      pos = copyNull(bytes, pos)
    } else {
      handleTime = readHandleTime(text, starts[c] as number, ends[c] as number)
      if (handleTime < 0) return FALLBACK
      pos = copyInteger(handleTime, bytes, pos)
    }
    bytes[pos++] = TAB

    if ((pos = this.copyOptional(text, fields, POLICY_VERSION, 64, bytes, pos)) < 0) return FALLBACK

    bytes[pos++] = TAB
    bytes[pos++] = BRACE_OPEN
    let attributes = 0
    for (let a = 0; a < this.attributeColumns.length; a++) {
      const c = this.attributeColumns[a] as number
      const s = starts[c] as number
      const e = ends[c] as number
      if (s === e) continue
      if (!this.attributeAllowed[a] || e - s > MAX_ATTRIBUTE_LENGTH) return FALLBACK
      if (++attributes > MAX_ATTRIBUTES) return FALLBACK
      if (attributes > 1) bytes[pos++] = COMMA
      const key = this.attributeKeys[a] as Buffer
      bytes.set(key, pos)
      pos += key.length
      bytes[pos++] = QUOTE
      pos = copyAscii(text, s, e, bytes, pos)
      bytes[pos++] = QUOTE
    }
    bytes[pos++] = BRACE_CLOSE
    bytes[pos++] = NEWLINE
    out.length = pos
    return handleTime
  }

  /** An `optionalText(max)` field: NULL when absent or empty. */
  private copyOptional(
    text: Buffer,
    fields: CsvFields,
    field: number,
    max: number,
    bytes: Buffer,
    pos: number,
  ): number {
    const c = this.column[field] as number
    if (c < 0) return copyNull(bytes, pos)
    const s = fields.starts[c] as number
    const e = fields.ends[c] as number
    if (s === e) return copyNull(bytes, pos)
    return copyText(text, s, e, max, bytes, pos)
  }
}

function copyNull(bytes: Buffer, pos: number): number {
  bytes[pos] = BACKSLASH
  bytes[pos + 1] = LETTER_N
  return pos + 2
}

function copyAscii(text: Buffer, s: number, e: number, bytes: Buffer, pos: number): number {
  for (let i = s; i < e; i++) bytes[pos++] = text[i] as number
  return pos
}

/** A `text(max)` field of a plain record: 1..max bytes without a space at either end. */
function copyText(
  text: Buffer,
  s: number,
  e: number,
  max: number,
  bytes: Buffer,
  pos: number,
): number {
  const n = e - s
  if (n < 1 || n > max || text[s] === SPACE || text[e - 1] === SPACE) return -1
  for (let i = s; i < e; i++) bytes[pos++] = text[i] as number
  return pos
}

function matches(text: Buffer, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false
  for (let i = 0; i < word.length; i++)
    if ((text[s + i] as number) !== word.charCodeAt(i)) return false
  return true
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`, a real day of years 0001–9999 and a time of day up to
 * 23:59:59, written as normalizeTimestamp writes it: milliseconds always, digits below them up
 * to microseconds when given.
 */
function copyTimestamp(text: Buffer, s: number, e: number, bytes: Buffer, pos: number): number {
  const n = e - s
  if (n !== 20 && (n < 22 || n > 30)) return -1
  if ((text[e - 1] as number) !== LETTER_Z) return -1
  if (
    (text[s + 4] as number) !== DASH ||
    (text[s + 7] as number) !== DASH ||
    (text[s + 10] as number) !== LETTER_T ||
    (text[s + 13] as number) !== COLON ||
    (text[s + 16] as number) !== COLON
  )
    return -1
  const century = twoDigits(text, s)
  const yearInCentury = twoDigits(text, s + 2)
  const month = twoDigits(text, s + 5)
  const day = twoDigits(text, s + 8)
  const hour = twoDigits(text, s + 11)
  const minute = twoDigits(text, s + 14)
  const second = twoDigits(text, s + 17)
  if (century < 0 || yearInCentury < 0 || hour < 0 || minute < 0 || second < 0) return -1
  const year = century * 100 + yearInCentury
  if (year < 1 || month < 1 || month > 12 || day < 1) return -1
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return -1
  if (hour > 23 || minute > 59 || second > 59) return -1
  const digits = n === 20 ? 0 : n - 21
  if (digits > 0) {
    if ((text[s + 19] as number) !== DOT) return -1
    for (let i = s + 20; i < e - 1; i++) if (!isDigit(text[i] as number)) return -1
  }
  pos = copyAscii(text, s, s + 19, bytes, pos)
  bytes[pos++] = DOT
  const kept = Math.min(digits, 6)
  pos = copyAscii(text, s + 20, s + 20 + kept, bytes, pos)
  for (let i = kept; i < 3; i++) bytes[pos++] = ZERO
  bytes[pos++] = LETTER_Z
  return pos
}

/** `xx`, `xxx`, or either followed by `-XX` or `-999` (the common BCP-47 shapes). */
function copyLanguage(text: Buffer, s: number, e: number, bytes: Buffer, pos: number): number {
  let i = s
  while (i < e && isLetter(text[i] as number)) i++
  const primary = i - s
  if (primary < 2 || primary > 3) return -1
  if (i < e) {
    if ((text[i] as number) !== DASH) return -1
    const region = e - i - 1
    const a = text[i + 1] as number
    const b = text[i + 2] as number
    if (region === 2) {
      if (!isLetter(a) || !isLetter(b)) return -1
    } else if (region === 3) {
      if (!isDigit(a) || !isDigit(b) || !isDigit(text[i + 3] as number)) return -1
    } else {
      return -1
    }
  }
  return copyAscii(text, s, e, bytes, pos)
}

/**
 * `0`, `1`, `1.0…` or `0.` with 1–15 digits, at least 1e-6 unless zero: written as String(Number(…))
 * writes it (trailing zeros dropped; fifteen significant digits or fewer round-trip exactly).
 */
function copyScore(text: Buffer, s: number, e: number, bytes: Buffer, pos: number): number {
  const first = text[s] as number
  if (first !== ZERO && first !== ZERO + 1) return -1
  if (e - s === 1) {
    bytes[pos] = first
    return pos + 1
  }
  if ((text[s + 1] as number) !== DOT || e - s < 3 || e - s > 17) return -1
  let lastNonZero = -1
  let firstNonZero = -1
  for (let i = s + 2; i < e; i++) {
    const c = text[i] as number
    if (!isDigit(c)) return -1
    if (c !== ZERO) {
      lastNonZero = i
      if (firstNonZero < 0) firstNonZero = i
    }
  }
  if (lastNonZero < 0) {
    bytes[pos] = first
    return pos + 1
  }
  if (first !== ZERO || firstNonZero - (s + 2) > 5) return -1
  return copyAscii(text, s, lastNonZero + 1, bytes, pos)
}

/** Up to 10 digits, at most INT4_MAX; -1 otherwise. */
function readHandleTime(text: Buffer, s: number, e: number): number {
  if (e - s > 10) return -1
  let value = 0
  for (let i = s; i < e; i++) {
    const c = text[i] as number
    if (!isDigit(c)) return -1
    value = value * 10 + (c - ZERO)
  }
  return value <= INT4_MAX ? value : -1
}

function copyInteger(value: number, bytes: Buffer, pos: number): number {
  if (value === 0) {
    bytes[pos] = ZERO
    return pos + 1
  }
  let digits = 0
  for (let v = value; v > 0; v = Math.floor(v / 10)) digits++
  let at = pos + digits
  for (let v = value; v > 0; v = Math.floor(v / 10)) bytes[--at] = ZERO + (v % 10)
  return pos + digits
}
