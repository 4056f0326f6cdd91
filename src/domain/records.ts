/**
 * The data contract (PRODUCT.md): Decision, Audit and calibration Rating records as they arrive
 * from a file, the API or a stream. One zod schema per record gives the type and the validator.
 * Unknown fields are kept as string `attributes`.
 */
import { z } from 'zod'
import { isWellFormedText, LONE_SURROGATE_MESSAGE } from './unicode-text.js'

/** ISO-8601 date-time with an explicit offset (`Z` or `±hh:mm`), e.g. 2026-03-01T12:00:00Z. */
const TIMESTAMP_PATTERN =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i

/** BCP-47 language tag, the common shape (`en`, `pt-BR`, `zh-Hant-TW`, `es-419`). */
const LANGUAGE_PATTERN = /^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|\d{3}))?(-[a-zA-Z0-9]{5,8})*$/

const text = (max = 256) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(isWellFormedText, LONE_SURROGATE_MESSAGE)

const optionalText = (max = 256) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), text(max).optional())

export const timestampSchema = z
  .string()
  .trim()
  .regex(TIMESTAMP_PATTERN, {
    message: 'must be an ISO-8601 timestamp with an offset, e.g. 2026-03-01T12:00:00Z',
    abort: true,
  })
  .refine((v) => !Number.isNaN(Date.parse(v)), 'is not a real date and time')

const optionalTimestamp = z.preprocess(
  (v) => (v === '' || v === null ? undefined : v),
  timestampSchema.optional(),
)

/** Numbers arrive as strings from CSV and as numbers from JSON; accept both, reject anything else. */
const numeric = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
  z.number({ error: 'must be a number' }).finite('must be a finite number'),
)

const optionalNumeric = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (v === '' || v === null ? undefined : typeof v === 'string' ? Number(v) : v),
    schema.optional(),
  )

export const ACTOR_TYPES = ['human', 'machine'] as const
export const SEVERITIES = ['critical', 'major', 'minor'] as const
export const AUDIT_KINDS = ['qa', 'second_qa', 'arbitration', 'appeal'] as const

export const DECISION_FIELDS = [
  'decision_id',
  'content_id',
  'content_type',
  'decided_at',
  'region',
  'language',
  'queue',
  'site',
  'actor_type',
  'actor_id',
  'policy',
  'action',
  'score',
  'handle_time_ms',
  'policy_version',
] as const

export const AUDIT_FIELDS = [
  'audit_id',
  'decision_id',
  'auditor_id',
  'audited_at',
  'policy',
  'action',
  'severity',
  'root_cause',
  'kind',
  'inclusion_probability',
  'comment',
] as const

export const RATING_FIELDS = ['session_id', 'item_id', 'rater_id', 'label', 'rated_at'] as const

export const decisionSchema = z.object({
  decision_id: text(128),
  content_id: text(512),
  content_type: optionalText(64),
  decided_at: timestampSchema,
  region: text(64),
  language: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z
      .string()
      .trim()
      .regex(LANGUAGE_PATTERN, 'must be a BCP-47 language tag such as en or pt-BR')
      .optional(),
  ),
  queue: text(128),
  site: optionalText(128),
  actor_type: z.enum(ACTOR_TYPES, { error: 'must be human or machine' }),
  actor_id: text(256),
  policy: text(64),
  action: text(64),
  score: optionalNumeric(
    z.number({ error: 'must be a number' }).min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]'),
  ),
  handle_time_ms: optionalNumeric(
    z.number({ error: 'must be an integer' }).int('must be an integer').min(0, 'must be ≥ 0'),
  ),
  policy_version: optionalText(64),
})

export const auditSchema = z.object({
  audit_id: text(128),
  decision_id: text(128),
  auditor_id: text(256),
  audited_at: timestampSchema,
  policy: text(64),
  action: text(64),
  severity: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.enum(SEVERITIES, { error: 'must be critical, major or minor' }).optional(),
  ),
  root_cause: optionalText(64),
  kind: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.enum(AUDIT_KINDS, { error: 'must be qa, second_qa, arbitration or appeal' }).default('qa'),
  ),
  inclusion_probability: optionalNumeric(
    z.number({ error: 'must be a number' }).gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]'),
  ),
  comment: optionalText(10_000),
})

export const ratingSchema = z.object({
  session_id: text(128),
  item_id: text(256),
  rater_id: text(256),
  label: text(128),
  rated_at: optionalTimestamp,
})

export type DecisionFields = z.infer<typeof decisionSchema>
export type AuditFields = z.infer<typeof auditSchema>
export type RatingFields = z.infer<typeof ratingSchema>

export type Attributes = Record<string, string>
export type DecisionRecord = DecisionFields & { attributes: Attributes }
export type AuditRecord = AuditFields & { attributes: Attributes }
export type RatingRecord = RatingFields

export type RecordKind = 'decisions' | 'audits' | 'ratings'

export { numeric as numericSchema }
