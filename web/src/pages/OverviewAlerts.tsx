/**
 * The Overview's monitoring sections: open alerts (GET /v1/alerts?state=open) and overdue
 * corrective actions (GET /v1/actions?overdue=true). Each shows only when it has rows, and only
 * to users with alerts:read; the others see nothing (no request, no error).
 */
import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { api } from '../api/client'
import type { ActionList, AlertList, MonitorAlert } from '../api/types'
import { ErrorState } from '../components/ErrorState'
import { sliceLabel, when } from '../components/format'
import { useSession } from '../hooks/useSession'
import { metricName } from '../metrics'

const SEVERITY: Record<MonitorAlert['severity'], { symbol: string; look: string }> = {
  critical: { symbol: '‼', look: 'badge-missed' },
  major: { symbol: '!', look: 'badge-missed' },
  minor: { symbol: '·', look: 'badge-inconclusive' },
}

function cleanSlice(slice: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(slice).map(([k, v]) => [k, v ?? '(none)']))
}

/** The Trends chart of an alert's metric, scoped to its slice when it has one dimension. */
export function trendsLink(metric: string, slice: Record<string, string | null>): string {
  const params = new URLSearchParams({ metric, bucket: 'day' })
  const entries = Object.entries(slice).filter(([k]) => k !== 'target')
  if (entries.length === 1) {
    const [dim, value] = entries[0] as [string, string | null]
    params.set('dim', dim)
    params.set('value', value ?? '(none)')
  }
  return `/trends?${params.toString()}`
}

/** How unusual an alert is, in words: the monitor's own text, else the adjusted p-value. */
function unusualness(a: MonitorAlert): string | null {
  const text = a.evidence?.unusualness?.text
  if (text) return text
  const p = a.pAdjusted ?? a.pValue
  return p == null ? null : `p = ${p.toExponential(2)}`
}

export function OverviewAlerts() {
  const { can } = useSession()
  const allowed = can('alerts:read')
  const alerts = useQuery({
    queryKey: ['alerts', 'open'],
    queryFn: () => api.get<AlertList>('/v1/alerts', { state: 'open', limit: 50 }),
    enabled: allowed,
  })
  const actions = useQuery({
    queryKey: ['actions', 'overdue'],
    queryFn: () => api.get<ActionList>('/v1/actions', { overdue: 'true', limit: 50 }),
    enabled: allowed,
  })
  if (!allowed) return null
  const openAlerts = alerts.data?.alerts ?? []
  const overdue = actions.data?.actions ?? []
  return (
    <>
      {alerts.error && <ErrorState error={alerts.error} what="GET /v1/alerts?state=open" />}
      {openAlerts.length > 0 && (
        <section className="card alerts" aria-labelledby="alerts-title">
          <h2 id="alerts-title">Open alerts ({openAlerts.length})</h2>
          <ul>
            {openAlerts.map((a) => {
              const severity = SEVERITY[a.severity] ?? SEVERITY.major
              const how = unusualness(a)
              return (
                <li key={a.alertId} className="alert-item">
                  <span className={`badge ${severity.look}`}>
                    <span aria-hidden="true">{severity.symbol}</span> {a.severity}
                  </span>{' '}
                  <strong>{a.metric ? metricName(a.metric) : a.monitorId}</strong> ·{' '}
                  {sliceLabel(cleanSlice(a.slice))} · {a.evidence?.ruleText ?? a.rule}
                  <div className="muted small">
                    {a.title} · period {a.evidence?.period?.label ?? a.lastPeriod} · raised{' '}
                    {when(a.raisedAt)}
                    {a.signalCount > 1 ? ` · ${a.signalCount} signals` : ''}
                    {how ? ` · how unusual: ${how}` : ''}
                  </div>
                  <div className="small">
                    State: {a.state}
                    {a.metric && (
                      <>
                        {' · '}
                        <Link to={trendsLink(a.metric, a.slice)}>See on the chart</Link>
                      </>
                    )}
                  </div>
                </li>
              )
            })}
          </ul>
        </section>
      )}
      {actions.error && <ErrorState error={actions.error} what="GET /v1/actions?overdue=true" />}
      {overdue.length > 0 && (
        <section className="card alerts" aria-labelledby="overdue-title">
          <h2 id="overdue-title">Overdue corrective actions ({overdue.length})</h2>
          <ul>
            {overdue.map((a) => (
              <li key={a.actionId}>
                <span className="badge badge-missed">
                  <span aria-hidden="true">!</span> overdue
                </span>{' '}
                <strong>{a.title}</strong> · {metricName(a.metric)} ·{' '}
                {sliceLabel(cleanSlice(a.scope))}
                <div className="muted small">
                  due {a.dueDate} · owner {a.owner} · status {a.status.replace(/_/g, ' ')}
                  {a.rootCause ? ` · root cause ${a.rootCause}` : ''}
                  {' · '}
                  <Link to={trendsLink(a.metric, a.scope)}>See the trend</Link>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  )
}
