/**
 * Targets: each target's status (met / missed / inconclusive, judged with the interval), its
 * interval, and an editor for the threshold with a preview of the status the new threshold gives
 * and the audits a margin needs.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { flattenTarget } from '../api/targets'
import type { TargetDirection, TargetEvaluation, TargetResult, TargetStatus } from '../api/types'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { count, interval, pct, sliceLabel } from '../components/format'
import { IntervalBar, scaleFor } from '../components/IntervalBar'
import { Loading } from '../components/Loading'
import { marginOf } from '../components/stats'
import { StatusBadge } from '../components/StatusBadge'
import { useSession } from '../hooks/useSession'

/** The status a threshold would give this interval (same rule as the server's judgeTarget). */
function judge(
  direction: TargetDirection,
  threshold: number,
  lower: number | null,
  upper: number | null,
): TargetStatus | null {
  if (lower == null || upper == null) return null
  if (direction === 'at_least')
    return lower >= threshold ? 'met' : upper < threshold ? 'missed' : 'inconclusive'
  return upper <= threshold ? 'met' : lower > threshold ? 'missed' : 'inconclusive'
}

export function TargetsPage() {
  const targets = useQuery({
    queryKey: ['targets'],
    queryFn: async () =>
      (await api.get<{ targets: TargetResult[] }>('/v1/targets')).targets.map(flattenTarget),
  })
  const [editing, setEditing] = useState<string | null>(null)
  const { can } = useSession()
  const list = targets.data ?? []
  const scale = scaleFor(list.map((t) => ({ ...t, target: t.threshold })))
  return (
    <section className="page">
      <header className="page-head">
        <h1>Targets</h1>
      </header>
      {targets.isPending && <Loading />}
      {targets.error && <ErrorState error={targets.error} what="GET /v1/targets" />}
      {targets.data && list.length === 0 && <EmptyState>No targets yet.</EmptyState>}
      {list.length > 0 && (
        <section className="card">
          <div className="scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Target</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Estimate
                  </th>
                  <th scope="col">95 % interval</th>
                  <th scope="col" className="num">
                    Audits
                  </th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {list.map((t) => (
                  <tr key={t.targetId} className={`row-${t.status}`}>
                    <td>
                      <strong>{t.name ?? t.metric}</strong>
                      <div className="muted small">
                        {sliceLabel(t.scope)} · {t.periodLabel ?? t.period} ·{' '}
                        {t.direction === 'at_least' ? '≥' : '≤'} {pct(t.threshold)}
                      </div>
                      {editing === t.targetId && (
                        <TargetEditor target={t} onDone={() => setEditing(null)} />
                      )}
                    </td>
                    <td>
                      <StatusBadge status={t.status} />
                      {t.status === 'inconclusive' && t.auditsNeeded != null && (
                        <div className="muted small">~{count(t.auditsNeeded)} more audits</div>
                      )}
                    </td>
                    <td className="num">{pct(t.estimate)}</td>
                    <td>
                      <IntervalBar
                        estimate={t.estimate}
                        lower={t.lower}
                        upper={t.upper}
                        target={t.threshold}
                        min={scale.min}
                        max={scale.max}
                        width={140}
                      />
                      <div className="muted small">{interval(t.lower, t.upper)}</div>
                    </td>
                    <td className="num">{count(t.n)}</td>
                    <td>
                      {can('targets:write') && editing !== t.targetId && (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => setEditing(t.targetId)}
                          aria-label={`Edit ${t.name ?? t.targetId}`}
                        >
                          Edit
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </section>
  )
}

function TargetEditor({ target, onDone }: { target: TargetEvaluation; onDone: () => void }) {
  const client = useQueryClient()
  const [threshold, setThreshold] = useState(String(+(target.threshold * 100).toFixed(3)))
  const [direction, setDirection] = useState<TargetDirection>(target.direction)
  const save = useMutation({
    mutationFn: () =>
      api.put<unknown>(`/v1/targets/${encodeURIComponent(target.targetId)}`, {
        metric: target.metric,
        scope: target.scope,
        period: target.period,
        threshold: Number(threshold) / 100,
        direction,
        ...(target.name ? { name: target.name } : {}),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['targets'] })
      void client.invalidateQueries({ queryKey: ['report'] })
      onDone()
    },
  })
  const value = Number(threshold) / 100
  const preview = Number.isFinite(value)
    ? judge(direction, value, target.lower, target.upper)
    : null
  const margin = target.n ? marginOf(target.n, target.estimate ?? 0.5) : null
  const submit = (event: FormEvent) => {
    event.preventDefault()
    save.mutate()
  }
  return (
    <form
      className="inline-form"
      onSubmit={submit}
      aria-label={`Edit target ${target.name ?? target.targetId}`}
    >
      <div className="row">
        <label>
          Direction
          <select
            value={direction}
            onChange={(e) => setDirection(e.target.value as TargetDirection)}
          >
            <option value="at_least">at least</option>
            <option value="at_most">at most</option>
          </select>
        </label>
        <label>
          Threshold (%)
          <input
            type="number"
            step="0.1"
            min="0"
            max="100"
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
            required
          />
        </label>
      </div>
      <p className="muted small" role="status">
        With this threshold: <StatusBadge status={preview} />
        {margin != null && ` · the current ${count(target.n)} audits give ± ${pct(margin)}`}
      </p>
      {save.error && <ErrorState error={save.error} what="PUT /v1/targets/{id}" />}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save target
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}
