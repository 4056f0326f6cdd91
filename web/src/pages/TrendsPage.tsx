/**
 * Trends: a metric over time for one scope, as a p-chart with per-period control limits; points
 * that break a Nelson rule are marked with a cross and listed. Alerts the monitors raised on the
 * metric in the charted period (GET /v1/alerts?metric=&from=&to=) are marked with a labelled
 * triangle and listed, for users with alerts:read.
 */
import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useSearchParams } from 'react-router'
import { api } from '../api/client'
import type { AlertList, MetricResult, MonitorAlert } from '../api/types'
import { Chart } from '../components/Chart'
import { pChartOption, type ChartAlertMark } from '../components/chart-options'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { count, pct, sliceLabel, when } from '../components/format'
import { Loading } from '../components/Loading'
import { pChart } from '../components/stats'
import { useSession } from '../hooks/useSession'
import { METRICS, metricName } from '../metrics'

const RULES: Record<number, string> = {
  1: 'beyond a control limit',
  2: 'nine in a row on one side of the centre',
  3: 'six in a row rising or falling',
}

export function TrendsPage() {
  const [params, setParams] = useSearchParams()
  const metric = params.get('metric') ?? 'error_rate'
  const bucket = params.get('bucket') ?? 'day'
  const scopeDim = params.get('dim') ?? ''
  const scopeValue = params.get('value') ?? ''
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params)
    if (v === '') next.delete(k)
    else next.set(k, v)
    setParams(next, { replace: true })
  }
  const by = scopeDim === '' ? bucket : `${scopeDim},${bucket}`
  const result = useQuery({
    queryKey: ['metric', metric, by, 'all'],
    queryFn: () =>
      api.get<MetricResult>(`/v1/metrics/${encodeURIComponent(metric)}`, {
        by,
        period: 'all',
        compare: 'none',
      }),
  })
  const { can } = useSession()
  const period = result.data?.period
  const alertQuery = useQuery({
    queryKey: ['alerts', metric, period?.from, period?.to],
    queryFn: () =>
      api.get<AlertList>('/v1/alerts', {
        metric,
        from: period?.from,
        to: period?.to,
        state: 'all',
        limit: 500,
      }),
    enabled: can('alerts:read') && period !== undefined,
  })
  const scopes = useMemo(() => {
    if (scopeDim === '') return []
    return [...new Set((result.data?.slices ?? []).map((s) => s.keys[scopeDim] ?? '(none)'))].sort()
  }, [result.data, scopeDim])
  const points = useMemo(() => {
    const slices = (result.data?.slices ?? []).filter(
      (s) => scopeDim === '' || scopeValue === '' || s.keys[scopeDim] === scopeValue,
    )
    const byPeriod = new Map<string, { successes: number; n: number }>()
    for (const s of slices) {
      const period = s.keys[bucket] ?? '?'
      const cell = byPeriod.get(period) ?? { successes: 0, n: 0 }
      cell.n += s.n
      cell.successes += s.successes ?? (s.estimate ?? 0) * s.n
      byPeriod.set(period, cell)
    }
    return pChart(
      [...byPeriod.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([period, c]) => ({ period, ...c })),
    )
  }, [result.data, scopeDim, scopeValue, bucket])
  const alerts = useMemo(
    () =>
      (alertQuery.data?.alerts ?? [])
        .filter((a) => scopeValue === '' || a.slice[scopeDim] === scopeValue)
        .map((a) => ({ alert: a, index: pointIndex(points, a.lastPeriodStart) }))
        .filter((a) => a.index >= 0),
    [alertQuery.data, points, scopeDim, scopeValue],
  )
  const marks = useMemo(() => {
    const byIndex = new Map<number, MonitorAlert[]>()
    for (const { alert, index } of alerts)
      byIndex.set(index, [...(byIndex.get(index) ?? []), alert])
    return [...byIndex.entries()].map(([index, list]): ChartAlertMark => ({
      index,
      label: list.length === 1 ? '⚠ alert' : `⚠ ${list.length} alerts`,
      details: list.map((a) => `${a.severity}: ${a.title}`),
    }))
  }, [alerts])
  const option = useMemo(
    () =>
      points.length === 0
        ? null
        : pChartOption(
            `${metricName(metric)} per ${bucket}${scopeValue ? ` · ${scopeDim}=${scopeValue}` : ''}`,
            metricName(metric),
            points.map((p) => ({ ...p, lower: null, upper: null })),
            marks,
          ),
    [points, metric, bucket, scopeDim, scopeValue, marks],
  )
  const signals = points.filter((p) => p.rules.length > 0)
  return (
    <section className="page">
      <header className="page-head">
        <h1>Trends</h1>
      </header>
      <form
        className="card controls"
        onSubmit={(e) => e.preventDefault()}
        aria-label="Chart settings"
      >
        <label>
          Metric
          <select value={metric} onChange={(e) => set('metric', e.target.value)}>
            {METRICS.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Period
          <select value={bucket} onChange={(e) => set('bucket', e.target.value)}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
        <label>
          Scope by
          <select
            value={scopeDim}
            onChange={(e) => setParams({ metric, bucket, dim: e.target.value }, { replace: true })}
          >
            <option value="">everything</option>
            <option value="region">region</option>
            <option value="queue">queue</option>
            <option value="site">site</option>
            <option value="actor_type">actor type</option>
          </select>
        </label>
        {scopeDim !== '' && (
          <label>
            {scopeDim}
            <select value={scopeValue} onChange={(e) => set('value', e.target.value)}>
              <option value="">all together</option>
              {scopes.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
      </form>
      {result.isPending && <Loading label="Computing" />}
      {result.error && (
        <ErrorState error={result.error} what={`GET /v1/metrics/${metric}?by=${bucket}`} />
      )}
      {result.data && points.length === 0 && <EmptyState>No audits in any period yet.</EmptyState>}
      {option && (
        <section className="card">
          <Chart
            option={option}
            label={`p-chart of ${metricName(metric)} per ${bucket}; dashed lines are control limits; crosses mark points that break a rule; triangles labelled “alert” mark alerts raised by the monitors`}
            height={360}
          />
        </section>
      )}
      {points.length > 0 && (
        <section className="card" aria-labelledby="signals-title">
          <h2 id="signals-title">Signals ({signals.length})</h2>
          {signals.length === 0 ? (
            <EmptyState>No point breaks a rule: the process looks stable.</EmptyState>
          ) : (
            <ul>
              {signals.map((p) => (
                <li key={p.period}>
                  <strong>{p.period}</strong>: {pct(p.estimate)} of {count(p.n)} audits (limits{' '}
                  {pct(p.lcl)} – {pct(p.ucl)}) —{' '}
                  {p.rules.map((r) => `rule ${r}, ${RULES[r]}`).join('; ')}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {alerts.length > 0 && (
        <section className="card alerts" aria-labelledby="chart-alerts-title">
          <h2 id="chart-alerts-title">Alerts on this chart ({alerts.length})</h2>
          <ul>
            {alerts.map(({ alert: a, index }) => (
              <li key={a.alertId}>
                <span aria-hidden="true">⚠</span> <strong>{points[index]?.period}</strong> ·{' '}
                {a.severity} · {a.state} · {sliceLabel(cleanSlice(a.slice))} —{' '}
                {a.evidence?.ruleText ?? a.rule}
                <div className="muted small">
                  {a.title} · raised {when(a.raisedAt)}
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  )
}

function cleanSlice(slice: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(slice).map(([k, v]) => [k, v ?? '(none)']))
}

/** The charted period an alert's period start falls in: the last point starting on or before it. */
function pointIndex(points: readonly { period: string }[], start: string): number {
  let found = -1
  points.forEach((p, i) => {
    if (p.period <= start) found = i
  })
  return found
}
