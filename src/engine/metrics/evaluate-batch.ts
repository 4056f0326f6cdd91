/**
 * Evaluates many (metric, slicing) requests over one period with as few statements as possible:
 * one aggregate statement for every audit-side metric (src/store/metrics-store.ts), one for volume
 * and one per distinct handle-time slicing. The report and the metrics route both go through here.
 */
import { ValidationError } from '../../domain/errors.js'
import { isRollupDimension } from '../../domain/metrics/dimensions.js'
import { usesRollups, type MetricDefinition } from '../../domain/metrics/metric-definition.js'
import { quantileFromBuckets } from '../../stats/index.js'
import type { Database } from '../../store/db.js'
import {
  aggregateHandleTimeBuckets,
  aggregateVolume,
  type DayRange,
  type GroupingSpec,
  type MeasureSpec,
  type MeasureSums,
  type MetricScope,
} from '../../store/metrics-store.js'
import { aggregateFacts } from './aggregate-facts.js'
import { EMPTY_ESTIMATE, proportionFromSums, scoreFromSums, type Estimate } from './estimate.js'
import { currentFacts } from './fact-table.js'
import type { MetricSetup } from './metric-setup.js'

export interface SliceRequest {
  metric: MetricDefinition
  /** Group-by dimensions; the metric's `per` dimension is put first automatically. */
  dimensions: readonly string[]
  /** Only decisions where each dimension has this value (a target's scope). */
  restrict?: Readonly<Record<string, string>>
  /** Evaluate over all values of the metric's `per` dimension together (e.g. overall precision). */
  ignorePer?: boolean
}

export interface SliceValue extends Estimate {
  keys: Record<string, string | null>
  /** The raw sums (proportion and score metrics), for comparisons (sums are additive). */
  sums: MeasureSums | null
}

export interface BatchOptions {
  range: DayRange
  scope: MetricScope
  confidence: number
}

/** The dimensions a request is grouped by: `per` first, then the requested ones. */
export function requestDimensions(request: SliceRequest): string[] {
  const per = request.metric.per
  return per === undefined || request.ignorePer === true || request.dimensions.includes(per)
    ? [...request.dimensions]
    : [per, ...request.dimensions]
}

/** The measure a proportion, score or audit-count metric aggregates. */
export function measureOf(
  metric: MetricDefinition,
  severityWeights: Record<string, number>,
): MeasureSpec {
  if (metric.kind === 'weighted_score') {
    const weights = metric.severity_weights ?? severityWeights
    const values = Object.values(weights)
    const max = Math.max(...values, metric.unknown_severity_weight ?? 0)
    const unknown = metric.unknown_severity_weight ?? (values.length > 0 ? Math.min(...values) : 1)
    const scale = max > 0 ? max : 1
    return {
      over: metric.over,
      denominator: metric.denominator,
      numerator: metric.numerator,
      penalty: {
        bySeverity: Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, v / scale])),
        unknown: unknown / scale,
      },
    }
  }
  return { over: metric.over, denominator: metric.denominator, numerator: metric.numerator }
}

function estimateOf(metric: MetricDefinition, sums: MeasureSums, confidence: number): Estimate {
  if (metric.kind === 'weighted_score') return scoreFromSums(sums, confidence)
  if (metric.kind === 'count') return { ...EMPTY_ESTIMATE, estimate: sums.n, n: sums.n }
  return proportionFromSums(sums, confidence)
}

function keyRecord(
  dimensions: readonly string[],
  keys: readonly (string | null)[],
): Record<string, string | null> {
  return Object.fromEntries(dimensions.map((d, i) => [d, keys[i] ?? null]))
}

