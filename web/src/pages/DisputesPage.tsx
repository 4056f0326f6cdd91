/**
 * Disputes: a moderator files one against an audit of their decision and follows it; an arbitrator
 * works the open queue and settles each (uphold the audit, or overturn it with the right verdict).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import type { Dispute, Feedback, FeedbackItem, SettleRequest } from '../api/types'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { when } from '../components/format'
import { Loading } from '../components/Loading'
import { useSession } from '../hooks/useSession'
import { useTaxonomy } from '../hooks/useTaxonomy'
import { DisputeForm } from './DisputeForm'

function asList<T>(value: T[] | { items?: T[]; disputes?: T[] }): T[] {
  return Array.isArray(value) ? value : (value.items ?? value.disputes ?? [])
}

export function DisputesPage() {
  const { can } = useSession()
  return (
    <section className="page">
      <header className="page-head">
        <h1>Disputes</h1>
      </header>
      {can('disputes:settle') && <ArbitrationQueue />}
      {can('disputes:file') && <MyDisputes />}
    </section>
  )
}

function MyDisputes() {
  const feedback = useQuery({
    queryKey: ['feedback', null],
    queryFn: async () => {
      const value = await api.get<Feedback | FeedbackItem[]>('/v1/feedback')
      return Array.isArray(value) ? { items: value } : value
    },
  })
  const [filing, setFiling] = useState<FeedbackItem | null>(null)
  const items = feedback.data?.items ?? []
  const disputed = items.filter((i) => i.dispute.state !== 'none')
  const disputable = items.filter(
    (i) =>
      i.dispute.state === 'none' &&
      i.verdict.outcome !== 'correct' &&
      i.qaAuditId !== null &&
      (i.dispute.windowClosesAt === null || new Date(i.dispute.windowClosesAt) > new Date()),
  )
  return (
    <>
      {filing && <DisputeForm item={filing} onDone={() => setFiling(null)} />}
      <section className="card" aria-labelledby="mine-title">
        <h2 id="mine-title">Your disputes</h2>
        {feedback.isPending && <Loading />}
        {feedback.error && <ErrorState error={feedback.error} what="GET /v1/feedback" />}
        {feedback.data && disputed.length === 0 && (
          <EmptyState>You have not disputed any audit.</EmptyState>
        )}
        <ul className="list">
          {disputed.map((i) => (
            <li key={i.verdict.auditId}>
              <span
                className={`badge badge-${i.dispute.state === 'overturned' ? 'met' : i.dispute.state === 'upheld' ? 'missed' : 'inconclusive'}`}
              >
                {i.dispute.state}
              </span>{' '}
              <code>{i.decisionId}</code> — {i.dispute.reason}
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="disputable-title">
        <h2 id="disputable-title">Audits you can dispute ({disputable.length})</h2>
        {feedback.data && disputable.length === 0 && (
          <EmptyState>No audit found an error in your decisions.</EmptyState>
        )}
        <ul className="list">
          {disputable.slice(0, 20).map((i) => (
            <li key={i.verdict.auditId}>
              <code>{i.decisionId}</code>: you {i.yourDecision.policy}/{i.yourDecision.action},
              auditor {i.verdict.policy}/{i.verdict.action} ({i.verdict.outcome.replace(/_/g, ' ')}){' '}
              <button type="button" className="secondary" onClick={() => setFiling(i)}>
                Dispute {i.decisionId}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </>
  )
}

function ArbitrationQueue() {
  const open = useQuery({
    queryKey: ['disputes', 'open'],
    queryFn: async () =>
      asList(await api.get<{ disputes?: Dispute[] }>('/v1/disputes', { state: 'open' })),
  })
  const [selected, setSelected] = useState<Dispute | null>(null)
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title">Open disputes{open.data ? ` (${open.data.length})` : ''}</h2>
        {open.isPending && <Loading />}
        {open.error && <ErrorState error={open.error} what="GET /v1/disputes" />}
        {open.data && open.data.length === 0 && <EmptyState>No open disputes.</EmptyState>}
        <ul className="list">
          {(open.data ?? []).map((d) => (
            <li key={d.disputeId}>
              <button
                type="button"
                className={selected?.disputeId === d.disputeId ? 'link selected' : 'link'}
                onClick={() => setSelected(d)}
              >
                {d.decisionId}
              </button>{' '}
              by {d.moderatorId}, {when(d.filedAt)}
              <div className="muted small">{d.reason}</div>
            </li>
          ))}
        </ul>
      </section>
      {selected ? (
        <SettleForm key={selected.disputeId} dispute={selected} onDone={() => setSelected(null)} />
      ) : (
        <section className="card">
          <EmptyState>Pick a dispute to settle it.</EmptyState>
        </section>
      )}
    </div>
  )
}

interface ArbitrationView {
  dispute?: Dispute
  audit?: {
    policy: string
    action: string
    outcome?: string
    comment?: string | null
    auditorId?: string
  }
  decision?: { policy: string; action: string; contentId?: string; queue?: string; region?: string }
}

function SettleForm({ dispute, onDone }: { dispute: Dispute; onDone: () => void }) {
  const client = useQueryClient()
  const { can } = useSession()
  const taxonomy = useTaxonomy(can('tasks:work'))
  const detail = useQuery({
    queryKey: ['disputes', dispute.disputeId],
    queryFn: () =>
      api.get<ArbitrationView>(`/v1/disputes/${encodeURIComponent(dispute.disputeId)}`),
  })
  const [resolution, setResolution] = useState<'upheld' | 'overturned'>('upheld')
  const [policy, setPolicy] = useState('')
  const [action, setAction] = useState('')
  const [comment, setComment] = useState('')
  const settle = useMutation({
    mutationFn: (body: SettleRequest) =>
      api.post<unknown>(`/v1/disputes/${encodeURIComponent(dispute.disputeId)}/settlement`, body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['disputes'] })
      onDone()
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const body: SettleRequest = { resolution }
    if (resolution === 'overturned') Object.assign(body, { policy, action })
    if (comment.trim()) body.comment = comment.trim()
    settle.mutate(body)
  }
  const audit = detail.data?.audit
  const decision = detail.data?.decision
  return (
    <form className="card" onSubmit={submit} aria-labelledby="settle-title">
      <h2 id="settle-title">Settle the dispute on {dispute.decisionId}</h2>
      <p>
        <strong>{dispute.moderatorId}</strong> says: “{dispute.reason}”
      </p>
      {detail.error && <ErrorState error={detail.error} what="GET /v1/disputes/{id}" />}
      {(audit || decision) && (
        <table className="table compare">
          <tbody>
            {decision && (
              <tr>
                <th scope="row">Moderator decided</th>
                <td>
                  {decision.policy} / {decision.action}
                </td>
              </tr>
            )}
            {audit && (
              <tr>
                <th scope="row">Auditor said</th>
                <td>
                  {audit.policy} / {audit.action}
                  {audit.comment ? ` — “${audit.comment}”` : ''}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <fieldset>
        <legend>Resolution</legend>
        <label className="inline">
          <input
            type="radio"
            name="resolution"
            checked={resolution === 'upheld'}
            onChange={() => setResolution('upheld')}
          />{' '}
          Uphold the audit
        </label>
        <label className="inline">
          <input
            type="radio"
            name="resolution"
            checked={resolution === 'overturned'}
            onChange={() => {
              setResolution('overturned')
              if (decision) {
                setPolicy((p) => p || decision.policy)
                setAction((a) => a || decision.action)
              }
            }}
          />{' '}
          Overturn it
        </label>
      </fieldset>
      {resolution === 'overturned' && (
        <div className="row">
          <CodeField
            label="Correct policy"
            value={policy}
            onChange={setPolicy}
            options={taxonomy.data?.policies}
          />
          <CodeField
            label="Correct action"
            value={action}
            onChange={setAction}
            options={taxonomy.data?.actions}
          />
        </div>
      )}
      <label>
        Comment
        <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      {settle.error && <ErrorState error={settle.error} what="POST /v1/disputes/{id}/settlement" />}
      <button type="submit" className="primary" disabled={settle.isPending}>
        Settle dispute
      </button>
    </form>
  )
}

/** A taxonomy code: a select when the rubric is readable, else a text field (arbitrators today). */
function CodeField({
  label,
  value,
  onChange,
  options,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  options: { code: string; name?: string }[] | undefined
}) {
  return (
    <label>
      {label}
      {options ? (
        <select value={value} onChange={(e) => onChange(e.target.value)} required>
          <option value="">Choose…</option>
          {options.map((o) => (
            <option key={o.code} value={o.code}>
              {o.name ?? o.code}
            </option>
          ))}
        </select>
      ) : (
        <input
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required
          placeholder="taxonomy code"
        />
      )}
    </label>
  )
}
