/**
 * The declarative filter language of metric definitions: an object whose keys are fields of a
 * final verdict (bare names) or of the audited decision (`decision.` prefix), every condition
 * ANDed. A condition is a value (equality), a list (any of), or `{ not: value | list }`.
 * `null` matches a missing value. Compiled to parameterised SQL in src/store/metrics-store.ts.
 *
 * @example { outcome: [false_positive], decision.action_enforces: true }
 */
import { z } from 'zod'
import { clipInput } from '../quote-input.js'

export type FilterScalar = string | boolean | null
export type FilterCondition = FilterScalar | FilterScalar[] | { not: FilterScalar | FilterScalar[] }
export type Filter = Record<string, FilterCondition>

/** Fields of the final verdict (what the audit concluded) and how they are typed. */
export const VERDICT_FIELDS = {
  outcome: 'text',
  severity: 'text',
  root_cause: 'text',
  kind: 'text',
  policy: 'text',
  action: 'text',
  auditor_id: 'text',
  disputed: 'boolean',
  overturned: 'boolean',
  second_qa_agrees: 'boolean',
  /** The auditor's verdict enforces: a violating policy with an enforcing action. */
  truth_enforces: 'boolean',
  /** The decision's policy equals the auditor's policy. */
  policy_matches: 'boolean',
} as const

/** Fields of the audited decision, written `decision.<field>` in filters. */
export const DECISION_FIELDS = {
  region: 'text',
  queue: 'text',
  site: 'text',
  language: 'text',
  content_type: 'text',
  actor_type: 'text',
  actor_id: 'text',
  policy: 'text',
  action: 'text',
  policy_version: 'text',
  /** The decision's action enforces (taxonomy `actions[].enforces`). */
  action_enforces: 'boolean',
} as const

export type FieldType = 'text' | 'boolean'

export const ATTRIBUTE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,63}$/

/** Resolves a filter key to its type, or undefined when the key is not a known field. */
export function filterFieldType(key: string): FieldType | undefined {
  if (key.startsWith('decision.attributes.')) {
    return ATTRIBUTE_KEY.test(key.slice('decision.attributes.'.length)) ? 'text' : undefined
  }
  if (key.startsWith('decision.'))
    return (DECISION_FIELDS as Record<string, FieldType>)[key.slice('decision.'.length)]
  return (VERDICT_FIELDS as Record<string, FieldType>)[key]
}

const scalar = z.union([z.string().max(200), z.boolean(), z.null()])
const condition = z.union([
  scalar,
  z.array(scalar).min(1).max(200),
  z.strictObject({ not: z.union([scalar, z.array(scalar).min(1).max(200)]) }),
])

export const filterSchema = z.record(z.string(), condition).superRefine((filter, ctx) => {
  for (const [key, value] of Object.entries(filter)) {
    const type = filterFieldType(key)
    if (type === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `unknown field ${clipInput(key)}; use an outcome/verdict field or decision.<field>`,
      })
      continue
    }
    const values = conditionValues(value as FilterCondition)
    for (const v of values) {
      if (v !== null && typeof v !== (type === 'boolean' ? 'boolean' : 'string')) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} takes ${type === 'boolean' ? 'true or false' : 'text'} values`,
        })
      }
    }
  }
}) as z.ZodType<Filter>

/** The listed values of a condition, whether it is a value, a list or a negation. */
export function conditionValues(condition: FilterCondition): FilterScalar[] {
  const inner =
    typeof condition === 'object' && condition !== null && !Array.isArray(condition)
      ? condition.not
      : condition
  return Array.isArray(inner) ? inner : [inner]
}

export function isNegated(
  condition: FilterCondition,
): condition is { not: FilterScalar | FilterScalar[] } {
  return typeof condition === 'object' && condition !== null && !Array.isArray(condition)
}

/**
 * Evaluates a filter on one row in JS, with the same semantics as the SQL compilation (null
 * never equals a listed value unless null is listed; `not` keeps nulls unless null is listed).
 * Used for small in-memory checks and as the documented reference semantics.
 */
export function matchesFilter(
  filter: Filter,
  row: (key: string) => string | boolean | null,
): boolean {
  for (const [key, condition] of Object.entries(filter)) {
    const value = row(key)
    const listed = conditionValues(condition).includes(value)
    if (isNegated(condition) ? listed : !listed) return false
  }
  return true
}