/** Evaluates every request; the result list is aligned with `requests`. */
export async function evaluateBatch(
  database: Database,
  setup: MetricSetup,
  requests: readonly SliceRequest[],
  options: BatchOptions,
): Promise<SliceValue[][]> {
  const results: SliceValue[][] = requests.map(() => [])
  const measures: MeasureSpec[] = []
  const groupings: (GroupingSpec & { requests: number[] })[] = []
  const groupingIds = new Map<string, number>()
  const volumeRequests: number[] = []
  const quantileRequests: number[] = []

  requests.forEach((request, ri) => {
    const dimensions = requestDimensions(request)
    if (usesRollups(request.metric)) {
      const bad = [...dimensions, ...Object.keys(request.restrict ?? {})].filter(
        (d) => !isRollupDimension(d),
      )
      if (bad.length > 0) {
        throw new ValidationError(
          `${request.metric.code} is read from the volume roll-ups, which cannot be sliced by ${bad.join(', ')}`,
          [
            {
              path: 'by',
              message: 'use region, queue, site, actor_type, policy, action, day, week or month',
            },
          ],
        )
      }
      ;(request.metric.kind === 'quantile' ? quantileRequests : volumeRequests).push(ri)
      return
    }
    const key = JSON.stringify([dimensions, request.restrict ?? {}])
    let gi = groupingIds.get(key)
    if (gi === undefined) {
      gi = groupings.length
      groupingIds.set(key, gi)
      groupings.push({ dimensions, measures: [], restrict: request.restrict, requests: [] })
    }
    const grouping = groupings[gi] as GroupingSpec & { requests: number[]; measures: number[] }
    grouping.measures.push(measures.length)
    grouping.requests.push(ri)
    measures.push(measureOf(request.metric, setup.severityWeights))
  })

  // p50 and p90 of the same slicing read the same buckets: one grouping per distinct slicing.
  const bucketGroupings = new Map<string, number>()
  const quantileGrouping = quantileRequests.map((ri) => {
    const request = requests[ri] as SliceRequest
    const key = JSON.stringify([requestDimensions(request), request.restrict ?? {}])
    let gi = bucketGroupings.get(key)
    if (gi === undefined) bucketGroupings.set(key, (gi = bucketGroupings.size))
    return gi
  })
  const fetchBuckets = async () => {
    if (bucketGroupings.size === 0) return []
    const groupings = [...bucketGroupings.keys()].map((key) => {
      const [dimensions, restrict] = JSON.parse(key) as [string[], Record<string, string>]
      return { dimensions, restrict }
    })
    const rows = await aggregateHandleTimeBuckets(database.db, {
      range: options.range,
      scope: options.scope,
      groupings,
    })
    return quantileGrouping.map((gi) => rows[gi] ?? [])
  }
  const [verdictRows, volumeRows, quantileRows] = await Promise.all([
    currentFacts(database).then((facts) =>
      aggregateFacts(facts, {
        range: options.range,
        scope: options.scope,
        enforcingActions: setup.enforcingActions,
        measures,
        groupings,
      }),
    ),
    aggregateVolume(database.db, {
      range: options.range,
      scope: options.scope,
      groupings: volumeRequests.map((ri) => ({
        dimensions: requestDimensions(requests[ri] as SliceRequest),
        restrict: requests[ri]?.restrict,
      })),
    }),
    fetchBuckets(),
  ])

  groupings.forEach((grouping, gi) => {
    const rows = verdictRows[gi] ?? []
    grouping.requests.forEach((ri, j) => {
      const metric = (requests[ri] as SliceRequest).metric
      results[ri] = rows
        .map((row) => {
          const sums = row.sums[j] as MeasureSums
          return {
            keys: keyRecord(grouping.dimensions, row.keys),
            ...estimateOf(metric, sums, options.confidence),
            sums,
          }
        })
        // Slices where the metric's denominator is empty say nothing about it.
        .filter((value) => value.n > 0 || grouping.dimensions.length === 0)
    })
  })
  volumeRequests.forEach((ri, vi) => {
    const dimensions = requestDimensions(requests[ri] as SliceRequest)
    results[ri] = (volumeRows[vi] ?? []).map((row) => ({
      keys: keyRecord(dimensions, row.keys),
      ...EMPTY_ESTIMATE,
      estimate: row.decisions,
      n: row.decisions,
      sums: null,
    }))
  })
  quantileRequests.forEach((ri, qi) => {
    const request = requests[ri] as SliceRequest
    const dimensions = requestDimensions(request)
    const rows = quantileRows[qi] ?? []
    const values: SliceValue[] = rows.map((row) => {
      const n = row.buckets.reduce((sum, [, count]) => sum + count, 0)
      return {
        keys: keyRecord(dimensions, row.keys),
        ...EMPTY_ESTIMATE,
        estimate: n > 0 ? quantileFromBuckets(row.buckets, request.metric.quantile ?? 0.5) : null,
        n,
        sums: null,
      }
    })
    results[ri] =
      values.length === 0 && dimensions.length === 0
        ? [{ keys: {}, ...EMPTY_ESTIMATE, sums: null }]
        : values
  })
  return results.map(sortByKeys)
}

/** Slices in a stable order: by key values, missing values last (keys read once per slice). */
function sortByKeys(list: SliceValue[]): SliceValue[] {
  const decorated = list.map((value) => ({ value, keys: Object.values(value.keys) }))
  decorated.sort((a, b) => {
    for (let i = 0; i < a.keys.length; i++) {
      const p = a.keys[i] ?? null
      const q = b.keys[i] ?? null
      if (p === q) continue
      if (p === null) return 1
      if (q === null) return -1
      return p < q ? -1 : 1
    }
    return 0
  })
  return decorated.map((d) => d.value)
}
