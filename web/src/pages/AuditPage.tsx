/**
 * Audit workspace: the auditor's queue, one blind task at a time. The content reference and its
 * context, never the original decision; the rubric as a form with keyboard shortcuts; media blurred
 * until revealed. After the verdict, the original decision and the outcome, then the next task.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react'
import { api } from '../api/client'
import type { BlindTask, RevealedTask, Severity, Taxonomy, VerdictRequest } from '../api/types'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { when } from '../components/format'
import { Loading } from '../components/Loading'
import { MediaPreview } from '../components/MediaPreview'
import { nameOf, useTaxonomy } from '../hooks/useTaxonomy'

const NEXT_KEY = ['tasks', 'next'] as const

/** Preferred shortcut letters of common actions; the rest get none. */
const ACTION_KEYS: Record<string, string> = {
  remove: 'r',
  restrict: 't',
  label: 'l',
  ban_account: 'b',
  no_action: 'k',
  escalate: 'e',
}

function asTask(value: unknown): BlindTask | null {
  if (typeof value !== 'object' || value === null) return null
  if ('taskId' in value) return value as BlindTask
  if ('task' in value) return asTask((value as { task: unknown }).task)
  return null
}

function mediaUrlOf(task: BlindTask): string | null {
  const a = task.item.attributes
  return a.media_url ?? a.mediaUrl ?? a.thumbnail_url ?? a.url ?? null
}

interface FormState {
  policy: string
  action: string
  severity: Severity | ''
  rootCause: string
  comment: string
  answers: Record<string, string | boolean>
}

const EMPTY_FORM: FormState = {
  policy: '',
  action: '',
  severity: '',
  rootCause: '',
  comment: '',
  answers: {},
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['TEXTAREA', 'INPUT', 'SELECT'].includes(target.tagName)
}

export function AuditPage() {
  const client = useQueryClient()
  const taxonomy = useTaxonomy()
  const next = useQuery({
    queryKey: NEXT_KEY,
    queryFn: async () => asTask(await api.post<unknown>('/v1/tasks/next')),
    staleTime: Infinity,
  })
  const [result, setResult] = useState<RevealedTask | null>(null)
  const [form, setForm] = useState<FormState>(EMPTY_FORM)
  const [revealed, setRevealed] = useState(false)
  const [help, setHelp] = useState(false)
  const task = next.data ?? null

  const submit = useMutation({
    mutationFn: (input: { taskId: string; verdict: VerdictRequest }) =>
      api.post<RevealedTask>(
        `/v1/tasks/${encodeURIComponent(input.taskId)}/verdict`,
        input.verdict,
      ),
    onSuccess: (revealedTask) => setResult(revealedTask),
  })

  const goNext = useCallback(() => {
    setResult(null)
    setForm(EMPTY_FORM)
    setRevealed(false)
    submit.reset()
    void client.invalidateQueries({ queryKey: NEXT_KEY })
  }, [client, submit])

  const doSubmit = useCallback(() => {
    if (task === null || submit.isPending || form.policy === '' || form.action === '') return
    const verdict: VerdictRequest = {
      policy: form.policy,
      action: form.action,
      answers: form.answers,
    }
    if (form.severity !== '') verdict.severity = form.severity
    if (form.rootCause !== '') verdict.root_cause = form.rootCause
    if (form.comment.trim() !== '') verdict.comment = form.comment.trim()
    submit.mutate({ taskId: task.taskId, verdict })
  }, [task, submit, form])

  const shortcuts = useMemo(() => buildShortcuts(taxonomy.data), [taxonomy.data])

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.metaKey) return
      if (event.key === 'Enter' && (event.ctrlKey || !isTyping(event.target))) {
        event.preventDefault()
        if (result !== null) goNext()
        else doSubmit()
        return
      }
      if (event.ctrlKey || isTyping(event.target) || result !== null) return
      if (event.key === '?') return setHelp((v) => !v)
      if (event.key === 'v') return setRevealed((v) => !v)
      const policy = shortcuts.policies.get(event.key)
      if (policy) {
        event.preventDefault()
        setForm((f) => ({ ...f, policy: policy.code, action: policy.defaultAction }))
        return
      }
      const action = shortcuts.actions.get(event.key)
      if (action) {
        event.preventDefault()
        setForm((f) => ({ ...f, action }))
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [shortcuts, result, goNext, doSubmit])

  return (
    <section className="page">
      <header className="page-head">
        <h1>Audit workspace</h1>
        <button
          type="button"
          className="link"
          onClick={() => setHelp((v) => !v)}
          aria-expanded={help}
        >
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </header>
      {help && <ShortcutHelp shortcuts={shortcuts} taxonomy={taxonomy.data} />}
      {taxonomy.error && <ErrorState error={taxonomy.error} what="GET /v1/tasks/rubric" />}
      {next.isPending && <Loading label="Fetching your next task" />}
      {next.error && <ErrorState error={next.error} what="POST /v1/tasks/next" />}
      {!next.isPending && !next.error && task === null && result === null && (
        <EmptyState>
          Your queue is empty. New tasks arrive when a sampling plan draws decisions.{' '}
          <button type="button" className="link" onClick={goNext}>
            Check again
          </button>
        </EmptyState>
      )}
      {result !== null ? (
        <RevealedView result={result} taxonomy={taxonomy.data} onNext={goNext} />
      ) : (
        task !== null && (
          <div className="audit grid-2">
            <section className="card" aria-labelledby="item-title">
              <h2 id="item-title">
                Content <code>{task.item.contentId}</code>
                {task.kind === 'second_qa' && <span className="badge">second QA</span>}
              </h2>
              <MediaPreview
                url={mediaUrlOf(task)}
                revealed={revealed}
                onToggle={() => setRevealed((v) => !v)}
              />
              <dl className="facts">
                <dt>Type</dt>
                <dd>{task.item.contentType ?? '—'}</dd>
                <dt>Queue</dt>
                <dd>{task.item.queue}</dd>
                <dt>Region</dt>
                <dd>{task.item.region}</dd>
                <dt>Language</dt>
                <dd>{task.item.language ?? '—'}</dd>
                <dt>Decided</dt>
                <dd>{when(task.item.decidedAt)}</dd>
                {Object.entries(task.item.attributes).map(([k, v]) => (
                  <Fact key={k} name={k} value={v} />
                ))}
              </dl>
              <p className="muted small">
                Blind review: the original decision is shown after you submit.
                {task.leaseExpiresAt && ` Task held for you until ${when(task.leaseExpiresAt)}.`}
              </p>
            </section>
            <VerdictForm
              taxonomy={taxonomy.data}
              shortcuts={shortcuts}
              form={form}
              setForm={setForm}
              onSubmit={doSubmit}
              pending={submit.isPending}
              error={submit.error}
            />
          </div>
        )
      )}
    </section>
  )
}

