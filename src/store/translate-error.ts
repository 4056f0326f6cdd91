/**
 * Translates driver errors into AppErrors so that no SQL text or driver detail reaches a client:
 * unique violation → ConflictError, foreign-key violation and values the database refuses (NUL in
 * text, numbers or dates out of range) → ValidationError, connection loss → UnavailableError
 * (retryable). Anything else passes through for the server's generic 500.
 */
import { AppError, ConflictError, UnavailableError, ValidationError } from '../domain/errors.js'

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
])

/**
 * The retryable part of translateDatabaseError alone: a lost or refused connection becomes
 * UnavailableError, anything else is returned as it is (stores still see driver codes).
 */
export function translateConnectionError(error: unknown): unknown {
  if (error instanceof AppError) return error
  const code = (error as { code?: string } | null)?.code
  const message = (error as Error | null)?.message ?? ''
  if (
    (code !== undefined && CONNECTION_CODES.has(code)) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|terminating connection|is not queryable/i.test(
      message,
    )
  ) {
    return new UnavailableError('the database is unavailable; retry shortly', { cause: error })
  }
  return error
}

/**
 * Values the database refuses (SQLSTATE class 22, data exception, and 54000, a value too large for
 * an index): they came from a request, so they are the client's error. The message says what is
 * wrong in words, never in the driver's (which quotes SQL and values).
 */
const DATA_ERRORS: Record<string, string> = {
  '22021': 'text must be valid UTF-8 without NUL (\\u0000) characters',
  '22P05': 'text must not contain NUL (\\u0000) characters or unpaired surrogates',
  '22003': 'a number is out of range',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
  '22001': 'a value is too long',
  '54000': 'a value is too large to store or index',
}

export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error
  const code = (error as { code?: string } | null)?.code
  if (code === '23505')
    return new ConflictError('a record with the same key already exists', { cause: error })
  if (code === '23503')
    return new ValidationError('a referenced record does not exist', [], { cause: error })
  if (code !== undefined && (code in DATA_ERRORS || code.startsWith('22')))
    return new ValidationError(
      `the database refused a value: ${DATA_ERRORS[code] ?? 'a value is not valid for its field'}`,
      [],
      { cause: error },
    )
  return translateConnectionError(error)
}
