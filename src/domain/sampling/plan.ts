/**
 * Sampling plans as data: a YAML (or JSON) document validated here. A plan names its strata (any
 * decision field, `attributes.<key>`, or `policy_tier`), the period it draws over, how the sample
 * is allocated across strata, a minimum per moderator, caps, exclusions, the share of audits that
 * get a second QA audit, the outcome matching rule and what an auditor may see (blind review).
 */
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import { parseYamlDocument } from '../parse-yaml-document.js'
import { issuesFromZod } from '../zod-issues.js'

/** Decision fields a plan may stratify or filter on (plus `attributes.<key>` and `policy_tier`). */
export const STRATUM_FIELDS = [
  'content_type',
  'region',
  'language',
  'queue',
  'site',
  'actor_type',
  'actor_id',
  'policy',
  'action',
  'policy_version',
  'policy_tier',
] as const

const fieldName = z
  .string()
  .refine(
    (v) =>
      (STRATUM_FIELDS as readonly string[]).includes(v) ||
      /^attributes\.[A-Za-z0-9_.-]{1,64}$/.test(v),
    { message: `must be one of ${STRATUM_FIELDS.join(', ')} or attributes.<key>` },
  )

export const ALLOCATION_METHODS = [
  'fixed_rate',
  'fixed_count',
  'proportional',
  'equal',
  'neyman',
  'risk_weighted',
] as const
export type AllocationMethod = (typeof ALLOCATION_METHODS)[number]

const rate = z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]')

/** Default risk weights by policy tier (tier 1 is the most severe; 0 is `none`). */
export const DEFAULT_TIER_WEIGHTS: Readonly<Record<string, number>> = {
  0: 1,
  1: 8,
  2: 4,
  3: 2,
  4: 1,
}

const allocationSchema = z
  .object({
    method: z.enum(ALLOCATION_METHODS, {
      error: `must be one of ${ALLOCATION_METHODS.join(', ')}`,
    }),
    /** fixed_rate: the share of each stratum to sample. */
    rate: rate.optional(),
    /** fixed_rate: per-stratum overrides, keyed by the stratum key (values joined by `|`). */
    rates: z.record(z.string(), rate).optional(),
    /** fixed_count: the sample size of every stratum. */
    count: z.number().int().positive().optional(),
    /** proportional, equal, neyman, risk_weighted: the total sample size per period. */
    total: z.number().int().positive().optional(),
    /** risk_weighted: weight per policy tier; tiers not listed weigh 1. */
    tier_weights: z
      .record(z.string().regex(/^\d$/, 'must be a tier 0–9'), z.number().positive())
      .optional(),
  })
  .superRefine((a, ctx) => {
    const need = (key: 'rate' | 'count' | 'total') => {
      if (a[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `is required for ${a.method}` })
    }
    if (a.method === 'fixed_rate') need('rate')
    else if (a.method === 'fixed_count') need('count')
    else need('total')
  })

export const planSchema = z.object({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,63}$/,
      'must be lower-case letters, digits, _ or -, at most 64 characters',
    ),
  description: z.string().max(2000).optional(),
  period: z.enum(['day', 'week'], { error: 'must be day or week' }).default('week'),
  strata: z.array(fieldName).max(8).default([]),
  allocation: allocationSchema,
  /** Every human moderator gets at least this many audits per period (0 = no minimum). */
  min_per_moderator: z.number().int().min(0).default(0),
  caps: z
    .object({
      per_stratum: z.number().int().positive().optional(),
      total: z.number().int().positive().optional(),
    })
    .default({}),
  exclusions: z
    .object({
      /** Skip decisions that already have an audit (any kind, any source). Batch draws only. */
      already_audited: z.boolean().default(true),
      /** Skip decisions by these actor types, e.g. [machine]. */
      actor_types: z.array(z.enum(['human', 'machine'])).default([]),
      /** Skip decisions whose field has one of these values. */
      where: z.record(fieldName, z.array(z.string()).min(1)).default({}),
    })
    .default({ already_audited: true, actor_types: [], where: {} }),
  /** The share of first QA audits that get an independent second QA audit. */
  second_qa_share: z.number().min(0).max(1).default(0),
  /** What must agree for an audit to count as correct. */
  match_rule: z.enum(['both', 'policy', 'action']).default('both'),
  /** Days a moderator has to dispute an audit of their decision. */
  dispute_window_days: z.number().int().min(0).max(365).default(14),
  assignment: z
    .object({
      /** Never assign a decision to an auditor of the same site as the decision. */
      exclude_same_site: z.boolean().default(false),
      /** Minutes a leased task stays with its auditor before it returns to the queue. */
      lease_minutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(30),
    })
    .default({ exclude_same_site: false, lease_minutes: 30 }),
  blind: z
    .object({
      /** Attributes an auditor may see before submitting; when absent, every attribute except hidden ones. */
      visible_attributes: z.array(z.string()).optional(),
      /** Attributes never shown before submission (in addition to the built-in revealing names). */
      hidden_attributes: z.array(z.string()).default([]),
    })
    .default({ hidden_attributes: [] }),
  /** Fixed salt for the hash rule; when absent the store generates one on first save. */
  salt: z.string().min(1).max(128).optional(),
})

export type SamplingPlan = z.infer<typeof planSchema>
export type PlanInput = z.input<typeof planSchema>

/** Validates a plan object; throws ValidationError listing every problem. */
export function validatePlan(document: unknown, source = 'plan'): SamplingPlan {
  const parsed = planSchema.safeParse(document)
  if (!parsed.success)
    throw new ValidationError(`${source} is not a valid sampling plan`, issuesFromZod(parsed.error))
  const plan = parsed.data
  if (plan.allocation.method === 'risk_weighted' && !plan.strata.includes('policy_tier')) {
    // Risk weights are per policy tier, so the tier is always a stratum of a risk-weighted plan.
    plan.strata = [...plan.strata, 'policy_tier']
  }
  return plan
}

/** Parses and validates a plan YAML (JSON is YAML too). */
export function parsePlan(text: string, source = 'plan'): SamplingPlan {
  const document = parseYamlDocument(text, source)
  return validatePlan(document, source)
}
