/** The error code → HTTP status table, and the one error response shape. */
import type { ErrorCode, FieldIssue } from '../domain/errors.js'
import { clipInput } from '../domain/quote-input.js'

export const STATUS_BY_CODE: Record<
  ErrorCode,
  400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503
> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown }
}

/** A backstop: no error message is longer than this, whatever a route put in it. */
export const MAX_ERROR_MESSAGE_CHARACTERS = 1000

/**
 * The error body of an answer. Messages quote client input through `quoteInput`/`clipInput`
 * (80 characters); as a backstop, a message is cut at 1,000 characters and each issue's path
 * (which can hold a client's key) at 80.
 */
export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  const body: ErrorBody = {
    error: { code, message: clipInput(message, MAX_ERROR_MESSAGE_CHARACTERS) },
  }
  if (details === undefined || (Array.isArray(details) && details.length === 0)) return body
  body.error.details = Array.isArray(details)
    ? details.map((d: unknown) => (isIssue(d) ? boundIssue(d) : d))
    : details
  return body
}

function isIssue(value: unknown): value is FieldIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FieldIssue).path === 'string' &&
    typeof (value as FieldIssue).message === 'string'
  )
}

const boundIssue = (issue: FieldIssue): FieldIssue => ({
  ...issue,
  path: clipInput(issue.path),
  message: clipInput(issue.message, MAX_ERROR_MESSAGE_CHARACTERS),
})
