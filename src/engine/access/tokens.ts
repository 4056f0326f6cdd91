/**
 * Users and API tokens. A token is `assay_` + 32 random bytes (base64url), shown once and stored
 * as its SHA-256 hash: tokens are high-entropy, so a fast hash is enough (passwords use argon2).
 */
import { createHash, randomBytes } from 'node:crypto'
import { ROLES, type Principal, type Role } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { Database } from '../../store/db.js'
import { findPrincipalByTokenHash, getUser, insertToken, insertUser } from '../../store/user-store.js'

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/

export async function createUser(
  database: Database,
  input: { userId: string; displayName?: string; roles: string[]; regions?: string[] | null; sites?: string[] | null },
): Promise<void> {
  const issues = []
  if (!USER_ID.test(input.userId)) issues.push({ path: 'userId', message: 'must be 1–128 letters, digits or _ . @ -' })
  if (input.roles.length === 0) issues.push({ path: 'roles', message: `must list at least one of ${ROLES.join(', ')}` })
  for (const role of input.roles) {
    if (!(ROLES as readonly string[]).includes(role)) issues.push({ path: 'roles', message: `unknown role ${role}; roles are ${ROLES.join(', ')}` })
  }
  if (issues.length > 0) throw new ValidationError('invalid user', issues)
  await insertUser(database.db, {
    userId: input.userId,
    displayName: input.displayName ?? input.userId,
    roles: input.roles as Role[],
    regions: input.regions ?? null,
    sites: input.sites ?? null,
  })
}

export interface CreatedToken {
  tokenId: string
  token: string
  expiresAt: Date | null
}

export async function createToken(
  database: Database,
  input: { userId: string; name?: string; expiresAt?: Date | null },
): Promise<CreatedToken> {
  await getUser(database.db, input.userId)
  const tokenId = `tok_${randomBytes(6).toString('hex')}`
  const token = `assay_${randomBytes(32).toString('base64url')}`
  await insertToken(database.db, {
    tokenId,
    userId: input.userId,
    name: input.name ?? 'api token',
    tokenHash: hashToken(token),
    expiresAt: input.expiresAt ?? null,
  })
  return { tokenId, token, expiresAt: input.expiresAt ?? null }
}

/** The principal behind a bearer token, or undefined when it is unknown, revoked or expired. */
export async function authenticateToken(database: Database, token: string, now: Date): Promise<Principal | undefined> {
  if (!token.startsWith('assay_') || token.length > 200) return undefined
  return findPrincipalByTokenHash(database.db, hashToken(token), now)
}
