/**
 * Validates one incoming record (a CSV row or a JSON object) against the data contract.
 * Known fields go through the record's schema; every other field is kept as a string attribute.
 */
import type { z } from 'zod'
import type { FieldIssue } from './errors.js'
import { attributeText } from './fast-field-checks.js'
import { clipInput, quoteInput } from './quote-input.js'
import { isWellFormedText, LONE_SURROGATE_MESSAGE } from './unicode-text.js'
import {
  AUDIT_FIELDS,
  DECISION_FIELDS,
  RATING_FIELDS,
  auditSchema,
  decisionSchema,
  ratingSchema,
  type AuditRecord,
  type Attributes,
  type DecisionRecord,
  type RatingRecord,
  type RecordKind,
} from './records.js'

export type ParseResult<T> = { ok: true; record: T } | { ok: false; issues: FieldIssue[] }

const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const MAX_ATTRIBUTES = 64
const MAX_ATTRIBUTE_LENGTH = 1024

interface Spec {
  schema: z.ZodType
  fields: ReadonlySet<string>
  keepsAttributes: boolean
}

const SPECS: Record<RecordKind, Spec> = {
  decisions: { schema: decisionSchema, fields: new Set(DECISION_FIELDS), keepsAttributes: true },
  audits: { schema: auditSchema, fields: new Set(AUDIT_FIELDS), keepsAttributes: true },
  ratings: { schema: ratingSchema, fields: new Set(RATING_FIELDS), keepsAttributes: false },
}

/** Splits a raw object into contract fields and string attributes; never throws. */
export function parseRecord(kind: 'decisions', raw: unknown): ParseResult<DecisionRecord>
export function parseRecord(kind: 'audits', raw: unknown): ParseResult<AuditRecord>
export function parseRecord(kind: 'ratings', raw: unknown): ParseResult<RatingRecord>
export function parseRecord(
  kind: RecordKind,
  raw: unknown,
): ParseResult<DecisionRecord | AuditRecord | RatingRecord>
export function parseRecord(
  kind: RecordKind,
  raw: unknown,
): ParseResult<DecisionRecord | AuditRecord | RatingRecord> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      issues: [{ path: '', message: 'must be an object with the record fields' }],
    }
  }
  const spec = SPECS[kind]
  const known: Record<string, unknown> = {}
  const attributes: Attributes = {}
  const issues: FieldIssue[] = []
  let attributeCount = 0
  for (const key of Object.keys(raw)) {
    const value = (raw as Record<string, unknown>)[key]
    if (spec.fields.has(key)) {
      known[key] = value
      continue
    }
    if (!spec.keepsAttributes || value === undefined || value === null || value === '') continue
    if (FORBIDDEN_KEYS.has(key) || !ATTRIBUTE_KEY.test(key)) {
      issues.push({
        path: clipInput(key),
        message: 'is not an allowed column name (letters, digits, _ . -; up to 64)',
      })
      continue
    }
    const asText = attributeText(value)
    if (asText === undefined || asText.length > MAX_ATTRIBUTE_LENGTH) {
      issues.push({ path: key, message: `must be at most ${MAX_ATTRIBUTE_LENGTH} characters` })
      continue
    }
    if (typeof value === 'string' && !isWellFormedText(value)) {
      issues.push({ path: key, message: `${LONE_SURROGATE_MESSAGE} (got ${quoteInput(value)})` })
      continue
    }
    attributeCount += 1
    attributes[key] = asText
  }
  if (attributeCount > MAX_ATTRIBUTES) {
    issues.push({ path: '', message: `has more than ${MAX_ATTRIBUTES} extra columns` })
  }
  const parsed = spec.schema.safeParse(known)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.')
      const received = known[path]
      const message =
        received === undefined || received === ''
          ? 'is required'
          : `${issue.message} (got ${quoteInput(received)})`
      issues.push({ path, message })
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues }
  const record = parsed.data as Record<string, unknown>
  if (spec.keepsAttributes) record.attributes = attributes
  return { ok: true, record: record as unknown as DecisionRecord | AuditRecord | RatingRecord }
}
