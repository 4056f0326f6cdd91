/**
 * The quality report as a JSON model; every renderer (md, html, csv) draws from it.
 *
 * Cost: one aggregate statement over the period's final verdicts for every audit-side figure
 * (headline, slices, Pareto, confusion matrix, scorecards, trend), one for the previous period's
 * headline, the volume roll-ups, and one per target period. Nothing scans raw decisions.
 */
import type { Principal } from '../../domain/access.js'
import { parseDimensions, type TimeDimension } from '../../domain/metrics/dimensions.js'
import { usesRollups, type MetricDefinition } from '../../domain/metrics/metric-definition.js'
import {
  defaultGrain,
  periodBuckets,
  previousPeriod,
  type Period,
} from '../../domain/metrics/period.js'
import { gapToTarget, judgeTarget, type TargetStatus } from '../../domain/metrics/target.js'
import { benjaminiHochberg, dpmo, pareto, sigmaLevel } from '../../stats/index.js'
import type { Database } from '../../store/db.js'
import { evaluateBatch, type SliceRequest, type SliceValue } from '../metrics/evaluate-batch.js'
import {
  EMPTY_ESTIMATE,
  compareEstimates,
  proportionFromSums,
  scoreFromSums,
  subtractSums,
  type Comparison,
  type Estimate,
} from '../metrics/estimate.js'
import { getMetric, loadMetricSetup, resolvePeriod, scopeOf } from '../metrics/metric-setup.js'
import { evaluateTargets, type TargetResult } from '../targets/evaluate-targets.js'

export interface ReportOptions {
  period?: string
  /** Dimensions whose slices are ranked (each one separately). */
  by?: string | readonly string[]
  grain?: TimeDimension
  /** The metric slices are ranked on (default accuracy). */
  metric?: string
  confidence?: number
  now: Date
}

export interface MetricInfo {
  code: string
  name: string
  unit: string
  kind: MetricDefinition['kind']
  higherIsBetter: boolean
}

export interface HeadlineRow extends MetricInfo {
  current: Estimate
  previous: Estimate | null
  /** current − previous, tested; adjusted across the headline metrics with Benjamini-Hochberg. */
  change: (Comparison & { pAdjusted: number }) | null
}

export interface SliceRow {
  dimension: string
  value: string | null
  current: Estimate
  /** This slice against the rest of the population; adjusted across all slices. */
  versusRest: (Comparison & { pAdjusted: number }) | null
  /** Against the primary metric's global target (or, without one, against the overall estimate). */
  reference: { kind: 'target' | 'overall'; threshold: number }
  gap: number | null
  status: TargetStatus | null
}

export interface ParetoItem {
  key: string
  audits: number
  /** Estimated errors in the population (Σ 1/π). */
  estimated: number
  share: number
  cumulativeShare: number
  vitalFew: boolean
}

export interface Scorecard {
  actorType: string
  actorId: string
  audits: number
  accuracy: Estimate
  qualityScore: Estimate
  errors: Record<string, number>
  criticalErrors: number
}

export interface TrendPoint {
  start: string
  decisions: number
  audits: number
  handleTimeP50: number | null
  handleTimeP90: number | null
  metrics: Record<string, Estimate>
}

export interface PolicyScores {
  policy: string
  precision: Estimate | null
  recall: Estimate | null
}

export interface Report {
  title: string
  generatedAt: string
  period: Period
  previousPeriod: Period
  grain: TimeDimension
  confidence: number
  scope: { regions: string[] | null; sites: string[] | null }
  primaryMetric: MetricInfo
  volume: {
    decisions: number
    audits: number
    handleTimeP50: number | null
    handleTimeP90: number | null
  }
  headline: HeadlineRow[]
  targets: TargetResult[]
  slices: SliceRow[]
  pareto: { errorTypes: ParetoItem[]; rootCauses: ParetoItem[] }
  sixSigma: {
    defects: number
    units: number
    opportunitiesPerUnit: number
    dpmo: number | null
    sigmaLevel: number | null
  }
  confusion: { labels: string[]; matrix: number[][]; policies: PolicyScores[] } | null
  scorecards: Scorecard[]
  trend: { metrics: MetricInfo[]; points: TrendPoint[] }
}

export const TREND_METRICS = [
  'accuracy',
  'error_rate',
  'false_positive_rate',
  'false_negative_rate',
  'critical_error_rate',
  'quality_score',
]
const OUTCOME_ERRORS = ['false_positive', 'false_negative', 'wrong_policy', 'wrong_action']

const info = (m: MetricDefinition): MetricInfo => ({
  code: m.code,
  name: m.name,
  unit: m.unit,
  kind: m.kind,
  higherIsBetter: m.higher_is_better,
})

