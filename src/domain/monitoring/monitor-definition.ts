/**
 * Monitors as data. A chart monitor watches one metric over a scope — one slice (`restrict`), or
 * every slice of some dimensions (`by`) — per period (day or week) on a chart (p, EWMA or CUSUM),
 * with the Nelson rules to apply, a baseline (rolling, or frozen from a chosen range) and a minimum
 * audited count per period below which a point is shown but not judged. A target monitor raises an
 * alert when a target turns *missed*. The shipped set is `default-monitors.yaml`; a stored monitor
 * with the same id overrides a default (e.g. `enabled: false`).
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ValidationError, type FieldIssue } from '../errors.js'
import { isDimension } from '../metrics/dimensions.js'
import { parseYamlDocument } from '../parse-yaml-document.js'
import { issuesFromZod } from '../zod-issues.js'

export const MONITOR_ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/
export const ALERT_SEVERITIES = ['critical', 'major', 'minor'] as const
export type Severity = (typeof ALERT_SEVERITIES)[number]
export const CHART_KINDS = ['p', 'ewma', 'cusum'] as const
export type ChartKind = (typeof CHART_KINDS)[number]

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
const sliceDimension = z
  .string()
  .refine((d) => isDimension(d) && !['day', 'week', 'month'].includes(d), {
    message: 'not a slicing dimension (use region, queue, site, actor_id, … or attributes.<key>)',
  })

const baselineSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('rolling'),
    /** How many periods before the chart window make the baseline. */
    periods: z.number().int().min(1).max(366).optional(),
    /** Fewer baseline periods with audits than this: the point is shown, not judged. */
    minPeriods: z.number().int().min(1).max(366).optional(),
  }),
  z.strictObject({ kind: z.literal('frozen'), from: day, to: day }),
])

const chartSchema = z.strictObject({
  kind: z.enum(CHART_KINDS).default('p'),
  /** EWMA weight of the newest point. */
  lambda: z.number().gt(0).max(1).optional(),
  /** CUSUM allowance, in σ units. */
  k: z.number().min(0).max(5).optional(),
})

export const chartMonitorSchema = z.strictObject({
  id: z.string().regex(MONITOR_ID, 'lowercase letters, digits, _ . - (at most 64)'),
  kind: z.literal('chart').default('chart'),
  name: z.string().min(1).max(200),
  enabled: z.boolean().default(true),
  metric: z.string().min(1).max(64),
  /** Every slice of these dimensions (empty: the one slice `restrict` describes). */
  by: z.array(sliceDimension).max(4).default([]),
  /** Only decisions where each dimension has this value. */
  restrict: z.record(sliceDimension, z.string().min(1).max(200)).default({}),
  period: z.enum(['day', 'week']).default('day'),
  chart: chartSchema.default({ kind: 'p' }),
  /** Nelson rules judged on the standardised points (1 = a point beyond its limit). */
  rules: z.array(z.number().int().min(1).max(8)).max(8).default([1]),
  baseline: baselineSchema.default({ kind: 'rolling' }),
  /** Audited decisions a period needs before its point is judged. */
  minCount: z.number().int().min(1).max(1_000_000).default(30),
  /** Periods points are shown for in the alert's evidence (and EWMA / CUSUM / run-rule history). */
  history: z.number().int().min(1).max(400).optional(),
  /** Periods to wait before judging one, so late audits can arrive. */
  delay: z.number().int().min(0).max(60).default(0),
  severity: z.enum(ALERT_SEVERITIES).default('major'),
  /** After an alert, further signals of the same monitor and slice within this many periods join it. */
  cooldown: z.number().int().min(0).max(366).default(7),
})

export const targetMonitorSchema = z.strictObject({
  id: z.string().regex(MONITOR_ID, 'lowercase letters, digits, _ . - (at most 64)'),
  kind: z.literal('targets'),
  name: z.string().min(1).max(200),
  enabled: z.boolean().default(true),
  /** Only these targets (default: every target). */
  targets: z.array(z.string().min(1).max(64)).max(1000).optional(),
  /** Confidence of the interval a target is judged on. */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  severity: z.enum(ALERT_SEVERITIES).default('major'),
  cooldown: z.number().int().min(0).max(366).default(7),
})

