/**
 * Moderator scorecard: accuracy with its interval over time, errors by type, the audits with their
 * comments, and disputes. A moderator sees only their own (GET /v1/feedback); a lead may open any
 * moderator's (/scorecard/:moderatorId).
 */
import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { api } from '../api/client'
import type { Feedback, FeedbackItem } from '../api/types'
import { Chart } from '../components/Chart'
import { intervalChartOption } from '../components/chart-options'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { count, interval, pct, when } from '../components/format'
import { Loading } from '../components/Loading'
import { wilson } from '../components/stats'
import { useSession } from '../hooks/useSession'
import { DisputeForm } from './DisputeForm'

function weekOf(iso: string): string {
  const d = new Date(iso)
  const day = (d.getUTCDay() + 6) % 7
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day))
  return monday.toISOString().slice(0, 10)
}

function asFeedback(value: Feedback | FeedbackItem[]): Feedback {
  return Array.isArray(value) ? { items: value } : value
}

export function ScorecardPage() {
  const params = useParams()
  const { session, can } = useSession()
  const navigate = useNavigate()
  const [pick, setPick] = useState('')
  const moderatorId = params.moderatorId ?? null
  const canSeeAll = can('feedback:read-all')
  const feedback = useQuery({
    queryKey: ['feedback', moderatorId],
    queryFn: async () =>
      asFeedback(
        await api.get<Feedback | FeedbackItem[]>(
          '/v1/feedback',
          moderatorId ? { moderatorId } : {},
        ),
      ),
    enabled: moderatorId !== null || can('feedback:read-own'),
  })
  const items = useMemo(() => feedback.data?.items ?? [], [feedback.data])
  const overall = useMemo(() => {
    const correct = items.filter((i) => i.verdict.outcome === 'correct').length
    return { ...wilson(correct, items.length), n: items.length }
  }, [items])
  const option = useMemo(() => {
    const weeks = new Map<string, { correct: number; n: number }>()
    for (const i of items) {
      const w = weekOf(i.decidedAt)
      const cell = weeks.get(w) ?? { correct: 0, n: 0 }
      cell.n += 1
      if (i.verdict.outcome === 'correct') cell.correct += 1
      weeks.set(w, cell)
    }
    const data = [...weeks.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([week, c]) => ({ label: week, ...wilson(c.correct, c.n) }))
    return data.length === 0
      ? null
      : intervalChartOption('Accuracy per week (95 % Wilson interval)', 'accuracy', data, {
          xName: 'week starting',
        })
  }, [items])
  const errors = useMemo(() => {
    const byType = new Map<string, number>()
    for (const i of items)
      if (i.verdict.outcome !== 'correct')
        byType.set(i.verdict.outcome, (byType.get(i.verdict.outcome) ?? 0) + 1)
    return [...byType.entries()].sort((a, b) => b[1] - a[1])
  }, [items])
  const who = moderatorId ?? session?.userId ?? ''
  const own = moderatorId === null || moderatorId === session?.userId
  const [disputing, setDisputing] = useState<FeedbackItem | null>(null)

  if (moderatorId === null && !can('feedback:read-own')) {
    return (
      <section className="page">
        <h1>Moderator scorecard</h1>
        <form
          className="card controls"
          onSubmit={(e) => {
            e.preventDefault()
            if (pick.trim()) navigate(`/scorecard/${encodeURIComponent(pick.trim())}`)
          }}
        >
          <label>
            Moderator id
            <input value={pick} onChange={(e) => setPick(e.target.value)} placeholder="mod-0001" />
          </label>
          <button type="submit" className="primary">
            Open scorecard
          </button>
        </form>
      </section>
    )
  }

  return (
    <section className="page">
      <header className="page-head">
        <h1>Scorecard · {who}</h1>
        {canSeeAll && moderatorId && <Link to="/scorecard">Another moderator</Link>}
      </header>
      {feedback.isPending && <Loading />}
      {feedback.error && <ErrorState error={feedback.error} what="GET /v1/feedback" />}
      {feedback.data && items.length === 0 && <EmptyState>No audited decisions yet.</EmptyState>}
      {items.length > 0 && (
        <>
          <div className="tiles">
            <div className="tile">
              <span className="tile-n">{pct(overall.estimate)}</span>
              <span>accuracy · 95 % {interval(overall.lower, overall.upper)}</span>
            </div>
            <div className="tile">
              <span className="tile-n">{count(overall.n)}</span>
              <span>audited decisions</span>
            </div>
            <div className="tile">
              <span className="tile-n">
                {count(items.filter((i) => i.dispute.state !== 'none').length)}
              </span>
              <span>disputes</span>
            </div>
          </div>
          <div className="grid-2">
            <section className="card">
              {option && (
                <Chart option={option} label="Accuracy per week with 95 % intervals" height={280} />
              )}
            </section>
            <section className="card" aria-labelledby="errors-title">
              <h2 id="errors-title">Errors by type</h2>
              {errors.length === 0 ? (
                <EmptyState>No errors found.</EmptyState>
              ) : (
                <table className="table">
                  <tbody>
                    {errors.map(([type, n]) => (
                      <tr key={type}>
                        <th scope="row">{type.replace(/_/g, ' ')}</th>
                        <td className="num">{count(n)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          {disputing && <DisputeForm item={disputing} onDone={() => setDisputing(null)} />}
          <section className="card" aria-labelledby="audits-title">
            <h2 id="audits-title">Audits</h2>
            <div className="scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Decision</th>
                    <th scope="col">Yours → auditor's</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Comment</th>
                    <th scope="col">Dispute</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((i) => (
                    <tr
                      key={i.verdict.auditId}
                      className={i.verdict.outcome === 'correct' ? undefined : 'row-missed'}
                    >
                      <td>
                        <code>{i.decisionId}</code>
                        <div className="muted small">
                          {when(i.decidedAt)} · {i.queue}
                        </div>
                      </td>
                      <td>
                        {i.yourDecision.policy}/{i.yourDecision.action} → {i.verdict.policy}/
                        {i.verdict.action}
                      </td>
                      <td>
                        {i.verdict.outcome === 'correct' ? '✓ ' : '✗ '}
                        {i.verdict.outcome.replace(/_/g, ' ')}
                        {i.verdict.severity ? ` (${i.verdict.severity})` : ''}
                      </td>
                      <td>{i.verdict.comment ?? ''}</td>
                      <td>
                        {i.dispute.state !== 'none' ? (
                          <span className="badge">{i.dispute.state}</span>
                        ) : own &&
                          can('disputes:file') &&
                          i.verdict.outcome !== 'correct' &&
                          i.qaAuditId ? (
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => setDisputing(i)}
                          >
                            Dispute
                          </button>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </section>
  )
}