/** Every final verdict, no numerator: counts and weights per group. */
const ALL_VERDICTS: MetricDefinition = {
  code: '_verdicts',
  name: 'verdicts',
  kind: 'proportion',
  over: 'verdicts',
  denominator: {},
  higher_is_better: true,
  unit: 'count',
}
const ERRORS: MetricDefinition = {
  ...ALL_VERDICTS,
  code: '_errors',
  denominator: { outcome: { not: 'correct' } },
}

function estimateOfSums(
  metric: MetricDefinition,
  sums: SliceValue['sums'],
  confidence: number,
): Estimate | null {
  if (sums === null) return null
  return metric.kind === 'weighted_score'
    ? scoreFromSums(sums, confidence)
    : proportionFromSums(sums, confidence)
}

const strip = (v: SliceValue | undefined): Estimate => {
  if (v === undefined) return EMPTY_ESTIMATE
  const { keys: _k, sums: _s, ...estimate } = v
  return estimate
}

function paretoItems(rows: readonly SliceValue[], dimension: string): ParetoItem[] {
  const present = rows.filter((r) => r.keys[dimension] !== null && r.n > 0)
  if (present.length === 0) return []
  const counts = new Map(present.map((r) => [r.keys[dimension] as string, r]))
  return pareto(
    Object.fromEntries(present.map((r) => [r.keys[dimension] as string, r.sums?.sw ?? 0])),
  ).map((row) => ({
    key: row.key,
    audits: counts.get(row.key)?.n ?? 0,
    estimated: row.count,
    share: row.share,
    cumulativeShare: row.cumulativeShare,
    vitalFew: row.vitalFew,
  }))
}

