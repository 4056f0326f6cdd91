/**
 * Browser sign-in sessions. The session id (32 random bytes) lives only in the client's httpOnly
 * cookie; the store keeps its SHA-256. The CSRF token is derived from the session id
 * (SHA-256 of a fixed label and the id), so it is bound to the session, needs no storage, and
 * cannot be computed by anyone who does not hold the cookie.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Principal } from '../../domain/access.js'
import { AppError } from '../../domain/errors.js'
import type { Database } from '../../store/db.js'
import {
  deleteExpiredSessions,
  deleteSession,
  findPasswordHash,
  findSessionPrincipal,
  getUser,
  insertSession,
} from '../../store/user-store.js'
import { recordEvent } from '../trail/record-event.js'
import { verifyPassword } from './passwords.js'
import { noteAccessChange } from './access-changes.js'

export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

export function hashSessionId(sessionId: string): string {
  return sha256(`assay-session:${sessionId}`)
}

/** The CSRF token of a session: unguessable without the session id, and not revealing it. */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`assay-csrf:${sessionId}`).digest('base64url')
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function isValidCsrfToken(sessionId: string, presented: string | undefined): boolean {
  if (presented === undefined) return false
  const expected = Buffer.from(csrfTokenFor(sessionId))
  const actual = Buffer.from(presented)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

export interface SignedIn {
  sessionId: string
  csrfToken: string
  expiresAt: Date
  principal: Principal
}

/**
 * Checks the password and opens a session. Unknown user, disabled user, no password and wrong
 * password all fail alike (401, same message, same argon2 cost) so that user ids cannot be probed.
 */
export async function signIn(
  database: Database,
  input: { userId: string; password: string },
  options: { now: Date; ttlMs?: number },
): Promise<SignedIn> {
  const passwordHash = await findPasswordHash(database.db, input.userId)
  const ok = await verifyPassword(passwordHash, input.password)
  if (!ok) throw new AppError('unauthenticated', 'unknown user or wrong password')
  const sessionId = randomBytes(32).toString('base64url')
  const expiresAt = new Date(options.now.getTime() + (options.ttlMs ?? DEFAULT_SESSION_TTL_MS))
  await database.transaction(async (trx) => {
    await deleteExpiredSessions(trx, options.now)
    await insertSession(trx, {
      sessionHash: hashSessionId(sessionId),
      userId: input.userId,
      createdAt: options.now,
      expiresAt,
    })
    await recordEvent(trx, {
      actor: input.userId,
      action: 'session.sign_in',
      subjectType: 'user',
      subjectId: input.userId,
      after: { expiresAt },
      at: options.now,
    })
  })
  const user = await getUser(database.db, input.userId)
  return {
    sessionId,
    csrfToken: csrfTokenFor(sessionId),
    expiresAt,
    principal: { userId: user.userId, roles: user.roles, regions: user.regions, sites: user.sites },
  }
}

/** Ends a session; signing out of an unknown or expired session does nothing. */
export async function signOut(database: Database, sessionId: string, now: Date): Promise<void> {
  await database.transaction(async (trx) => {
    const userId = await deleteSession(trx, hashSessionId(sessionId))
    if (userId !== undefined) {
      await recordEvent(trx, {
        actor: userId,
        action: 'session.sign_out',
        subjectType: 'user',
        subjectId: userId,
        at: now,
      })
    }
  })
  noteAccessChange(database)
}

/** The principal behind a live session id, or undefined. */
export async function authenticateSession(
  database: Database,
  sessionId: string,
  now: Date,
): Promise<{ principal: Principal; expiresAt: Date } | undefined> {
  if (sessionId.length === 0 || sessionId.length > 100) return undefined
  return findSessionPrincipal(database.db, hashSessionId(sessionId), now)
}
