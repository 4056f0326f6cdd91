/**
 * Targets: a metric, a scope (a slice of decisions), a period and a threshold with a direction.
 * Status is judged with the interval, never the point estimate alone.
 */
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import { isDimension } from './dimensions.js'
import { clipInput } from '../quote-input.js'
import { issuesFromZod } from '../zod-issues.js'

export const TARGET_DIRECTIONS = ['at_least', 'at_most'] as const
export type TargetDirection = (typeof TARGET_DIRECTIONS)[number]
export type TargetStatus = 'met' | 'missed' | 'inconclusive'

/** Scope: dimension → value, every one must hold (e.g. { region: emea, queue: video }). */
export const targetScopeSchema = z
  .record(z.string(), z.string().min(1).max(200))
  .superRefine((scope, ctx) => {
    for (const key of Object.keys(scope)) {
      if (!isDimension(key) || ['day', 'week', 'month'].includes(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [clipInput(key)],
          message: `unknown scope dimension ${clipInput(key)}`,
        })
      }
    }
  })

export const targetInputSchema = z.strictObject({
  targetId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, _ . - (at most 64)')
    .optional(),
  metric: z.string().min(1).max(64),
  scope: targetScopeSchema.default({}),
  period: z.string().min(1).max(40).default('month'),
  threshold: z.number().finite(),
  /** Default: at_least for metrics where higher is better, at_most otherwise. */
  direction: z.enum(TARGET_DIRECTIONS).optional(),
  name: z.string().max(200).optional(),
})

export type TargetInput = z.input<typeof targetInputSchema>

export interface Target {
  targetId: string
  metric: string
  scope: Record<string, string>
  period: string
  threshold: number
  direction: TargetDirection
  name: string | null
  createdBy: string | null
  updatedAt: Date
}

export function parseTargetInput(value: unknown): z.output<typeof targetInputSchema> {
  const parsed = targetInputSchema.safeParse(value)
  if (!parsed.success) {
    throw new ValidationError('not a valid target', issuesFromZod(parsed.error))
  }
  return parsed.data
}

/** A stable id from the metric and scope when the user gives none: `error_rate-region-emea`. */
export function defaultTargetId(metric: string, scope: Record<string, string>): string {
  const parts = Object.keys(scope)
    .sort()
    .map((k) => `${k}=${scope[k]}`)
  const raw = parts.length === 0 ? metric : `${metric}@${parts.join(',')}`
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .slice(0, 64)
}

/**
 * met when the whole interval is on the good side of the threshold, missed when it is wholly on
 * the bad side, inconclusive otherwise. A bound equal to the threshold counts as the good side.
 */
export function judgeTarget(
  direction: TargetDirection,
  threshold: number,
  lower: number,
  upper: number,
): TargetStatus {
  if (direction === 'at_least') {
    if (lower >= threshold) return 'met'
    if (upper < threshold) return 'missed'
    return 'inconclusive'
  }
  if (upper <= threshold) return 'met'
  if (lower > threshold) return 'missed'
  return 'inconclusive'
}

/** How far the estimate is on the bad side of the threshold (positive = worse than target). */
export function gapToTarget(
  direction: TargetDirection,
  threshold: number,
  estimate: number,
): number {
  return direction === 'at_least' ? threshold - estimate : estimate - threshold
}
