/**
 * PostgreSQL COPY text format, built straight from validated values, plus the checks that make a
 * contract-valid value storable (the contract allows a few things PostgreSQL refuses: NUL
 * characters, integers beyond int4, calendar days V8 rolls over such as 2026-02-30).
 */
import type { FieldIssue } from '../../domain/errors.js'

export const COPY_NULL = '\\N'
const SPECIAL = /[\0\\\t\n\r]/

/** Escapes backslash, tab, newline and carriage return; `undefined` when the text holds NUL (unstorable). */
export function copyEscape(value: string): string | undefined {
  if (!SPECIAL.test(value)) return value
  if (value.includes('\0')) return undefined
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  )
}

/** A timestamp as PostgreSQL reads it unambiguously, and its UTC day (for roll-ups). */
export interface NormalizedTimestamp {
  text: string
  day: string
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const MIN_MS = -62_135_596_800_000 // 0001-01-01T00:00:00Z
const MAX_MS = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z

/**
 * Normalises a contract-valid timestamp to UTC text. The instant comes from Date.parse (as in the
 * contract), digits below the millisecond from the original text (Date keeps milliseconds only).
 * Returns a reason when the value is not storable.
 */
export function normalizeTimestamp(value: string): NormalizedTimestamp | string {
  const year = Number(value.slice(0, 4))
  const month = Number(value.slice(5, 7))
  const day = Number(value.slice(8, 10))
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const daysInMonth = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return 'is not a real date and time'
  const ms = Date.parse(value)
  if (!(ms >= MIN_MS && ms <= MAX_MS)) return 'must be between the years 0001 and 9999 (UTC)'
  const iso = new Date(ms).toISOString()
  let fraction = iso.slice(19, 23)
  if (value.length > 23 && value.charCodeAt(19) === 46 /* . */) {
    let end = 20
    while (
      end < value.length &&
      end < 26 &&
      value.charCodeAt(end) >= 48 &&
      value.charCodeAt(end) <= 57
    )
      end += 1
    if (end > 23) fraction = `.${value.slice(20, end)}`
  }
  return { text: `${iso.slice(0, 19)}${fraction}Z`, day: iso.slice(0, 10) }
}

export const INT4_MAX = 2_147_483_647

/** Escapes every text value of a row in place of the caller; collects an issue per unstorable field. */
export function escapeOrIssue(
  value: string | undefined,
  path: string,
  issues: FieldIssue[],
): string {
  if (value === undefined) return COPY_NULL
  const escaped = copyEscape(value)
  if (escaped === undefined) {
    issues.push({ path, message: 'must not contain NUL characters' })
    return ''
  }
  return escaped
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Attributes as jsonb COPY text; `undefined` when a value cannot be stored in jsonb. */
export function attributesCopyText(attributes: Record<string, string>): string | undefined {
  const json = JSON.stringify(attributes)
  if (json === '{}') return json
  // jsonb refuses \u0000 and lone surrogates; both only appear after a backslash escape.
  if (json.includes('\\u')) {
    for (const v of Object.values(attributes))
      if (v.includes('\0') || LONE_SURROGATE.test(v)) return undefined
  }
  return copyEscape(json)
}
