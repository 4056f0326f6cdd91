/**
 * The one front-end error parser (documenso's pattern): every failure — an API error body, a
 * network failure, a thrown Error — becomes an `ApiError` that <ErrorState> renders the same way.
 */
import type { ApiErrorBody } from './types'

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    /** The server's error code (`validation_failed`, `forbidden`, …) or `network` / `unknown`. */
    readonly code: string,
    message: string,
    /** HTTP status, 0 when no response arrived. */
    readonly status: number,
    readonly details: readonly { path: string; message: string }[] = [],
  ) {
    super(message)
  }

  get isUnauthenticated(): boolean {
    return this.status === 401
  }

  get isMissingRoute(): boolean {
    return (
      this.status === 404 && this.code === 'not_found' && this.message.startsWith('no route for')
    )
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false
  const error = (value as { error: unknown }).error
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string'
  )
}

/** Turns anything thrown (or an error response body with its status) into an ApiError. */
export function parseApiError(error: unknown, status = 0): ApiError {
  if (error instanceof ApiError) return error
  if (isErrorBody(error)) {
    const { code, message, details } = error.error
    const list = Array.isArray(details)
      ? details.filter(
          (d): d is { path: string; message: string } =>
            typeof d === 'object' &&
            d !== null &&
            typeof (d as { message?: unknown }).message === 'string',
        )
      : []
    return new ApiError(code, message || code, status, list)
  }
  if (error instanceof TypeError) {
    return new ApiError('network', `the server could not be reached (${error.message})`, 0)
  }
  if (error instanceof Error) return new ApiError('unknown', error.message, status)
  return new ApiError('unknown', typeof error === 'string' ? error : 'something went wrong', status)
}
