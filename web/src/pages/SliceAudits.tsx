/**
 * Drill-down: the audited decisions of one slice with their final verdicts
 * (GET /v1/audits?metric=&period=&<dimension>=<value>…), newest first, 50 at a time.
 */
import { useInfiniteQuery } from '@tanstack/react-query'
import { api } from '../api/client'
import type { SliceAuditPage } from '../api/types'
import { EmptyState, ErrorState } from '../components/ErrorState'
import { count, sliceLabel, when } from '../components/format'
import { Loading } from '../components/Loading'

export function SliceAudits({
  slice,
  period,
  metric,
  onClose,
}: {
  slice: Record<string, string>
  period: string
  metric: string
  onClose: () => void
}) {
  const query = { ...slice, period, metric, limit: 50 }
  const audits = useInfiniteQuery({
    queryKey: ['audited', query],
    queryFn: ({ pageParam }) =>
      api.get<SliceAuditPage>('/v1/audits', { ...query, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
  })
  const items = audits.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <section className="card drill" aria-labelledby="drill-title">
      <div className="card-head">
        <h2 id="drill-title">Audited decisions · {sliceLabel(slice)}</h2>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
      {audits.isPending && <Loading />}
      {audits.error && <ErrorState error={audits.error} what="GET /v1/audits" />}
      {audits.data && items.length === 0 && (
        <EmptyState>No audited decisions in this slice.</EmptyState>
      )}
      {items.length > 0 && (
        <div className="scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Decision</th>
                <th scope="col">Decided</th>
                <th scope="col" className="hide-narrow">
                  Where
                </th>
                <th scope="col">Decision → verdict</th>
                <th scope="col">Outcome</th>
                <th scope="col" className="hide-narrow">
                  Root cause
                </th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.auditId} className={a.outcome === 'correct' ? undefined : 'row-missed'}>
                  <td>
                    <code>{a.decisionId}</code>
                    <div className="muted small">
                      {a.actorId} · content {a.contentId}
                    </div>
                  </td>
                  <td>{when(a.decidedAt)}</td>
                  <td className="hide-narrow">
                    {a.region} · {a.queue}
                    {a.site ? ` · ${a.site}` : ''}
                  </td>
                  <td>
                    {a.decision.policy}/{a.decision.action} → {a.verdict.policy}/{a.verdict.action}
                  </td>
                  <td>
                    {a.outcome === 'correct' ? '✓ ' : '✗ '}
                    {a.outcome.replace(/_/g, ' ')}
                    {a.severity ? ` (${a.severity})` : ''}
                    {(a.disputed || a.overturned) && (
                      <div className="muted small">
                        {a.overturned ? 'disputed, overturned' : 'disputed'}
                      </div>
                    )}
                  </td>
                  <td className="hide-narrow">{a.rootCause?.replace(/_/g, ' ') ?? ''}</td>
                  <td>{a.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items.length > 0 && (
        <p className="muted small">
          {count(items.length)} shown{' '}
          {audits.hasNextPage && (
            <button
              type="button"
              className="link"
              disabled={audits.isFetchingNextPage}
              onClick={() => void audits.fetchNextPage()}
            >
              {audits.isFetchingNextPage ? 'Loading…' : 'Show more'}
            </button>
          )}
        </p>
      )}
    </section>
  )
}