export async function buildReport(
  database: Database,
  principal: Pick<Principal, 'regions' | 'sites'> | null,
  options: ReportOptions,
): Promise<Report> {
  const setup = await loadMetricSetup(database)
  const confidence = options.confidence ?? 0.95
  const period = resolvePeriod(setup, options.period ?? 'month', options.now)
  const previous = previousPeriod(period)
  const grain = options.grain ?? defaultGrain(period)
  const by = parseDimensions(options.by ?? ['region', 'queue'])
  const primary = getMetric(setup, options.metric ?? 'accuracy')
  const scope = scopeOf(principal)
  const audited = setup.library.filter((m) => !usesRollups(m) && m.kind !== 'count')
  const trendMetrics = TREND_METRICS.flatMap((code) => setup.library.filter((m) => m.code === code))
  const metric = (code: string) => getMetric(setup, code)

  // One batch for the period: the request indices are remembered by name.
  const requests: SliceRequest[] = []
  const add = (request: SliceRequest) => requests.push(request) - 1
  const headlineAt = audited.map((m) => add({ metric: m, dimensions: [], ignorePer: true }))
  const volumeAt = add({ metric: metric('volume'), dimensions: [] })
  const p50At = add({ metric: metric('handle_time_p50'), dimensions: [] })
  const p90At = add({ metric: metric('handle_time_p90'), dimensions: [] })
  const auditsAt = add({ metric: ALL_VERDICTS, dimensions: [] })
  const slicesAt = by.map((d) => add({ metric: primary, dimensions: [d], ignorePer: true }))
  const outcomesAt = add({ metric: ERRORS, dimensions: ['outcome'] })
  const rootCausesAt = add({ metric: ERRORS, dimensions: ['root_cause'] })
  const confusionAt = add({ metric: ALL_VERDICTS, dimensions: ['policy', 'verdict.policy'] })
  const precisionAt = add({ metric: metric('precision'), dimensions: [] })
  const recallAt = add({ metric: metric('recall'), dimensions: [] })
  const cardAccuracyAt = add({ metric: metric('accuracy'), dimensions: ['actor_type', 'actor_id'] })
  const cardScoreAt = add({
    metric: metric('quality_score'),
    dimensions: ['actor_type', 'actor_id'],
  })
  const cardOutcomesAt = add({ metric: ERRORS, dimensions: ['actor_type', 'actor_id', 'outcome'] })
  const cardCriticalAt = add({
    metric: metric('critical_error_rate'),
    dimensions: ['actor_type', 'actor_id'],
  })
  const trendAt = trendMetrics.map((m) => add({ metric: m, dimensions: [grain], ignorePer: true }))
  const trendVolumeAt = add({ metric: metric('volume'), dimensions: [grain] })
  const trendAuditsAt = add({ metric: ALL_VERDICTS, dimensions: [grain] })
  const trendP50At = add({ metric: metric('handle_time_p50'), dimensions: [grain] })
  const trendP90At = add({ metric: metric('handle_time_p90'), dimensions: [grain] })

  const [values, previousValues, targets] = await Promise.all([
    evaluateBatch(database, setup, requests, { range: period, scope, confidence }),
    evaluateBatch(
      database,
      setup,
      audited.map((m) => ({ metric: m, dimensions: [], ignorePer: true })),
      { range: previous, scope, confidence },
    ),
    evaluateTargets(database, principal, { now: options.now, confidence }, setup),
  ])
  const at = (i: number) => values[i] ?? []
  const first = (i: number) => at(i)[0]

  // Headline with period-over-period changes, BH-adjusted across the metrics tested.
  const changes = audited.map((m, i) => {
    const current = estimateOfSums(m, first(headlineAt[i] as number)?.sums ?? null, confidence)
    const before = estimateOfSums(m, previousValues[i]?.[0]?.sums ?? null, confidence)
    return current && before ? compareEstimates(current, before) : null
  })
  const changeAdjusted = adjust(changes)
  const headline: HeadlineRow[] = audited.map((m, i) => ({
    ...info(m),
    current: strip(first(headlineAt[i] as number)),
    previous: previousValues[i]?.[0] ? strip(previousValues[i]?.[0]) : null,
    change: changes[i]
      ? { ...(changes[i] as Comparison), pAdjusted: changeAdjusted[i] as number }
      : null,
  }))

  // Slices of the primary metric, each against the rest; ranked by gap to the global target.
  const overallPrimary = first(headlineAt[audited.indexOf(primary)] ?? -1)
  const globalTarget = targets.find(
    (t) => t.target.metric === primary.code && Object.keys(t.target.scope).length === 0,
  )?.target
  const sliceValues = by.flatMap((d, k) =>
    at(slicesAt[k] as number).map((v) => ({ dimension: d, v })),
  )
  const versusRest = sliceValues.map(({ v }) => {
    const current = estimateOfSums(primary, v.sums, confidence)
    const rest =
      overallPrimary?.sums && v.sums
        ? estimateOfSums(primary, subtractSums(overallPrimary.sums, v.sums), confidence)
        : null
    return current && rest && rest.n > 0 ? compareEstimates(current, rest) : null
  })
  const restAdjusted = adjust(versusRest)
  const direction = globalTarget?.direction ?? (primary.higher_is_better ? 'at_least' : 'at_most')
  const threshold = globalTarget?.threshold ?? overallPrimary?.estimate ?? null
  const slices: SliceRow[] = sliceValues.map(({ dimension, v }, i) => ({
    dimension,
    value: v.keys[dimension] ?? null,
    current: strip(v),
    versusRest: versusRest[i]
      ? { ...(versusRest[i] as Comparison), pAdjusted: restAdjusted[i] as number }
      : null,
    reference: { kind: globalTarget ? 'target' : 'overall', threshold: threshold ?? 0 },
    gap:
      v.estimate === null || threshold === null
        ? null
        : gapToTarget(direction, threshold, v.estimate),
    status:
      globalTarget && v.lower !== null && v.upper !== null
        ? judgeTarget(direction, globalTarget.threshold, v.lower, v.upper)
        : null,
  }))
  slices.sort(
    (a, b) =>
      (b.gap ?? -Infinity) - (a.gap ?? -Infinity) ||
      a.dimension.localeCompare(b.dimension) ||
      String(a.value).localeCompare(String(b.value)),
  )

  // Six sigma: defects are (weighted) audited errors, one opportunity per decision.
  const errorSums = first(headlineAt[audited.findIndex((m) => m.code === 'error_rate')] ?? -1)?.sums
  const units = errorSums?.sw ?? 0
  const defects = errorSums?.swy ?? 0
  const defectsPerMillion = units > 0 ? dpmo(defects, units, 1) : null
  const sixSigma = {
    defects,
    units,
    opportunitiesPerUnit: 1,
    dpmo: defectsPerMillion,
    sigmaLevel:
      defectsPerMillion !== null && defectsPerMillion > 0 && defectsPerMillion < 1e6
        ? sigmaLevel(defectsPerMillion)
        : null,
  }

  const confusion = buildConfusion(
    at(confusionAt),
    at(precisionAt),
    at(recallAt),
    metric('precision'),
    metric('recall'),
  )
  const scorecards = buildScorecards(
    at(cardAccuracyAt),
    at(cardScoreAt),
    at(cardOutcomesAt),
    at(cardCriticalAt),
  )

  const trendKey = (v: SliceValue) => v.keys[grain] as string
  const byStart = (i: number) => new Map(at(i).map((v) => [trendKey(v), v]))
  const trendMaps = trendAt.map(byStart)
  const trendVolume = byStart(trendVolumeAt)
  const trendAudits = byStart(trendAuditsAt)
  const trendP50 = byStart(trendP50At)
  const trendP90 = byStart(trendP90At)
  const points: TrendPoint[] = periodBuckets(period, grain).map((start) => ({
    start,
    decisions: trendVolume.get(start)?.estimate ?? 0,
    audits: trendAudits.get(start)?.n ?? 0,
    handleTimeP50: trendP50.get(start)?.estimate ?? null,
    handleTimeP90: trendP90.get(start)?.estimate ?? null,
    metrics: Object.fromEntries(
      trendMetrics.map((m, k) => [m.code, strip(trendMaps[k]?.get(start))]),
    ),
  }))

  return {
    title: 'Assay quality report',
    generatedAt: options.now.toISOString(),
    period,
    previousPeriod: previous,
    grain,
    confidence,
    scope: {
      regions: scope.regions ? [...scope.regions] : null,
      sites: scope.sites ? [...scope.sites] : null,
    },
    primaryMetric: info(primary),
    volume: {
      decisions: first(volumeAt)?.estimate ?? 0,
      audits: first(auditsAt)?.n ?? 0,
      handleTimeP50: first(p50At)?.estimate ?? null,
      handleTimeP90: first(p90At)?.estimate ?? null,
    },
    headline,
    targets,
    slices,
    pareto: {
      errorTypes: paretoItems(at(outcomesAt), 'outcome'),
      rootCauses: paretoItems(at(rootCausesAt), 'root_cause'),
    },
    sixSigma,
    confusion,
    scorecards,
    trend: { metrics: trendMetrics.map(info), points },
  }
}

