/** The error code → HTTP status table, and the one error response shape. */
import type { ErrorCode } from '../domain/errors.js'

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
