/**
 * Overview: where quality is bad, in five seconds. Missed targets first, then inconclusive, then
 * met, grouped by region; open alerts and overdue corrective actions (OverviewAlerts); the week's
 * trend; the slices furthest from target.
 */
import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { Link } from 'react-router'
import { api } from '../api/client'
import { flattenTarget } from '../api/targets'
import type { Report, ReportSlice, TargetEvaluation, TargetStatus } from '../api/types'
import { Chart } from '../components/Chart'
import { intervalChartOption } from '../components/chart-options'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { count, interval, pct, pp, sliceLabel } from '../components/format'
import { IntervalBar, scaleFor } from '../components/IntervalBar'
import { Loading } from '../components/Loading'
import { StatusBadge } from '../components/StatusBadge'
import { OverviewAlerts } from './OverviewAlerts'

const ORDER: Record<TargetStatus, number> = { missed: 0, inconclusive: 1, met: 2 }

export function OverviewPage() {
  const report = useQuery({
    queryKey: ['report'],
    queryFn: () => api.get<Report>('/v1/report', { period: 'last-7d', grain: 'day' }),
  })
  return (
    <section className="page">
      <header className="page-head">
        <h1>Overview</h1>
        {report.data?.period && <p className="sub">Period {report.data.period.label}</p>}
      </header>
      {report.isPending && <Loading label="Loading the report" />}
      {report.error && <ErrorState error={report.error} what="GET /v1/report" />}
      {report.data && <ReportView report={report.data} />}
    </section>
  )
}

function ReportView({ report }: { report: Report }) {
  const targets = useMemo(() => (report.targets ?? []).map(flattenTarget), [report.targets])
  const metric = report.primaryMetric
  const counts = { missed: 0, inconclusive: 0, met: 0 }
  for (const t of targets) counts[t.status] += 1
  const byRegion = useMemo(() => groupByRegion(targets), [targets])
  const trendOption = useMemo(() => {
    const points = report.trend?.points ?? []
    if (points.length === 0) return null
    return intervalChartOption(
      `${metric.name} by ${report.grain}, with 95 % intervals`,
      metric.name,
      points.map((p) => {
        const e = p.metrics[metric.code]
        return {
          label: p.start.slice(5, 10),
          estimate: e?.estimate ?? null,
          lower: e?.lower ?? null,
          upper: e?.upper ?? null,
        }
      }),
      { xName: report.grain },
    )
  }, [report.trend, report.grain, metric])
  const worst = useMemo(
    () =>
      (report.slices ?? [])
        .filter((s) => s.gap != null && s.gap > 0)
        .sort((a, b) => (b.gap ?? 0) - (a.gap ?? 0))
        .slice(0, 8),
    [report.slices],
  )
  return (
    <>
      <div className="tiles" aria-label="Targets by status">
        <Tile status="missed" n={counts.missed} />
        <Tile status="inconclusive" n={counts.inconclusive} />
        <Tile status="met" n={counts.met} />
      </div>

      <OverviewAlerts />

      <div className="grid-2">
        <section className="card" aria-labelledby="targets-title">
          <h2 id="targets-title">Targets by region</h2>
          {targets.length === 0 ? (
            <EmptyState>
              No targets yet. {''}
              <Link to="/targets">Set a target</Link> to see whether quality is good enough.
            </EmptyState>
          ) : (
            byRegion.map(([region, rows]) => (
              <RegionTargets key={region} region={region} rows={rows} />
            ))
          )}
        </section>
        <div className="stack">
          <section className="card" aria-labelledby="trend-title">
            <h2 id="trend-title">This week · {metric.name}</h2>
            {trendOption ? (
              <Chart
                option={trendOption}
                label={`${metric.name} per ${report.grain} with 95 % intervals`}
                height={260}
              />
            ) : (
              <EmptyState>No trend for this week yet.</EmptyState>
            )}
          </section>
          <section className="card" aria-labelledby="worst-title">
            <h2 id="worst-title">Furthest from target</h2>
            {worst.length === 0 ? (
              <EmptyState>No slice is worse than its reference.</EmptyState>
            ) : (
              <WorstSlices rows={worst} metric={metric.code} />
            )}
          </section>
        </div>
      </div>
    </>
  )
}

function Tile({ status, n }: { status: TargetStatus; n: number }) {
  return (
    <div className={`tile tile-${status}`}>
      <span className="tile-n">{n}</span>
      <StatusBadge status={status} />
    </div>
  )
}

function groupByRegion(targets: TargetEvaluation[]): [string, TargetEvaluation[]][] {
  const groups = new Map<string, TargetEvaluation[]>()
  for (const t of targets) {
    const region = t.scope.region ?? 'All regions'
    groups.set(region, [...(groups.get(region) ?? []), t])
  }
  const worst = (rows: TargetEvaluation[]) => Math.min(...rows.map((r) => ORDER[r.status]))
  for (const rows of groups.values())
    rows.sort((a, b) => ORDER[a.status] - ORDER[b.status] || (b.gap ?? 0) - (a.gap ?? 0))
  return [...groups.entries()].sort((a, b) => worst(a[1]) - worst(b[1]) || a[0].localeCompare(b[0]))
}

function RegionTargets({ region, rows }: { region: string; rows: TargetEvaluation[] }) {
  const scale = scaleFor(rows.map((r) => ({ ...r, target: r.threshold })))
  return (
    <div className="region">
      <h3>{region}</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Estimate
            </th>
            <th scope="col" className="hide-narrow">
              95 % interval
            </th>
            <th scope="col" className="num hide-narrow">
              Audits
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => {
            const scope = Object.fromEntries(
              Object.entries(t.scope).filter(([k]) => k !== 'region'),
            )
            return (
              <tr key={t.targetId} className={`row-${t.status}`}>
                <td>
                  <strong>{t.name ?? t.metric}</strong>
                  <div className="muted">
                    {Object.keys(scope).length > 0 ? `${sliceLabel(scope)} · ` : ''}
                    {t.direction === 'at_least' ? '≥' : '≤'} {pct(t.threshold)}
                    {t.status === 'inconclusive' &&
                      t.auditsNeeded != null &&
                      ` · ~${count(t.auditsNeeded)} more audits`}
                  </div>
                </td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td className="num">{pct(t.estimate)}</td>
                <td className="hide-narrow">
                  <IntervalBar
                    estimate={t.estimate}
                    lower={t.lower}
                    upper={t.upper}
                    target={t.threshold}
                    min={scale.min}
                    max={scale.max}
                  />
                  <div className="muted small">{interval(t.lower, t.upper)}</div>
                </td>
                <td className="num hide-narrow">{count(t.n)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

function WorstSlices({ rows, metric }: { rows: ReportSlice[]; metric: string }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Slice</th>
          <th scope="col" className="num">
            Estimate
          </th>
          <th scope="col" className="num">
            Gap
          </th>
          <th scope="col" className="hide-narrow">
            Status
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr
            key={`${s.dimension}=${s.value}`}
            className={s.status ? `row-${s.status}` : undefined}
          >
            <td>
              <Link
                to={`/explore?metric=${encodeURIComponent(metric)}&by=${encodeURIComponent(s.dimension)}&period=last-28d`}
              >
                {s.dimension}={s.value ?? '(none)'}
              </Link>
              <div className="muted small">
                vs {s.reference.kind} {pct(s.reference.threshold)}
              </div>
            </td>
            <td className="num">{pct(s.current.estimate)}</td>
            <td className="num">{pp(s.gap)}</td>
            <td className="hide-narrow">{s.status ? <StatusBadge status={s.status} /> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
