/**
 * Runs the active monitors as of a date (`assay monitor run`, cron, and the `serve` schedule).
 *
 * What: for each as-of day (one, or every day of a backfill `from … asOf`), each chart monitor
 * judges its latest complete period (minus its `delay`) in every slice; all tests of one as-of day
 * form one family whose false-alarm rate is controlled with Benjamini-Hochberg
 * (domain/monitoring/control-false-alarms.ts); target monitors check the targets as of the last day.
 * Signals are written with their key (monitor, slice, rule, period), so re-running a period adds
 * nothing; new signals join their group's alert (same monitor and slice) while it is open or
 * within the cooldown, otherwise raise a new alert and queue its webhook deliveries (the outbox).
 * Delivery happens afterwards and never blocks a run (engine/alerts/deliver-alerts.ts).
 *
 * Cost: one aggregate statement per chart monitor over its window (final_verdicts ⋈
 * audited_decisions, grouped by slice × period: n, Σw, Σw², Σw·y — monitor-store
 * `aggregateMonitorSeries`, with the metrics store's dimension and filter compilers) plus one per
 * frozen baseline; judging runs in JS in O(slices × history).
 * Locking: the write phase runs in one transaction under an advisory lock (monitor-store).
 */
import { addDays, daysBetween, startOfWeek, toDay } from '../../domain/metrics/period.js'
import type { MetricDefinition } from '../../domain/metrics/metric-definition.js'
import {
  controlFalseAlarms,
  DEFAULT_FALSE_ALARM_RATE,
  type Unusualness,
} from '../../domain/monitoring/control-false-alarms.js'
import {
  judgeSeries,
  toDefectSums,
  type Candidate,
  type Judgement,
  type PeriodSums,
} from '../../domain/monitoring/judge-series.js'
import {
  resolveChartSettings,
  type ChartMonitor,
  type Monitor,
  type TargetMonitor,
} from '../../domain/monitoring/monitor-definition.js'
import { ValidationError } from '../../domain/errors.js'
import { normalCdf } from '../../stats/index.js'
import type { Database } from '../../store/db.js'
import { aggregateMonitorSeries, insertMonitorRun } from '../../store/monitor-store.js'
import { measureOf, requestDimensions } from '../metrics/evaluate-batch.js'
import { getMetric, loadMetricSetup, type MetricSetup } from '../metrics/metric-setup.js'
import { evaluateTargets } from '../targets/evaluate-targets.js'
import { raiseSignals, type PendingSignal, type RaiseResult } from '../alerts/raise-alerts.js'
import { checkMonitorMetric, listMonitors } from './monitors.js'
import { clipInput, clipInputs } from '../../domain/quote-input.js'

export interface RunMonitorsOptions {
  /** The run's date (YYYY-MM-DD): periods that ended before it are judged. */
  asOf: string
  /** Backfill: judge as of every day from this one to `asOf`, as a daily cron would have. */
  from?: string
  /** q of the Benjamini-Hochberg control across slices (default 0.0005). */
  falseAlarmRate?: number
  /** Only these monitors (default: every enabled one). */
  monitorIds?: readonly string[]
  /** Wall-clock time of the run (alert timestamps). */
  now: Date
  /** Who runs it, for the trail: `cli:<user>`, a user id, or `system` (the schedule). */
  actor?: string
}

