/** The moderator's dispute form: why the audit of this decision is wrong. */
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import type { Dispute, DisputeRequest, FeedbackItem } from '../api/types'
import { ErrorState } from '../components/ErrorState'

export function DisputeForm({ item, onDone }: { item: FeedbackItem; onDone: () => void }) {
  const client = useQueryClient()
  const [reason, setReason] = useState('')
  const file = useMutation({
    mutationFn: (body: DisputeRequest) => api.post<Dispute>('/v1/disputes', body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['feedback'] })
      void client.invalidateQueries({ queryKey: ['disputes'] })
      onDone()
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (item.qaAuditId) file.mutate({ audit_id: item.qaAuditId, reason: reason.trim() })
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="dispute-title">
      <h2 id="dispute-title">Dispute the audit of {item.decisionId}</h2>
      <p>
        You decided <strong>{item.yourDecision.policy}</strong> / {item.yourDecision.action}; the
        auditor says <strong>{item.verdict.policy}</strong> / {item.verdict.action}.
        {item.dispute.windowClosesAt &&
          ` You can dispute until ${item.dispute.windowClosesAt.slice(0, 10)}.`}
      </p>
      <label>
        Why is the audit wrong?
        <textarea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required />
      </label>
      {file.error && <ErrorState error={file.error} what="POST /v1/disputes" />}
      <div className="row">
        <button type="submit" className="primary" disabled={file.isPending || reason.trim() === ''}>
          File dispute
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}
