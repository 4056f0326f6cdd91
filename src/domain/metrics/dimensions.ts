/**
 * The dimensions a metric can be sliced by: decision fields, `attributes.<key>`, the auditor, the
 * auditor's policy (`verdict.policy`) and time buckets. Anything else is refused, so a group-by
 * name never reaches SQL unless it is on this list (attribute keys travel as parameters).
 */
import { ValidationError } from '../errors.js'
import { ATTRIBUTE_KEY } from './filter.js'
import { clipInputs } from '../quote-input.js'

export const DECISION_DIMENSIONS = [
  'region',
  'queue',
  'site',
  'language',
  'content_type',
  'actor_type',
  'actor_id',
  'policy',
  'action',
  'policy_version',
] as const
export const TIME_DIMENSIONS = ['day', 'week', 'month'] as const
export const VERDICT_DIMENSIONS = [
  'auditor',
  'verdict.policy',
  'outcome',
  'severity',
  'root_cause',
] as const

/** Dimensions the decision volume roll-ups carry (for count and quantile metrics). */
export const ROLLUP_DIMENSIONS = [
  'region',
  'queue',
  'site',
  'actor_type',
  'policy',
  'action',
  ...TIME_DIMENSIONS,
] as const

export type TimeDimension = (typeof TIME_DIMENSIONS)[number]
export type Dimension = string

export function isDimension(name: string): boolean {
  if (name.startsWith('attributes.')) return ATTRIBUTE_KEY.test(name.slice('attributes.'.length))
  return (
    (DECISION_DIMENSIONS as readonly string[]).includes(name) ||
    (TIME_DIMENSIONS as readonly string[]).includes(name) ||
    (VERDICT_DIMENSIONS as readonly string[]).includes(name)
  )
}

export function isRollupDimension(name: string): boolean {
  return (ROLLUP_DIMENSIONS as readonly string[]).includes(name)
}

/** Parses `region,queue` into validated dimension names; throws ValidationError naming each bad one. */
export function parseDimensions(
  text: string | readonly string[] | undefined,
  path = 'by',
): string[] {
  if (text === undefined) return []
  const names = (typeof text === 'string' ? text.split(',') : [...text])
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const bad = names.filter((n) => !isDimension(n))
  if (bad.length > 0) {
    throw new ValidationError(`unknown dimension ${clipInputs(bad)}`, [
      {
        path,
        message: `use ${[...DECISION_DIMENSIONS, ...VERDICT_DIMENSIONS, ...TIME_DIMENSIONS].join(', ')} or attributes.<key>`,
      },
    ])
  }
  if (new Set(names).size !== names.length)
    throw new ValidationError('a dimension is listed twice', [
      { path, message: 'list each dimension once' },
    ])
  if (names.length > 4)
    throw new ValidationError('too many dimensions', [
      { path, message: 'group by at most 4 dimensions' },
    ])
  return names
}
