import { describe, expect, it } from 'vitest'
import { ConflictError, UnavailableError, ValidationError } from '../domain/errors.js'
import { translateConnectionError, translateDatabaseError } from './translate-error.js'

const driverError = (message: string, code?: string) => Object.assign(new Error(message), { code })

describe('translateConnectionError', () => {
  it.each([
    ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'],
    ['terminating connection due to administrator command', '57P01'],
    ['the database system is starting up', '57P03'],
    ['Connection terminated unexpectedly', undefined],
    ['Client was closed and is not queryable', undefined],
    ['Client has encountered a connection error and is not queryable', undefined],
    ['timeout exceeded when trying to connect', undefined],
  ])('turns "%s" into a retryable UnavailableError without driver detail', (message, code) => {
    const error = driverError(message, code)
    const translated = translateConnectionError(error)
    expect(translated).toBeInstanceOf(UnavailableError)
    expect((translated as UnavailableError).code).toBe('unavailable')
    expect((translated as UnavailableError).message).not.toContain(message)
    expect((translated as UnavailableError).cause).toBe(error)
  })

  it('leaves other driver errors as they are, codes included', () => {
    const unique = driverError('duplicate key value violates unique constraint', '23505')
    expect(translateConnectionError(unique)).toBe(unique)
    const syntax = driverError('syntax error at or near "selec"', '42601')
    expect(translateConnectionError(syntax)).toBe(syntax)
  })
})

describe('translateDatabaseError', () => {
  it('maps unique and foreign-key violations, and connection loss', () => {
    expect(translateDatabaseError(driverError('dup', '23505'))).toBeInstanceOf(ConflictError)
    expect(translateDatabaseError(driverError('fk', '23503'))).toBeInstanceOf(ValidationError)
    expect(translateDatabaseError(driverError('read ECONNRESET', 'ECONNRESET'))).toBeInstanceOf(
      UnavailableError,
    )
  })
})
