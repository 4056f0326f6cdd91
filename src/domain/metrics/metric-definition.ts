/**
 * Metric definitions as data: a YAML list validated here. A user adds a metric by writing one
 * (numerator and denominator filters over final-verdict and decision fields), without code.
 * The standard library ships in `standard-metrics.yaml`.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ValidationError, type FieldIssue } from '../errors.js'
import { isDimension, isRollupDimension } from './dimensions.js'
import { filterSchema, type Filter } from './filter.js'
import { parseYamlDocument } from '../parse-yaml-document.js'
import { clipInput } from '../quote-input.js'
import { issuesFromZod } from '../zod-issues.js'

export const METRIC_KINDS = ['proportion', 'weighted_score', 'quantile', 'count'] as const
export type MetricKind = (typeof METRIC_KINDS)[number]

const code = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,63}$/,
    'must be lower_snake_case, starting with a letter, at most 64 characters',
  )

export const metricDefinitionSchema = z
  .strictObject({
    code,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    kind: z.enum(METRIC_KINDS),
    /** verdicts: final verdicts (after disputes); appeals: the first appeal review of each decision. */
    over: z.enum(['verdicts', 'appeals']).default('verdicts'),
    /** proportion: the audits counted as successes; weighted_score: the audits that carry a penalty. */
    numerator: filterSchema.optional(),
    /** The audits the metric is over; {} = every final verdict. */
    denominator: filterSchema.default({}),
    higher_is_better: z.boolean(),
    unit: z.enum(['percent', 'score', 'ms', 'count']),
    /** Always sliced by this dimension first (per-policy precision and recall). */
    per: z.string().optional(),
    /** quantile: which one, in [0, 1]. */
    quantile: z.number().min(0).max(1).optional(),
    /** weighted_score: penalty weight per severity; the taxonomy's weights when absent. */
    severity_weights: z.record(z.string(), z.number().nonnegative()).optional(),
    /** weighted_score: weight of an error recorded without a severity (default: the smallest weight). */
    unknown_severity_weight: z.number().nonnegative().optional(),
    /** count: what is counted. */
    source: z.enum(['decisions', 'audits']).optional(),
  })
  .superRefine((m, ctx) => {
    const needsNumerator = m.kind === 'proportion' || m.kind === 'weighted_score'
    if (needsNumerator && m.numerator === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['numerator'],
        message: `a ${m.kind} metric needs a numerator filter`,
      })
    }
    if (m.kind === 'quantile' && m.quantile === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['quantile'],
        message: 'a quantile metric needs quantile (e.g. 0.9)',
      })
    }
    if (m.kind === 'count' && m.source === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message: 'a count metric needs source: decisions or audits',
      })
    }
    if (m.per !== undefined && !isDimension(m.per)) {
      ctx.addIssue({
        code: 'custom',
        path: ['per'],
        message: `unknown dimension ${clipInput(m.per)}`,
      })
    }
    if (m.per !== undefined && usesRollups(m as MetricDefinition) && !isRollupDimension(m.per)) {
      ctx.addIssue({
        code: 'custom',
        path: ['per'],
        message: `${m.kind} metrics read the volume roll-ups, which have no ${clipInput(m.per)}`,
      })
    }
  })

export type MetricDefinition = Omit<
  z.infer<typeof metricDefinitionSchema>,
  'numerator' | 'denominator'
> & {
  numerator?: Filter
  denominator: Filter
}

/** Quantile and decision-count metrics read the volume roll-ups, not audits. */
export function usesRollups(metric: Pick<MetricDefinition, 'kind' | 'source'>): boolean {
  return metric.kind === 'quantile' || (metric.kind === 'count' && metric.source === 'decisions')
}

const librarySchema = z.object({ metrics: z.array(metricDefinitionSchema).min(1) })

/** Parses a YAML metric library (`metrics: [...]`); throws ValidationError listing every problem. */
export function parseMetricLibrary(
  yamlText: string,
  source = 'metric library',
): MetricDefinition[] {
  const document = parseYamlDocument(yamlText, source)
  const parsed = librarySchema.safeParse(document)
  if (!parsed.success) {
    throw new ValidationError(
      `${source} is not a valid metric library`,
      issuesFromZod(parsed.error),
    )
  }
  const seen = new Set<string>()
  const issues: FieldIssue[] = []
  parsed.data.metrics.forEach((m, i) => {
    if (seen.has(m.code))
      issues.push({ path: `metrics.${i}.code`, message: `duplicate code ${m.code}` })
    seen.add(m.code)
  })
  if (issues.length > 0)
    throw new ValidationError(`${source} is not a valid metric library`, issues)
  return parsed.data.metrics as MetricDefinition[]
}

/** Validates one metric definition (an object, e.g. from a request body). */
export function parseMetricDefinition(value: unknown): MetricDefinition {
  const parsed = metricDefinitionSchema.safeParse(value)
  if (!parsed.success) {
    throw new ValidationError('not a valid metric definition', issuesFromZod(parsed.error))
  }
  return parsed.data as MetricDefinition
}

export const STANDARD_METRICS_PATH = new URL('./standard-metrics.yaml', import.meta.url)

let standard: MetricDefinition[] | undefined

/** The metric library that ships with Assay (parsed once). */
export function loadStandardMetrics(): MetricDefinition[] {
  standard ??= parseMetricLibrary(
    readFileSync(STANDARD_METRICS_PATH, 'utf8'),
    'standard metric library',
  )
  return standard
}

/** Merges user metrics over the standard ones (a user metric with a standard code replaces it). */
export function mergeMetricLibraries(
  base: readonly MetricDefinition[],
  extra: readonly MetricDefinition[],
): MetricDefinition[] {
  const byCode = new Map(base.map((m) => [m.code, m]))
  for (const m of extra) byCode.set(m.code, m)
  return [...byCode.values()]
}

export function findMetric(
  library: readonly MetricDefinition[],
  metricCode: string,
): MetricDefinition | undefined {
  return library.find((m) => m.code === metricCode)
}
