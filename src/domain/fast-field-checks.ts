/**
 * Field checks shared by the fast record validators. Each mirrors one zod building block of
 * `records.ts` exactly (same accept/reject, same output value); `undefined` from a check means
 * "not accepted here", and the caller then asks the zod schema for the issues.
 */
import type { Attributes } from './records.js'
import { isWellFormedText } from './unicode-text.js'

/** Returned by a check that rejects; distinct from `undefined`, which optional fields may accept. */
export const REJECT: unique symbol = Symbol('reject')
export type Checked<T> = T | typeof REJECT

const TIMESTAMP_PATTERN =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i
const LANGUAGE_PATTERN = /^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|\d{3}))?(-[a-zA-Z0-9]{5,8})*$/
const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/
const MAX_ATTRIBUTES = 64
const MAX_ATTRIBUTE_LENGTH = 1024

/** `text(max)`: a string, trimmed, 1..max characters, without unpaired surrogates. */
export function checkText(value: unknown, max: number): Checked<string> {
  if (typeof value !== 'string') return REJECT
  const trimmed = value.trim()
  return trimmed.length >= 1 && trimmed.length <= max && isWellFormedText(trimmed)
    ? trimmed
    : REJECT
}

/** `optionalText(max)`: '' and null count as absent. */
export function checkOptionalText(value: unknown, max: number): Checked<string | undefined> {
  if (value === undefined || value === '' || value === null) return undefined
  return checkText(value, max)
}

/** `timestampSchema`: trimmed, ISO-8601 with an offset, and parseable by Date.parse. */
export function checkTimestamp(value: unknown): Checked<string> {
  if (typeof value !== 'string') return REJECT
  const trimmed = value.trim()
  return TIMESTAMP_PATTERN.test(trimmed) && !Number.isNaN(Date.parse(trimmed)) ? trimmed : REJECT
}

export function checkOptionalTimestamp(value: unknown): Checked<string | undefined> {
  if (value === undefined || value === '' || value === null) return undefined
  return checkTimestamp(value)
}

export function checkOptionalLanguage(value: unknown): Checked<string | undefined> {
  if (value === undefined || value === '' || value === null) return undefined
  if (typeof value !== 'string') return REJECT
  const trimmed = value.trim()
  return LANGUAGE_PATTERN.test(trimmed) ? trimmed : REJECT
}

/**
 * `optionalNumeric(z.number()…)`: '' and null are absent, strings go through Number() (so ' '
 * becomes 0, as in the schema), anything else must already be a finite number in range.
 */
export function checkOptionalNumber(
  value: unknown,
  min: number,
  max: number,
  options: { exclusiveMin?: boolean; integer?: boolean } = {},
): Checked<number | undefined> {
  if (value === undefined || value === '' || value === null) return undefined
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) return REJECT
  if (options.integer === true && !Number.isSafeInteger(n)) return REJECT
  if (options.exclusiveMin === true ? !(n > min) : !(n >= min)) return REJECT
  return n <= max ? n : REJECT
}

/** z.enum preceded by the ''/null → undefined preprocess; exact match, no trimming. */
export function checkOptionalEnum<T extends string>(
  value: unknown,
  allowed: readonly T[],
): Checked<T | undefined> {
  if (value === undefined || value === '' || value === null) return undefined
  return allowed.includes(value as T) ? (value as T) : REJECT
}

/**
 * An extra column's value as text: a string as it is, anything else as JSON (which escapes an
 * unpaired surrogate as `\udxxx`, so only a string value can hold one); undefined when it is
 * nested too deeply to write (JSON.stringify overflows the stack), which is far over
 * MAX_ATTRIBUTE_LENGTH anyway.
 */
export function attributeText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

/**
 * Splits the fields that are not part of the contract into string attributes, under the rules
 * of `parseRecord`; REJECT when any extra column is not allowed.
 */
export function collectAttributes(
  raw: Record<string, unknown>,
  keys: readonly string[],
  fields: ReadonlySet<string>,
): Checked<Attributes> {
  const attributes: Attributes = {}
  let count = 0
  for (const key of keys) {
    if (fields.has(key)) continue
    const value = raw[key]
    if (value === undefined || value === null || value === '') continue
    if (
      key === '__proto__' ||
      key === 'constructor' ||
      key === 'prototype' ||
      !ATTRIBUTE_KEY.test(key)
    )
      return REJECT
    const asText = attributeText(value)
    if (
      asText === undefined ||
      asText.length > MAX_ATTRIBUTE_LENGTH ||
      (typeof value === 'string' && !isWellFormedText(value))
    )
      return REJECT
    count += 1
    attributes[key] = asText
  }
  return count > MAX_ATTRIBUTES ? REJECT : attributes
}

export function isPlainRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw)
}
