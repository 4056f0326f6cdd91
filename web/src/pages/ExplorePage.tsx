/**
 * Explore: a metric over any slice and period — a table and a chart with interval error bars,
 * sortable by the gap to a target, and a drill-down from a slice to its audited decisions.
 * The choices live in the URL, so a view can be shared.
 */
import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { useSearchParams } from 'react-router'
import { api } from '../api/client'
import type { MetricResult, MetricSlice } from '../api/types'
import { Chart } from '../components/Chart'
import { intervalChartOption } from '../components/chart-options'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { count, interval, pct, pp, sliceLabel } from '../components/format'
import { IntervalBar, scaleFor } from '../components/IntervalBar'
import { Loading } from '../components/Loading'
import { DIMENSIONS, higherIsBetter, METRICS, metricName, PERIODS } from '../metrics'
import { SliceAudits } from './SliceAudits'

type SortKey = 'gap' | 'estimate' | 'n' | 'slice'

export function ExplorePage() {
  const [params, setParams] = useSearchParams()
  const metric = params.get('metric') ?? 'accuracy'
  const by = (params.get('by') ?? 'region').split(',').filter((d) => d !== '')
  const period = params.get('period') ?? 'last-28d'
  const targetText = params.get('target') ?? ''
  const [sort, setSort] = useState<SortKey>('gap')
  const [drill, setDrill] = useState<Record<string, string> | null>(null)

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params)
    for (const [k, v] of Object.entries(changes)) {
      if (v === '') next.delete(k)
      else next.set(k, v)
    }
    setDrill(null)
    setParams(next, { replace: true })
  }

  const result = useQuery({
    queryKey: ['metric', metric, by.join(','), period],
    queryFn: () =>
      api.get<MetricResult>(`/v1/metrics/${encodeURIComponent(metric)}`, {
        by: by.join(','),
        period,
        compare: 'none',
      }),
  })

  const higher = higherIsBetter(metric, result.data?.metric.higher_is_better)
  const target = targetText === '' ? null : Number(targetText) / 100
  const reference = target ?? result.data?.overall.estimate ?? null
  const gapOf = (s: MetricSlice) =>
    s.estimate == null || reference == null
      ? null
      : higher
        ? reference - s.estimate
        : s.estimate - reference

  const rows = useMemo(() => {
    const slices = [...(result.data?.slices ?? [])]
    const key = (s: MetricSlice) => sliceLabel(clean(s.keys))
    slices.sort((a, b) => {
      if (sort === 'slice') return key(a).localeCompare(key(b))
      if (sort === 'n') return b.n - a.n
      if (sort === 'estimate') return (b.estimate ?? -1) - (a.estimate ?? -1)
      return (gapOf(b) ?? -Infinity) - (gapOf(a) ?? -Infinity)
    })
    return slices
  }, [result.data, sort, reference, higher])

  const option = useMemo(() => {
    if (rows.length === 0) return null
    return intervalChartOption(
      `${metricName(metric)} by ${by.join(' × ') || 'overall'}`,
      metricName(metric),
      rows.slice(0, 30).map((s) => ({
        label: sliceLabel(clean(s.keys)),
        estimate: s.estimate,
        lower: s.lower,
        upper: s.upper,
      })),
      { xName: by.join(' × ') || 'slice', target },
    )
  }, [rows, metric, by, target])

  const scale = scaleFor(rows.map((r) => ({ ...r, target })))

  return (
    <section className="page">
      <header className="page-head">
        <h1>Explore</h1>
        {result.data && (
          <p className="sub">
            {result.data.period.label} · overall {pct(result.data.overall.estimate)} (
            {interval(result.data.overall.lower, result.data.overall.upper)}),{' '}
            {count(result.data.overall.n)} audits
          </p>
        )}
      </header>
      <form
        className="card controls"
        onSubmit={(e) => e.preventDefault()}
        aria-label="What to explore"
      >
        <label>
          Metric
          <select value={metric} onChange={(e) => update({ metric: e.target.value })}>
            {METRICS.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Period
          <select value={period} onChange={(e) => update({ period: e.target.value })}>
            {PERIODS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
            {!PERIODS.some((p) => p.value === period) && <option value={period}>{period}</option>}
          </select>
        </label>
        <label>
          Target (%)
          <input
            type="number"
            step="0.1"
            min="0"
            max="100"
            inputMode="decimal"
            value={targetText}
            placeholder="vs overall"
            onChange={(e) => update({ target: e.target.value })}
          />
        </label>
        <fieldset className="dims">
          <legend>Slice by (up to 4)</legend>
          {DIMENSIONS.map((d) => (
            <label key={d} className="inline">
              <input
                type="checkbox"
                checked={by.includes(d)}
                disabled={!by.includes(d) && by.length >= 4}
                onChange={(e) =>
                  update({
                    by: (e.target.checked ? [...by, d] : by.filter((x) => x !== d)).join(','),
                  })
                }
              />{' '}
              {d}
            </label>
          ))}
        </fieldset>
      </form>
      {result.isPending && <Loading label="Computing" />}
      {result.error && <ErrorState error={result.error} what={`GET /v1/metrics/${metric}`} />}
      {result.data && rows.length === 0 && (
        <EmptyState>No audited decisions in this period.</EmptyState>
      )}
      {option && (
        <section className="card">
          <Chart
            option={option}
            label={`${metricName(metric)} per slice, dots are estimates, whiskers are 95 % intervals`}
            height={340}
          />
        </section>
      )}
      {rows.length > 0 && (
        <section className="card" aria-labelledby="slices-title">
          <div className="card-head">
            <h2 id="slices-title">Slices ({rows.length})</h2>
            <label className="inline">
              Sort by{' '}
              <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
                <option value="gap">
                  gap {target != null ? 'to target' : 'to overall'} (worst first)
                </option>
                <option value="estimate">estimate</option>
                <option value="n">audits</option>
                <option value="slice">slice</option>
              </select>
            </label>
          </div>
          <div className="scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Slice</th>
                  <th scope="col" className="num">
                    Estimate
                  </th>
                  <th scope="col">95 % interval</th>
                  <th scope="col" className="num">
                    Gap
                  </th>
                  <th scope="col" className="num">
                    Audits
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => {
                  const keys = clean(s.keys)
                  const gap = gapOf(s)
                  return (
                    <tr
                      key={JSON.stringify(s.keys)}
                      className={isClearlyWorse(s, reference, higher) ? 'row-missed' : undefined}
                    >
                      <td>
                        <button type="button" className="link" onClick={() => setDrill(keys)}>
                          {sliceLabel(keys)}
                        </button>
                      </td>
                      <td className="num">{pct(s.estimate)}</td>
                      <td>
                        <IntervalBar
                          estimate={s.estimate}
                          lower={s.lower}
                          upper={s.upper}
                          target={reference}
                          min={scale.min}
                          max={scale.max}
                          width={140}
                        />
                        <div className="muted small">{interval(s.lower, s.upper)}</div>
                      </td>
                      <td className="num">{pp(gap)}</td>
                      <td className="num">{count(s.n)}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {drill && (
        <SliceAudits slice={drill} period={period} metric={metric} onClose={() => setDrill(null)} />
      )}
    </section>
  )
}

function clean(keys: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, v ?? '(none)']))
}

/** The whole interval is on the bad side of the reference: a real gap, not noise. */
function isClearlyWorse(s: MetricSlice, reference: number | null, higher: boolean): boolean {
  if (reference == null || s.lower == null || s.upper == null) return false
  return higher ? s.upper < reference : s.lower > reference
}
