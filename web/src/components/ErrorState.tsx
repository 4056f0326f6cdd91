/** Every failure renders here, through parseApiError. */
import type { ReactNode } from 'react'
import { parseApiError } from '../api/errors'

export function ErrorState({
  error,
  what,
  title,
}: {
  error: unknown
  what?: string
  title?: string
}) {
  const parsed = parseApiError(error)
  if (parsed.isMissingRoute) {
    return (
      <div className="notice" role="status">
        <strong>Not available yet.</strong> This page reads {what ?? 'an API route'}, which this
        server does not offer yet.
      </div>
    )
  }
  return (
    <div className="error" role="alert">
      <strong>{title ?? titleFor(parsed.code, parsed.status)}</strong> {parsed.message}
      {parsed.details.length > 0 && (
        <ul>
          {parsed.details.map((d, i) => (
            <li key={i}>
              {d.path ? <code>{d.path}</code> : null} {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function titleFor(code: string, status: number): string {
  if (code === 'network') return 'Cannot reach the server.'
  if (status === 401) return 'Not signed in.'
  if (status === 403) return 'Not allowed.'
  if (status === 404) return 'Not found.'
  if (code === 'validation_failed' || status === 400) return 'Please check the form.'
  if (status === 409) return 'Conflict.'
  return 'Something went wrong.'
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>
}