export interface MonitorRunSummary {
  asOfFrom: string
  asOfTo: string
  monitors: number
  /** Slice-periods with enough audits and a baseline, judged. */
  pointsJudged: number
  /** Tests (rules × judged points) in all families. */
  tests: number
  signals: number
  newAlerts: string[]
  attachedToExisting: number
  duplicates: number
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/

function checkDay(value: string, path: string): void {
  if (!DAY_PATTERN.test(value) || Number.isNaN(new Date(`${value}T00:00:00Z`).getTime())) {
    throw new ValidationError(`not a date: ${clipInput(value)}`, [
      { path, message: 'expected YYYY-MM-DD' },
    ])
  }
}

/** Start of the period a chart monitor judges on `asOf`: the latest one that ended by then, less its delay. */
export function judgedPeriodStart(
  monitor: Pick<ChartMonitor, 'period' | 'delay'>,
  asOf: string,
): string {
  if (monitor.period === 'day') return addDays(asOf, -1 - monitor.delay)
  return addDays(startOfWeek(asOf), -7 * (1 + monitor.delay))
}

const periodLength = (monitor: Pick<ChartMonitor, 'period'>) => (monitor.period === 'day' ? 1 : 7)

/** A slice's key: its dimension values, sorted, as JSON (restricted values included). */
export function sliceKeyOf(slice: Record<string, string | null>): string {
  return JSON.stringify(Object.entries(slice).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export function describeSlice(slice: Record<string, string | null>): string {
  const parts = Object.entries(slice).map(([k, v]) => `${k}=${v ?? '(none)'}`)
  return parts.length === 0 ? 'all decisions' : parts.join(', ')
}

interface SliceSeries {
  slice: Record<string, string | null>
  byPeriod: Map<string, PeriodSums>
}

interface ChartData {
  monitor: ChartMonitor
  metric: MetricDefinition
  slices: SliceSeries[]
  frozen: Map<string, PeriodSums> | null
  windowStart: string
}

async function loadChartData(
  database: Database,
  setup: MetricSetup,
  monitor: ChartMonitor,
  firstJudged: string,
  lastJudged: string,
): Promise<ChartData> {
  const metric = getMetric(setup, monitor.metric)
  const settings = resolveChartSettings(monitor)
  const length = periodLength(monitor)
  const back =
    monitor.baseline.kind === 'rolling'
      ? settings.history - 1 + settings.baselinePeriods
      : settings.history - 1
  const windowStart = addDays(firstJudged, -back * length)
  const grain = monitor.period
  const flipSums = metric.kind === 'proportion' && metric.higher_is_better
  const measure = measureOf(metric, setup.severityWeights)
  const dimensions = [...requestDimensions({ metric, dimensions: monitor.by }), grain]
  const rows = await aggregateMonitorSeries(database.db, {
    from: windowStart,
    to: addDays(lastJudged, length),
    dimensions,
    restrict: monitor.restrict,
    measure,
    enforcingActions: setup.enforcingActions,
  })
  const sliceOf = (keys: (string | null)[], width: number) => {
    const slice: Record<string, string | null> = { ...monitor.restrict }
    for (let i = 0; i < width; i++) slice[dimensions[i] as string] = keys[i] ?? null
    return slice
  }
  const slices = new Map<string, SliceSeries>()
  for (const row of rows) {
    const period = row.keys[dimensions.length - 1]
    if (period == null) continue
    const slice = sliceOf(row.keys, dimensions.length - 1)
    const key = sliceKeyOf(slice)
    let series = slices.get(key)
    if (series === undefined) {
      series = { slice, byPeriod: new Map() }
      slices.set(key, series)
    }
    series.byPeriod.set(
      period,
      toDefectSums({ period, n: row.n, sw: row.sw, sw2: row.sw2, swy: row.swy }, flipSums),
    )
  }
  let frozen: Map<string, PeriodSums> | null = null
  if (monitor.baseline.kind === 'frozen') {
    frozen = new Map()
    const baseRows = await aggregateMonitorSeries(database.db, {
      from: monitor.baseline.from,
      to: addDays(monitor.baseline.to, 1),
      dimensions: dimensions.slice(0, -1),
      restrict: monitor.restrict,
      measure,
      enforcingActions: setup.enforcingActions,
    })
    for (const row of baseRows) {
      const slice = sliceOf(row.keys, dimensions.length - 1)
      frozen.set(
        sliceKeyOf(slice),
        toDefectSums(
          { period: monitor.baseline.from, n: row.n, sw: row.sw, sw2: row.sw2, swy: row.swy },
          flipSums,
        ),
      )
    }
  }
  return { monitor, metric, slices: [...slices.values()], frozen, windowStart }
}

/** The period starts from `from` to `to` inclusive (computed once per monitor, shared by its slices). */
function periodStarts(from: string, to: string, length: number): string[] {
  const starts: string[] = []
  for (let p = from; p <= to; p = addDays(p, length)) starts.push(p)
  return starts
}

function denseSeries(series: SliceSeries, starts: readonly string[]): PeriodSums[] {
  return starts.map((p) => series.byPeriod.get(p) ?? { period: p, n: 0, sw: 0, sw2: 0, swy: 0 })
}

interface FamilyTest {
  data: ChartData
  slice: Record<string, string | null>
  periodStart: string
  candidate: Candidate
  judgement: Judgement
}

const RULE_TEXT: Record<string, string> = {
  nelson_1: 'a point beyond its limit (rule 1)',
  nelson_2: 'nine points in a row above the centre (rule 2)',
  nelson_3: 'six points in a row rising (rule 3)',
  nelson_4: 'fourteen points alternating (rule 4)',
  nelson_5: 'two of three points beyond 2σ (rule 5)',
  nelson_6: 'four of five points beyond 1σ (rule 6)',
  nelson_7: 'fifteen points hugging the centre (rule 7)',
  nelson_8: 'eight points beyond 1σ either side (rule 8)',
  ewma: 'the EWMA beyond its limit (a sustained shift)',
  cusum: 'the CUSUM beyond its decision interval (a sustained shift)',
  target_missed: 'a target missed',
}

export function describeRule(rule: string): string {
  return RULE_TEXT[rule] ?? rule
}

function formatRate(value: number | null, unit: string): string {
  if (value === null) return 'n/a'
  return unit === 'percent' ? `${(value * 100).toFixed(1)} %` : value.toFixed(3)
}

function periodLabel(monitor: ChartMonitor, start: string): string {
  return monitor.period === 'day' ? start : `week of ${start}`
}

function chartSignal(test: FamilyTest, unusual: Unusualness, asOf: string): PendingSignal {
  const { data, slice, periodStart, candidate, judgement } = test
  const { monitor, metric } = data
  const point = judgement.points.at(-1)
  const baseline = judgement.baseline
  const worse = metric.higher_is_better ? 'fell' : 'rose'
  const title =
    `${metric.name} ${worse} to ${formatRate(point?.value ?? null, metric.unit)} (baseline ${formatRate(baseline?.value ?? null, metric.unit)})` +
    ` in ${describeSlice(slice)}, ${periodLabel(monitor, periodStart)}`
  return {
    monitorId: monitor.id,
    groupKey: `metric:${metric.code}|${sliceKeyOf(slice)}`,
    metric: metric.code,
    slice,
    sliceKey: sliceKeyOf(slice),
    rule: candidate.rule,
    period: periodStart,
    periodStart,
    periodLength: periodLength(monitor),
    asOf,
    severity: monitor.severity,
    cooldown: monitor.cooldown,
    title,
    pValue: unusual.pValue,
    pAdjusted: unusual.pAdjusted,
    evidence: {
      kind: 'chart',
      monitor: {
        id: monitor.id,
        name: monitor.name,
        period: monitor.period,
        chart: monitor.chart,
        rules: monitor.rules,
        baseline: monitor.baseline,
        minCount: monitor.minCount,
      },
      metric: {
        code: metric.code,
        name: metric.name,
        unit: metric.unit,
        higherIsBetter: metric.higher_is_better,
      },
      slice,
      period: {
        start: periodStart,
        end: addDays(periodStart, periodLength(monitor)),
        label: periodLabel(monitor, periodStart),
      },
      rule: candidate.rule,
      ruleText: describeRule(candidate.rule),
      value: point?.value ?? null,
      audits: point?.n ?? 0,
      effectiveAudits: point?.effectiveN ?? 0,
      statistic: candidate.statistic,
      baseline,
      points: judgement.points,
      unusualness: {
        ...unusual,
        text: `p = ${unusual.pValue.toExponential(2)}; ${unusual.expectedByChance.toExponential(2)} of the run's ${unusual.familySize} tests expected this extreme by chance (BH-adjusted p = ${unusual.pAdjusted.toExponential(2)} ≤ q = ${unusual.falseAlarmRate})`,
      },
      asOf,
    },
  }
}

async function targetSignals(
  database: Database,
  setup: MetricSetup,
  monitor: TargetMonitor,
  asOf: string,
): Promise<PendingSignal[]> {
  const lastDay = addDays(asOf, -1)
  const range = {
    first: setup.range.first,
    last: setup.range.last === null || setup.range.last > lastDay ? lastDay : setup.range.last,
  }
  const results = await evaluateTargets(
    database,
    null,
    { now: new Date(`${asOf}T00:00:00Z`), confidence: monitor.confidence },
    { ...setup, range },
  )
  const signals: PendingSignal[] = []
  for (const result of results) {
    if (result.status !== 'missed') continue
    if (monitor.targets !== undefined && !monitor.targets.includes(result.target.targetId)) continue
    const { value, target } = result
    const slice: Record<string, string | null> = { target: target.targetId, ...target.scope }
    const se =
      value.estimate !== null && value.effectiveSampleSize
        ? Math.sqrt((value.estimate * (1 - value.estimate)) / value.effectiveSampleSize)
        : null
    const pValue =
      se !== null && se > 0 && result.gap !== null ? 1 - normalCdf(result.gap / se) : null
    const period = `${result.period.from}..${addDays(result.period.to, -1)}`
    signals.push({
      monitorId: monitor.id,
      groupKey: `target:${target.targetId}`,
      metric: target.metric,
      slice,
      sliceKey: sliceKeyOf({ target: target.targetId }),
      rule: 'target_missed',
      period,
      periodStart: result.period.from,
      periodLength: daysBetween(result.period.from, result.period.to),
      asOf,
      severity: monitor.severity,
      cooldown: monitor.cooldown,
      title: `Target ${target.name ?? target.targetId} missed: ${result.metricName} ${formatRate(value.estimate, result.unit)} (${formatRate(value.lower, result.unit)}–${formatRate(value.upper, result.unit)}) vs ${target.direction === 'at_least' ? '≥' : '≤'} ${formatRate(target.threshold, result.unit)}, ${result.period.label}`,
      pValue,
      pAdjusted: null,
      evidence: {
        kind: 'target',
        monitor: { id: monitor.id, name: monitor.name, confidence: monitor.confidence },
        target: { ...target, updatedAt: target.updatedAt.toISOString() },
        metric: { code: target.metric, name: result.metricName, unit: result.unit },
        slice,
        period: result.period,
        rule: 'target_missed',
        ruleText: describeRule('target_missed'),
        value,
        gap: result.gap,
        unusualness: {
          pValue,
          text: `the whole ${Math.round(monitor.confidence * 100)} % interval is on the wrong side of the threshold${pValue === null ? '' : ` (one-sided p = ${pValue.toExponential(2)})`}`,
        },
        asOf,
      },
    })
  }
  return signals
}

function daysFrom(from: string, to: string): string[] {
  const days: string[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d)
  return days
}

/** Runs the monitors; never raises the same (monitor, slice, rule, period) twice. */
export async function runMonitors(
  database: Database,
  options: RunMonitorsOptions,
): Promise<MonitorRunSummary> {
  checkDay(options.asOf, 'asOf')
  if (options.from !== undefined) {
    checkDay(options.from, 'from')
    if (options.from > options.asOf)
      throw new ValidationError('from is after asOf', [
        { path: 'from', message: 'must not be after the as-of date' },
      ])
    if (daysBetween(options.from, options.asOf) > 731)
      throw new ValidationError('backfill too long', [
        { path: 'from', message: 'at most two years' },
      ])
  }
  const q = options.falseAlarmRate ?? DEFAULT_FALSE_ALARM_RATE
  if (!(q > 0 && q < 1))
    throw new ValidationError('falseAlarmRate must be in (0, 1)', [
      { path: 'falseAlarmRate', message: 'e.g. 0.0005' },
    ])
  const started = new Date()
  const setup = await loadMetricSetup(database)
  const entries = await listMonitors(database)
  const wanted = options.monitorIds === undefined ? null : new Set(options.monitorIds)
  if (wanted !== null) {
    const missing = [...wanted].filter((id) => !entries.some((e) => e.monitor.id === id))
    if (missing.length > 0)
      throw new ValidationError(`no monitor ${clipInputs(missing)}`, [
        { path: 'monitor', message: 'see assay monitor list' },
      ])
  }
  const active: Monitor[] = entries
    .map((e) => e.monitor)
    .filter((m) => m.enabled && (wanted === null || wanted.has(m.id)))
  for (const monitor of active) checkMonitorMetric(monitor, setup)
  const asOfDays = daysFrom(options.from ?? options.asOf, options.asOf)
  const firstAsOf = asOfDays[0] as string
  const lastAsOf = asOfDays.at(-1) as string

  const charts = active.filter((m): m is ChartMonitor => m.kind === 'chart')
  const data = await Promise.all(
    charts.map((m) =>
      loadChartData(
        database,
        setup,
        m,
        judgedPeriodStart(m, firstAsOf),
        judgedPeriodStart(m, lastAsOf),
      ),
    ),
  )
  const dense = data.map((d) => {
    const starts = periodStarts(
      d.windowStart,
      judgedPeriodStart(d.monitor, lastAsOf),
      periodLength(d.monitor),
    )
    return d.slices.map((s) => ({ slice: s.slice, series: denseSeries(s, starts) }))
  })

  let pointsJudged = 0
  let tests = 0
  const signals: PendingSignal[] = []
  for (const asOf of asOfDays) {
    const family: FamilyTest[] = []
    data.forEach((d, mi) => {
      const settings = resolveChartSettings(d.monitor)
      const periodStart = judgedPeriodStart(d.monitor, asOf)
      const index = daysBetween(d.windowStart, periodStart) / periodLength(d.monitor)
      for (const { slice, series } of dense[mi] ?? []) {
        const frozen =
          d.frozen === null
            ? null
            : (d.frozen.get(sliceKeyOf(slice)) ?? { period: '', n: 0, sw: 0, sw2: 0, swy: 0 })
        const judgement = judgeSeries(series.slice(0, index + 1), index, {
          monitor: d.monitor,
          settings,
          flip: d.metric.higher_is_better,
          frozenBaseline: frozen,
        })
        if (judgement.skipped === undefined) pointsJudged += 1
        for (const candidate of judgement.candidates)
          family.push({ data: d, slice, periodStart, candidate, judgement })
      }
    })
    tests += family.length
    const control = controlFalseAlarms(
      family.map((t) => t.candidate.pValue),
      q,
    )
    family.forEach((test, i) => {
      const unusual = control[i]
      if (unusual?.signal) signals.push(chartSignal(test, unusual, asOf))
    })
  }
  for (const monitor of active) {
    if (monitor.kind === 'targets')
      signals.push(...(await targetSignals(database, setup, monitor, lastAsOf)))
  }

  const raised: RaiseResult = await raiseSignals(database, signals, {
    now: options.now,
    actor: options.actor ?? 'system',
  })
  const summary: MonitorRunSummary = {
    asOfFrom: firstAsOf,
    asOfTo: lastAsOf,
    monitors: active.length,
    pointsJudged,
    tests,
    signals: signals.length,
    newAlerts: raised.newAlerts,
    attachedToExisting: raised.attached,
    duplicates: raised.duplicates,
  }
  await insertMonitorRun(database.db, {
    startedAt: started,
    finishedAt: new Date(),
    asOfFrom: firstAsOf,
    asOfTo: lastAsOf,
    actor: options.actor ?? 'system',
    monitors: active.length,
    pointsJudged,
    signals: signals.length,
    alertsRaised: raised.newAlerts.length,
  })
  return summary
}

/** Today's date (UTC) as the default as-of. */
export function defaultAsOf(now: Date): string {
  return toDay(now)
}