export const monitorSchema = z.union([targetMonitorSchema, chartMonitorSchema])

export type ChartMonitor = z.output<typeof chartMonitorSchema>
export type TargetMonitor = z.output<typeof targetMonitorSchema>
export type Monitor = ChartMonitor | TargetMonitor
export type MonitorInput = z.input<typeof monitorSchema>

/** Defaults that depend on the period and chart: baseline length, history, EWMA λ, CUSUM k. */
export interface ResolvedChartSettings {
  baselinePeriods: number
  baselineMinPeriods: number
  history: number
  lambda: number
  k: number
}

export function resolveChartSettings(monitor: ChartMonitor): ResolvedChartSettings {
  const daily = monitor.period === 'day'
  const rolling = monitor.baseline.kind === 'rolling' ? monitor.baseline : undefined
  const baselinePeriods = rolling?.periods ?? (daily ? 28 : 8)
  return {
    baselinePeriods,
    baselineMinPeriods: Math.min(baselinePeriods, rolling?.minPeriods ?? (daily ? 7 : 3)),
    history: monitor.history ?? (daily ? 28 : 12),
    lambda: monitor.chart.lambda ?? 0.2,
    k: monitor.chart.k ?? 0.5,
  }
}

/** Validates one monitor (e.g. a request body); throws ValidationError naming every problem. */
export function parseMonitor(value: unknown): Monitor {
  const isTargets =
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'targets'
  const parsed = (isTargets ? targetMonitorSchema : chartMonitorSchema).safeParse(value)
  if (!parsed.success) throw new ValidationError('not a valid monitor', issuesFromZod(parsed.error))
  const monitor = parsed.data as Monitor
  if (monitor.kind === 'chart') {
    const issues: FieldIssue[] = []
    const overlap = monitor.by.filter((d) => d in monitor.restrict)
    if (overlap.length > 0)
      issues.push({ path: 'by', message: `${overlap.join(', ')} is both sliced by and restricted` })
    if (monitor.baseline.kind === 'frozen' && monitor.baseline.to < monitor.baseline.from) {
      issues.push({ path: 'baseline.to', message: 'the baseline ends before it starts' })
    }
    if (monitor.rules.length === 0 && monitor.chart.kind === 'p') {
      issues.push({
        path: 'rules',
        message: 'a p-chart monitor needs at least one rule (1: a point beyond its limit)',
      })
    }
    if (issues.length > 0) throw new ValidationError('not a valid monitor', issues)
  }
  return monitor
}

const librarySchema = z.object({ monitors: z.array(z.unknown()).min(1) })

/** Parses a YAML monitor list (`monitors: [...]`). */
export function parseMonitorLibrary(yamlText: string, source = 'monitor list'): Monitor[] {
  const document = parseYamlDocument(yamlText, source)
  const parsed = librarySchema.safeParse(document)
  if (!parsed.success)
    throw new ValidationError(`${source} is not a valid monitor list`, issuesFromZod(parsed.error))
  const issues: FieldIssue[] = []
  const monitors: Monitor[] = []
  parsed.data.monitors.forEach((raw, i) => {
    try {
      monitors.push(parseMonitor(raw))
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      issues.push(
        ...error.details.map((d) => ({ path: `monitors.${i}.${d.path}`, message: d.message })),
      )
    }
  })
  const seen = new Set<string>()
  monitors.forEach((m, i) => {
    if (seen.has(m.id)) issues.push({ path: `monitors.${i}.id`, message: `duplicate id ${m.id}` })
    seen.add(m.id)
  })
  if (issues.length > 0) throw new ValidationError(`${source} is not a valid monitor list`, issues)
  return monitors
}

export const DEFAULT_MONITORS_PATH = new URL('./default-monitors.yaml', import.meta.url)

let defaults: Monitor[] | undefined

/** The monitors that ship with Assay and are active in a new store (parsed once). */
export function loadDefaultMonitors(): Monitor[] {
  defaults ??= parseMonitorLibrary(
    readFileSync(DEFAULT_MONITORS_PATH, 'utf8'),
    'default monitor list',
  )
  return defaults
}
