/**
 * Sampling plans: every plan's latest version; view and edit the document (a changed document is
 * stored as the next version) with a sample-size and margin preview (POST /v1/plans/size).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { parseApiError } from '../api/errors'
import type { SampleSize, SampleSizeRequest, SamplingPlan } from '../api/types'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { count, pct, when } from '../components/format'
import { Loading } from '../components/Loading'
import { useSession } from '../hooks/useSession'

export function PlansPage() {
  const plans = useQuery({
    queryKey: ['plans'],
    queryFn: () => api.get<{ plans: SamplingPlan[] }>('/v1/plans'),
  })
  const [selected, setSelected] = useState<string | null>(null)
  const list = plans.data?.plans ?? []
  const plan = list.find((p) => p.planId === selected) ?? list[0] ?? null
  return (
    <section className="page">
      <header className="page-head">
        <h1>Sampling plans</h1>
      </header>
      {plans.isPending && <Loading />}
      {plans.error && <ErrorState error={plans.error} what="GET /v1/plans" />}
      {plans.data && list.length === 0 && (
        <EmptyState>
          No sampling plan yet. Store one with the form below or `assay plan set`.
        </EmptyState>
      )}
      <div className="grid-2">
        <section className="card" aria-labelledby="plans-title">
          <h2 id="plans-title">Plans</h2>
          <ul className="list">
            {list.map((p) => (
              <li key={p.planId}>
                <button
                  type="button"
                  className={plan?.planId === p.planId ? 'link selected' : 'link'}
                  onClick={() => setSelected(p.planId)}
                >
                  {p.name}
                </button>{' '}
                <span className="muted small">
                  v{p.version} · {when(p.createdAt)}
                </span>
              </li>
            ))}
          </ul>
          <SizePreview />
        </section>
        <PlanEditor key={plan ? `${plan.planId}@${plan.version}` : 'new'} plan={plan} />
      </div>
    </section>
  )
}

function PlanEditor({ plan }: { plan: SamplingPlan | null }) {
  const { can } = useSession()
  const client = useQueryClient()
  const [text, setText] = useState(() => JSON.stringify(plan?.plan ?? {}, null, 2))
  const [parseError, setParseError] = useState<string | null>(null)
  const save = useMutation({
    mutationFn: (document: Record<string, unknown>) =>
      api.post<{ created: boolean; plan: SamplingPlan }>('/v1/plans', { document }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['plans'] }),
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    try {
      const document = JSON.parse(text) as Record<string, unknown>
      setParseError(null)
      save.mutate(document)
    } catch (error) {
      setParseError(parseApiError(error).message)
    }
  }
  const editable = can('plans:write')
  return (
    <form className="card" onSubmit={submit} aria-labelledby="plan-doc-title">
      <h2 id="plan-doc-title">{plan ? `${plan.name} (version ${plan.version})` : 'New plan'}</h2>
      <label>
        Plan document (JSON)
        <textarea
          className="code"
          rows={18}
          value={text}
          onChange={(e) => setText(e.target.value)}
          readOnly={!editable}
          spellCheck={false}
        />
      </label>
      {parseError && (
        <div className="error" role="alert">
          <strong>Not valid JSON.</strong> {parseError}
        </div>
      )}
      {save.error && <ErrorState error={save.error} what="POST /v1/plans" />}
      {save.data && (
        <p role="status">
          {save.data.created
            ? `Stored as version ${save.data.plan.version}.`
            : 'Unchanged: the same document is already stored.'}
        </p>
      )}
      {editable && (
        <button type="submit" className="primary" disabled={save.isPending}>
          Save as a new version
        </button>
      )}
    </form>
  )
}

function SizePreview() {
  const [margin, setMargin] = useState('2')
  const [population, setPopulation] = useState('')
  const [p, setP] = useState('50')
  const body: SampleSizeRequest | null =
    Number(margin) > 0 && Number(margin) < 100
      ? {
          margin: Number(margin) / 100,
          p: Number(p) > 0 && Number(p) < 100 ? Number(p) / 100 : undefined,
          population: Number(population) > 0 ? Math.round(Number(population)) : undefined,
        }
      : null
  const size = useQuery({
    queryKey: ['plan-size', body],
    queryFn: () => api.post<SampleSize>('/v1/plans/size', body),
    enabled: body !== null,
  })
  return (
    <div className="preview" aria-labelledby="size-title">
      <h3 id="size-title">Sample size and margin</h3>
      <div className="row">
        <label>
          Margin (± %)
          <input
            type="number"
            step="0.1"
            min="0.1"
            max="50"
            value={margin}
            onChange={(e) => setMargin(e.target.value)}
          />
        </label>
        <label>
          Expected rate (%)
          <input
            type="number"
            step="1"
            min="1"
            max="99"
            value={p}
            onChange={(e) => setP(e.target.value)}
          />
        </label>
        <label>
          Population
          <input
            type="number"
            min="1"
            value={population}
            placeholder="large"
            onChange={(e) => setPopulation(e.target.value)}
          />
        </label>
      </div>
      {size.error && <ErrorState error={size.error} what="POST /v1/plans/size" />}
      {size.data && (
        <p role="status" className="big">
          <strong>{count(size.data.sampleSize)}</strong> audits per period give ±{' '}
          {pct(size.data.achievedMargin, 2)} at 95 %.
        </p>
      )}
    </div>
  )
}