function Fact({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{/^https?:\/\//.test(value) ? <span className="break">{value}</span> : value}</dd>
    </>
  )
}

interface Shortcuts {
  policies: Map<string, { code: string; name: string; defaultAction: string }>
  actions: Map<string, string>
}

function buildShortcuts(taxonomy: Taxonomy | undefined): Shortcuts {
  const policies = new Map<string, { code: string; name: string; defaultAction: string }>()
  const actions = new Map<string, string>()
  if (!taxonomy) return { policies, actions }
  const codes = new Set(taxonomy.actions.map((a) => a.code))
  const enforce = codes.has('remove')
    ? 'remove'
    : (taxonomy.actions.find((a) => a.enforces)?.code ?? '')
  const leave = codes.has('no_action')
    ? 'no_action'
    : (taxonomy.actions.find((a) => a.enforces === false)?.code ?? '')
  const none = taxonomy.policies.find((p) => p.code === 'none')
  if (none)
    policies.set('n', { code: 'none', name: none.name ?? 'No violation', defaultAction: leave })
  // Top-level violations get 1–9: the verdicts auditors give most.
  taxonomy.policies
    .filter((p) => p.code !== 'none' && !p.parent)
    .sort((a, b) => (a.tier ?? 9) - (b.tier ?? 9))
    .slice(0, 9)
    .forEach((p, i) =>
      policies.set(String(i + 1), { code: p.code, name: p.name ?? p.code, defaultAction: enforce }),
    )
  for (const [code, key] of Object.entries(ACTION_KEYS)) if (codes.has(code)) actions.set(key, code)
  return { policies, actions }
}

function keyOfAction(shortcuts: Shortcuts, code: string): string | undefined {
  return [...shortcuts.actions.entries()].find(([, c]) => c === code)?.[0]
}

function VerdictForm({
  taxonomy,
  shortcuts,
  form,
  setForm,
  onSubmit,
  pending,
  error,
}: {
  taxonomy: Taxonomy | undefined
  shortcuts: Shortcuts
  form: FormState
  setForm: (update: (f: FormState) => FormState) => void
  onSubmit: () => void
  pending: boolean
  error: unknown
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault()
    onSubmit()
  }
  if (!taxonomy) return <Loading label="Loading the rubric" />
  return (
    <form className="card verdict" onSubmit={submit} aria-labelledby="verdict-title">
      <h2 id="verdict-title">Your verdict</h2>
      <fieldset className="quick">
        <legend>Common verdicts</legend>
        {[...shortcuts.policies.entries()].map(([key, p]) => (
          <button
            type="button"
            key={p.code}
            className={form.policy === p.code ? 'chip selected' : 'chip'}
            aria-pressed={form.policy === p.code}
            onClick={() => setForm((f) => ({ ...f, policy: p.code, action: p.defaultAction }))}
          >
            <kbd>{key}</kbd> {p.name}
          </button>
        ))}
      </fieldset>
      <div className="row">
        <label>
          Policy
          <select
            value={form.policy}
            onChange={(e) => setForm((f) => ({ ...f, policy: e.target.value }))}
            required
          >
            <option value="">Choose…</option>
            {taxonomy.policies.map((p) => (
              <option key={p.code} value={p.code}>
                {p.parent ? '\u00a0\u00a0' : ''}
                {p.name ?? p.code}
              </option>
            ))}
          </select>
        </label>
        <label>
          Action
          <select
            value={form.action}
            onChange={(e) => setForm((f) => ({ ...f, action: e.target.value }))}
            required
          >
            <option value="">Choose…</option>
            {taxonomy.actions.map((a) => {
              const key = keyOfAction(shortcuts, a.code)
              return (
                <option key={a.code} value={a.code}>
                  {a.name ?? a.code}
                  {key ? ` (${key})` : ''}
                </option>
              )
            })}
          </select>
        </label>
      </div>
      <details>
        <summary>If the original turns out wrong: severity and root cause</summary>
        <div className="row">
          <label>
            Severity
            <select
              value={form.severity}
              onChange={(e) =>
                setForm((f) => ({ ...f, severity: e.target.value as Severity | '' }))
              }
            >
              <option value="">—</option>
              <option value="critical">Critical</option>
              <option value="major">Major</option>
              <option value="minor">Minor</option>
            </select>
          </label>
          <label>
            Root cause
            <select
              value={form.rootCause}
              onChange={(e) => setForm((f) => ({ ...f, rootCause: e.target.value }))}
            >
              <option value="">—</option>
              {taxonomy.rootCauses.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name ?? r.code}
                </option>
              ))}
            </select>
          </label>
        </div>
      </details>
      {(taxonomy.questions ?? []).map((q) => (
        <fieldset key={q.code} className="rubric">
          <legend>{q.text}</legend>
          {(q.type === 'yes_no' ? ['yes', 'no'] : (q.options ?? [])).map((option) => (
            <label key={option} className="inline">
              <input
                type="radio"
                name={q.code}
                value={option}
                checked={form.answers[q.code] === option}
                onChange={() =>
                  setForm((f) => ({ ...f, answers: { ...f.answers, [q.code]: option } }))
                }
              />{' '}
              {option}
            </label>
          ))}
        </fieldset>
      ))}
      <label>
        Comment
        <textarea
          rows={2}
          value={form.comment}
          onChange={(e) => setForm((f) => ({ ...f, comment: e.target.value }))}
          placeholder="What the moderator should know (Ctrl+Enter submits)"
        />
      </label>
      {error != null && <ErrorState error={error} what="POST /v1/tasks/{id}/verdict" />}
      <button
        type="submit"
        className="primary"
        disabled={pending || form.policy === '' || form.action === ''}
      >
        {pending ? 'Submitting…' : 'Submit verdict'} <kbd>Enter</kbd>
      </button>
      <p className="muted small">
        Selected: {nameOf(taxonomy.policies, form.policy || null)} ·{' '}
        {nameOf(taxonomy.actions, form.action || null)}
      </p>
    </form>
  )
}