function adjust(comparisons: readonly (Comparison | null)[]): (number | null)[] {
  const tested = comparisons.flatMap((c, i) => (c === null ? [] : [i]))
  const adjusted = benjaminiHochberg(tested.map((i) => (comparisons[i] as Comparison).pValue))
  const result: (number | null)[] = comparisons.map(() => null)
  tested.forEach((i, k) => (result[i] = adjusted[k] as number))
  return result
}

function buildConfusion(
  cells: readonly SliceValue[],
  precision: readonly SliceValue[],
  recall: readonly SliceValue[],
  precisionMetric: MetricDefinition,
  recallMetric: MetricDefinition,
): Report['confusion'] {
  if (cells.length === 0) return null
  // Rows are the audit's policy (truth), columns the decision's; cells count audits. Labels sorted
  // as the stats confusionMatrix sorts them; counts summed from the slices (never per audit).
  const labels = [
    ...new Set(cells.flatMap((c) => [c.keys['verdict.policy'], c.keys.policy] as string[])),
  ].sort()
  const index = new Map(labels.map((label, i) => [label, i]))
  const matrix = labels.map(() => labels.map(() => 0))
  for (const cell of cells) {
    const row = matrix[index.get(cell.keys['verdict.policy'] as string) as number] as number[]
    const column = index.get(cell.keys.policy as string) as number
    row[column] = (row[column] as number) + cell.n
  }
  const result = { labels, matrix }
  const precisionBy = new Map(
    precision.map((v) => [v.keys[precisionMetric.per ?? 'policy'], strip(v)]),
  )
  const recallBy = new Map(
    recall.map((v) => [v.keys[recallMetric.per ?? 'verdict.policy'], strip(v)]),
  )
  return {
    labels: result.labels,
    matrix: result.matrix,
    policies: result.labels
      .filter((p) => p !== 'none')
      .map((policy) => ({
        policy,
        precision: precisionBy.get(policy) ?? null,
        recall: recallBy.get(policy) ?? null,
      })),
  }
}

function buildScorecards(
  accuracy: readonly SliceValue[],
  score: readonly SliceValue[],
  outcomes: readonly SliceValue[],
  critical: readonly SliceValue[],
): Scorecard[] {
  const key = (v: SliceValue) => `${v.keys.actor_type}\u0000${v.keys.actor_id}`
  const scores = new Map(score.map((v) => [key(v), strip(v)]))
  const criticals = new Map(critical.map((v) => [key(v), v.successes ?? 0]))
  const errors = new Map<string, Record<string, number>>()
  for (const v of outcomes) {
    const record = errors.get(key(v)) ?? Object.fromEntries(OUTCOME_ERRORS.map((o) => [o, 0]))
    record[v.keys.outcome as string] = v.n
    errors.set(key(v), record)
  }
  return accuracy
    .map((v) => ({
      actorType: v.keys.actor_type as string,
      actorId: v.keys.actor_id as string,
      audits: v.n,
      accuracy: strip(v),
      qualityScore: scores.get(key(v)) ?? EMPTY_ESTIMATE,
      errors: errors.get(key(v)) ?? Object.fromEntries(OUTCOME_ERRORS.map((o) => [o, 0])),
      criticalErrors: criticals.get(key(v)) ?? 0,
    }))
    .sort(
      (a, b) =>
        (a.accuracy.estimate ?? 1) - (b.accuracy.estimate ?? 1) ||
        a.actorId.localeCompare(b.actorId),
    )
}
