/**
 * Root causes: Pareto of error types and of root causes for a scope, with the 80 % line — the few
 * causes behind most errors. Counts are the audited errors of `error_rate` sliced by outcome and by
 * root cause.
 */
import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { useSearchParams } from 'react-router'
import { api } from '../api/client'
import type { MetricResult, ParetoItem } from '../api/types'
import { Chart } from '../components/Chart'
import { paretoOption } from '../components/chart-options'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { count, pct } from '../components/format'
import { Loading } from '../components/Loading'
import { PERIODS } from '../metrics'

export function RootCausesPage() {
  const [params, setParams] = useSearchParams()
  const period = params.get('period') ?? 'last-28d'
  const dim = params.get('dim') ?? ''
  const value = params.get('value') ?? ''
  return (
    <section className="page">
      <header className="page-head">
        <h1>Root causes</h1>
      </header>
      <form className="card controls" onSubmit={(e) => e.preventDefault()} aria-label="Scope">
        <label>
          Period
          <select
            value={period}
            onChange={(e) => setParams({ period: e.target.value, dim, value }, { replace: true })}
          >
            {PERIODS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Scope by
          <select
            value={dim}
            onChange={(e) => setParams({ period, dim: e.target.value }, { replace: true })}
          >
            <option value="">everything</option>
            <option value="region">region</option>
            <option value="queue">queue</option>
            <option value="site">site</option>
          </select>
        </label>
        {dim !== '' && (
          <label>
            {dim} is
            <input
              value={value}
              onChange={(e) => setParams({ period, dim, value: e.target.value }, { replace: true })}
            />
          </label>
        )}
      </form>
      <div className="grid-2">
        <ParetoCard
          title="Error types"
          by="outcome"
          period={period}
          dim={dim}
          value={value}
          exclude="correct"
        />
        <ParetoCard title="Root causes" by="root_cause" period={period} dim={dim} value={value} />
      </div>
    </section>
  )
}

function ParetoCard({
  title,
  by,
  period,
  dim,
  value,
  exclude,
}: {
  title: string
  by: string
  period: string
  dim: string
  value: string
  exclude?: string
}) {
  const groupBy = dim !== '' && value !== '' ? `${dim},${by}` : by
  const result = useQuery({
    queryKey: ['metric', 'error_rate', groupBy, period],
    queryFn: () =>
      api.get<MetricResult>('/v1/metrics/error_rate', { by: groupBy, period, compare: 'none' }),
  })
  const items = useMemo<ParetoItem[]>(() => {
    const counts = new Map<string, number>()
    for (const s of result.data?.slices ?? []) {
      if (dim !== '' && value !== '' && s.keys[dim] !== value) continue
      const code = s.keys[by] ?? 'unknown'
      if (code === exclude) continue
      const errors = s.successes ?? Math.round((s.estimate ?? 0) * s.n)
      if (errors > 0) counts.set(code, (counts.get(code) ?? 0) + errors)
    }
    return [...counts.entries()].map(([code, n]) => ({
      code,
      label: code.replace(/_/g, ' '),
      count: n,
    }))
  }, [result.data, by, dim, value, exclude])
  const option = useMemo(
    () => (items.length === 0 ? null : paretoOption(title, by.replace('_', ' '), items)),
    [items, title, by],
  )
  const total = items.reduce((s, i) => s + i.count, 0)
  const sorted = [...items].sort((a, b) => b.count - a.count)
  let running = 0
  return (
    <section className="card" aria-label={title}>
      {result.isPending && <Loading />}
      {result.error && (
        <ErrorState error={result.error} what={`GET /v1/metrics/error_rate?by=${by}`} />
      )}
      {result.data && items.length === 0 && <EmptyState>No errors in this scope.</EmptyState>}
      {option && (
        <Chart
          option={option}
          label={`Pareto of ${title.toLowerCase()}: bars are error counts, the line is the cumulative share, dashed at 80 %`}
        />
      )}
      {sorted.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{title}</th>
              <th scope="col" className="num">
                Errors
              </th>
              <th scope="col" className="num">
                Cumulative
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((i) => {
              const before = running
              running += i.count
              return (
                <tr key={i.code} className={before / total < 0.8 ? 'row-vital' : undefined}>
                  <td>{i.label}</td>
                  <td className="num">{count(i.count)}</td>
                  <td className="num">{pct(running / total)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