function RevealedView({
  result,
  taxonomy,
  onNext,
}: {
  result: RevealedTask
  taxonomy: Taxonomy | undefined
  onNext: () => void
}) {
  const correct = result.outcome === 'correct'
  return (
    <section className="card revealed" aria-labelledby="outcome-title" aria-live="polite">
      <h2 id="outcome-title">
        Outcome:{' '}
        <span className={`badge ${correct ? 'badge-met' : 'badge-missed'}`}>
          <span aria-hidden="true">{correct ? '✓' : '✗'}</span> {result.outcome.replace(/_/g, ' ')}
        </span>
      </h2>
      <table className="table compare">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">Policy</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Original decision ({result.original.actorType})</th>
            <td>{nameOf(taxonomy?.policies, result.original.policy)}</td>
            <td>{nameOf(taxonomy?.actions, result.original.action)}</td>
          </tr>
          <tr>
            <th scope="row">Your verdict</th>
            <td>{nameOf(taxonomy?.policies, result.verdict.policy)}</td>
            <td>{nameOf(taxonomy?.actions, result.verdict.action)}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">
        Decided by {result.original.actorId}
        {result.original.site ? ` at ${result.original.site}` : ''}
        {result.original.score != null ? ` (score ${result.original.score})` : ''} · audit{' '}
        {result.verdict.auditId}
      </p>
      <button type="button" className="primary" onClick={onNext} autoFocus>
        Next task <kbd>Enter</kbd>
      </button>
    </section>
  )
}

function ShortcutHelp({
  shortcuts,
  taxonomy,
}: {
  shortcuts: Shortcuts
  taxonomy: Taxonomy | undefined
}) {
  return (
    <aside className="card shortcuts" aria-label="Keyboard shortcuts">
      <ul>
        {[...shortcuts.policies.entries()].map(([key, p]) => (
          <li key={key}>
            <kbd>{key}</kbd> {p.name}
          </li>
        ))}
        {[...shortcuts.actions.entries()].map(([key, code]) => (
          <li key={key}>
            <kbd>{key}</kbd> action: {nameOf(taxonomy?.actions, code)}
          </li>
        ))}
        <li>
          <kbd>v</kbd> reveal or blur media
        </li>
        <li>
          <kbd>Enter</kbd> submit, then next task
        </li>
      </ul>
    </aside>
  )
}
