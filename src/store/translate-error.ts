/**
 * Translates driver errors into AppErrors so that no SQL text or driver detail reaches a client:
 * unique violation → ConflictError, foreign-key violation → ValidationError, connection loss →
 * UnavailableError (retryable). Anything else passes through for the server's generic 500.
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

export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error
  const code = (error as { code?: string } | null)?.code
  const message = (error as Error | null)?.message ?? ''
  if (code === '23505')
    return new ConflictError('a record with the same key already exists', { cause: error })
  if (code === '23503')
    return new ValidationError('a referenced record does not exist', [], { cause: error })
  if (
    (code !== undefined && CONNECTION_CODES.has(code)) ||
    /Connection terminated|connection timeout|terminating connection|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return new UnavailableError('the database is unavailable; retry shortly', { cause: error })
  }
  return error
}
