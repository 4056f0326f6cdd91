/**
 * Evaluates one metric for a period, optionally sliced, with intervals and comparisons: each
 * slice against the rest of the population (`compare: 'rest'`) or against the same slice in the
 * previous period (`compare: 'previous'`); p-values are adjusted across slices with
 * Benjamini-Hochberg.
 */
import type { Principal } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { parseDimensions } from '../../domain/metrics/dimensions.js'
import type { MetricDefinition } from '../../domain/metrics/metric-definition.js'
import { previousPeriod, type Period } from '../../domain/metrics/period.js'
import { benjaminiHochberg } from '../../stats/index.js'
import type { Database } from '../../store/db.js'
import { evaluateBatch, requestDimensions, type SliceValue } from './evaluate-batch.js'
import {
  compareEstimates,
  proportionFromSums,
  scoreFromSums,
  subtractSums,
  type Comparison,
  type Estimate,
} from './estimate.js'
import {
  getMetric,
  loadMetricSetup,
  resolvePeriod,
  scopeOf,
  type MetricSetup,
} from './metric-setup.js'

export type CompareMode = 'rest' | 'previous' | 'none'

export interface EvaluateMetricOptions {
  metric: string
  by?: string | readonly string[]
  period?: string
  compare?: CompareMode
  confidence?: number
  now: Date
}

export interface MetricSliceResult extends Omit<SliceValue, 'sums'> {
  comparison: (Comparison & { pAdjusted: number; against: CompareMode }) | null
}

export interface MetricResult {
  metric: Pick<MetricDefinition, 'code' | 'name' | 'kind' | 'unit' | 'higher_is_better'>
  period: Period
  comparedWith: Period | null
  by: string[]
  confidence: number
  overall: Omit<SliceValue, 'sums' | 'keys'>
  slices: MetricSliceResult[]
}

const withoutSums = ({ sums: _sums, ...rest }: SliceValue) => rest

function estimateFor(
  metric: MetricDefinition,
  value: SliceValue | undefined,
  confidence: number,
): Estimate | null {
  if (value?.sums == null) return null
  return metric.kind === 'weighted_score'
    ? scoreFromSums(value.sums, confidence)
    : proportionFromSums(value.sums, confidence)
}

export async function evaluateMetric(
  database: Database,
  principal: Pick<Principal, 'regions' | 'sites'> | null,
  options: EvaluateMetricOptions,
  preloaded?: MetricSetup,
): Promise<MetricResult> {
  const setup = preloaded ?? (await loadMetricSetup(database))
  const metric = getMetric(setup, options.metric)
  const by = parseDimensions(options.by)
  const confidence = options.confidence ?? 0.95
  if (!(confidence > 0.5 && confidence < 1)) {
    throw new ValidationError('confidence must be between 0.5 and 1', [
      { path: 'confidence', message: 'e.g. 0.95' },
    ])
  }
  const period = resolvePeriod(setup, options.period ?? 'month', options.now)
  const scope = scopeOf(principal)
  const dimensions = requestDimensions({ metric, dimensions: by })
  const hasInterval = metric.kind === 'proportion' || metric.kind === 'weighted_score'
  const compare: CompareMode = !hasInterval
    ? 'none'
    : (options.compare ?? (dimensions.length > 0 ? 'rest' : 'previous'))
  if (compare === 'rest' && dimensions.length === 0) {
    throw new ValidationError('compare=rest needs slices', [
      { path: 'compare', message: 'add by=... or use compare=previous' },
    ])
  }
  const requests = [
    { metric, dimensions: [] as string[], ignorePer: true },
    { metric, dimensions: by },
  ]
  const [overallRows = [], sliceRows = []] = await evaluateBatch(
    database,
    setup,
    dimensions.length === 0 ? requests.slice(0, 1) : requests,
    {
      range: period,
      scope,
      confidence,
    },
  )
  const overall = overallRows[0]
  const slices = dimensions.length === 0 ? overallRows : sliceRows

  let previous: Period | null = null
  let previousByKey = new Map<string, SliceValue>()
  if (compare === 'previous') {
    previous = previousPeriod(period)
    const [rows = []] = await evaluateBatch(database, setup, [{ metric, dimensions: by }], {
      range: previous,
      scope,
      confidence,
    })
    previousByKey = new Map(rows.map((r) => [JSON.stringify(r.keys), r]))
  }

  const comparisons = slices.map((slice): Comparison | null => {
    const current = estimateFor(metric, slice, confidence)
    if (current === null) return null
    if (compare === 'rest') {
      const rest = overall?.sums && slice.sums ? subtractSums(overall.sums, slice.sums) : null
      if (rest === null) return null
      const restEstimate =
        metric.kind === 'weighted_score'
          ? scoreFromSums(rest, confidence)
          : proportionFromSums(rest, confidence)
      return compareEstimates(current, restEstimate)
    }
    if (compare === 'previous') {
      const before = estimateFor(metric, previousByKey.get(JSON.stringify(slice.keys)), confidence)
      return before === null ? null : compareEstimates(current, before)
    }
    return null
  })
  const tested = comparisons.flatMap((c, i) => (c === null ? [] : [i]))
  const adjusted = benjaminiHochberg(tested.map((i) => (comparisons[i] as Comparison).pValue))
  const adjustedByIndex = new Map(tested.map((i, k) => [i, adjusted[k] as number]))

  const { keys: _keys, ...overallValue } = withoutSums(
    overall ?? {
      keys: {},
      estimate: null,
      lower: null,
      upper: null,
      n: 0,
      effectiveSampleSize: null,
      successes: null,
      sums: null,
    },
  )
  return {
    metric: {
      code: metric.code,
      name: metric.name,
      kind: metric.kind,
      unit: metric.unit,
      higher_is_better: metric.higher_is_better,
    },
    period,
    comparedWith: previous,
    by: dimensions,
    confidence,
    overall: overallValue,
    slices: slices.map((slice, i) => {
      const comparison = comparisons[i]
      return {
        ...withoutSums(slice),
        comparison:
          comparison == null
            ? null
            : { ...comparison, pAdjusted: adjustedByIndex.get(i) as number, against: compare },
      }
    }),
  }
}
