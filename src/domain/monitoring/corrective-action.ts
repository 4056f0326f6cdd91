/**
 * Corrective actions (the improvement loop): opened from an alert or a Pareto row with a scope, an
 * owner, a due date, a hypothesis, the root cause it addresses and the intervention date; Assay
 * then measures the metric in scope before and after the intervention and judges the effect.
 */
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import { targetScopeSchema } from '../metrics/target.js'
import { issuesFromZod } from '../zod-issues.js'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')

export const actionInputSchema = z.strictObject({
  actionId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, _ . - (at most 64)')
    .optional(),
  title: z.string().min(1).max(300).optional(),
  /** The metric the action should move (default: the alert's). */
  metric: z.string().min(1).max(64).optional(),
  /** dimension → value (default: the alert's slice). */
  scope: targetScopeSchema.optional(),
  owner: z.string().min(1).max(200),
  dueDate: day,
  hypothesis: z.string().min(1).max(4000),
  /** The taxonomy root cause the action addresses. */
  rootCause: z.string().min(1).max(64).optional(),
  interventionDate: day.optional(),
  /** The improvement the action is expected to make, in the metric's units (e.g. 0.02 = 2 points). */
  expectedEffect: z.number().gt(0).max(1).optional(),
  fromAlert: z.string().min(1).max(64).optional(),
  fromPareto: z
    .strictObject({
      rootCause: z.string().min(1).max(64).optional(),
      dimension: z.string().min(1).max(64).optional(),
      value: z.string().min(1).max(200).optional(),
    })
    .optional(),
})

export type ActionInput = z.output<typeof actionInputSchema>

export const actionPatchSchema = z.strictObject({
  title: z.string().min(1).max(300).optional(),
  owner: z.string().min(1).max(200).optional(),
  dueDate: day.optional(),
  hypothesis: z.string().min(1).max(4000).optional(),
  rootCause: z.string().min(1).max(64).nullable().optional(),
  interventionDate: day.nullable().optional(),
  expectedEffect: z.number().gt(0).max(1).nullable().optional(),
  /** true closes the action (it is no longer measured or overdue). */
  closed: z.boolean().optional(),
})

export type ActionPatch = z.output<typeof actionPatchSchema>

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new ValidationError(`not a valid ${what}`, issuesFromZod(parsed.error))
  }
  return parsed.data
}

export type EffectStatus = 'effective' | 'not_effective' | 'too_early'

export interface EffectInput {
  /** Improvement after − before in the good direction (positive = better), and its interval. */
  improvement: number
  improvementLower: number
  improvementUpper: number
  /** The improvement the action is expected to make (> 0). */
  expectedEffect: number
  /** Audits after the intervention. */
  afterAudits: number
}

/**
 * effective: the whole interval of the improvement is above 0; not effective: the whole interval
 * is below the expected improvement (the data rule out the effect the action was meant to have);
 * too early to tell: otherwise (including no audits after the intervention yet).
 */
export function classifyEffect(input: EffectInput): EffectStatus {
  if (input.afterAudits === 0) return 'too_early'
  if (input.improvementLower > 0) return 'effective'
  if (input.improvementUpper < input.expectedEffect) return 'not_effective'
  return 'too_early'
}
