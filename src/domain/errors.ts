/**
 * The application's error model. Codes are stable and part of the API; the code → HTTP status
 * table lives in `server/errors.ts`, never here.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unavailable'
  | 'internal'

export interface FieldIssue {
  /** Where the problem is: a field name, a JSON path such as `strata.0.rate`, or `line 12: region`. */
  path: string
  message: string
}

export class AppError extends Error {
  override name = 'AppError'
  readonly code: ErrorCode
  readonly details?: unknown

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.code = code
    this.details = options.details
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError'
  declare readonly details: FieldIssue[]

  constructor(message: string, issues: FieldIssue[] = [], options: { cause?: unknown } = {}) {
    super('validation_failed', message, { details: issues, cause: options.cause })
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError'
  constructor(message: string) {
    super('not_found', message)
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError'
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('conflict', message, options)
  }
}

/** A dependency (the database, a stream) is briefly unreachable; the client may retry. */
export class UnavailableError extends AppError {
  override name = 'UnavailableError'
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('unavailable', message, options)
  }
}
