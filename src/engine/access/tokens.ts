/**
 * API tokens. A token is `assay_` + 32 random bytes (base64url), shown once and stored as its
 * SHA-256 hash: tokens are high-entropy, so a fast hash is enough (passwords use argon2id). A
 * token may be scoped to a subset of its user's permissions, and may expire.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  effectivePermissions,
  isPermission,
  type Permission,
  type Principal,
} from '../../domain/access.js'
import { NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors.js'
import type { Database } from '../../store/db.js'
import {
  findToken,
  findTokenPrincipal,
  getUser,
  insertToken,
  listTokens,
  revokeToken,
  touchToken,
  type TokenRow,
} from '../../store/user-store.js'
import { recordEvent } from '../trail/record-event.js'
import { noteAccessChange } from './access-changes.js'
import { clipInput } from '../../domain/quote-input.js'

export { createUser } from './users.js'
export type { TokenRow }

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export interface CreatedToken {
  tokenId: string
  /** The secret; shown once, never stored. */
  token: string
  expiresAt: Date | null
  permissions: Permission[] | null
}

export interface CreateTokenInput {
  userId: string
  name?: string
  expiresAt?: Date | null
  /** A subset of the user's permissions; absent or null: all of them. */
  permissions?: readonly string[] | null
}

function describeToken(token: TokenRow) {
  return {
    tokenId: token.tokenId,
    userId: token.userId,
    name: token.name,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    permissions: token.permissions,
  }
}

/**
 * Creates a token for `input.userId`. When `issuer` is given (a request), the token can carry no
 * permission the issuer lacks, so a scoped token cannot mint a broader one.
 */
export async function createToken(
  database: Database,
  input: CreateTokenInput,
  options: { actor?: string; issuer?: Principal } = {},
): Promise<CreatedToken> {
  const name = input.name ?? 'api token'
  const issues: FieldIssue[] = []
  if (name.length < 1 || name.length > 200)
    issues.push({ path: 'name', message: 'must be 1–200 characters' })
  const user = await getUser(database.db, input.userId)
  let permissions: Permission[] | null = null
  if (input.permissions != null) {
    const held = effectivePermissions(user)
    const allowedByIssuer =
      options.issuer === undefined ? held : effectivePermissions(options.issuer)
    permissions = []
    for (const permission of new Set(input.permissions)) {
      if (!isPermission(permission))
        issues.push({ path: 'permissions', message: `unknown permission ${clipInput(permission)}` })
      else if (!held.includes(permission))
        issues.push({
          path: 'permissions',
          message: `user ${user.userId} does not have ${permission} (roles: ${user.roles.join(', ')})`,
        })
      else if (!allowedByIssuer.includes(permission))
        issues.push({
          path: 'permissions',
          message: `you cannot grant ${permission}, which you do not have`,
        })
      else permissions.push(permission)
    }
    if (input.permissions.length === 0)
      issues.push({
        path: 'permissions',
        message: "must list at least one permission, or be left out for all of the user's",
      })
  } else if (options.issuer !== undefined && options.issuer.userId !== user.userId) {
    // A token for someone else must be explicit about what it carries.
    issues.push({
      path: 'permissions',
      message: 'must be listed when creating a token for another user',
    })
  }
  if (issues.length > 0) throw new ValidationError('invalid token request', issues)
  const tokenId = `tok_${randomBytes(8).toString('hex')}`
  const token = `assay_${randomBytes(32).toString('base64url')}`
  const expiresAt = input.expiresAt ?? null
  await database.transaction(async (trx) => {
    await insertToken(trx, {
      tokenId,
      userId: user.userId,
      name,
      tokenHash: hashToken(token),
      expiresAt,
      permissions,
    })
    const row = await findToken(trx, tokenId)
    await recordEvent(trx, {
      actor: options.actor ?? options.issuer?.userId ?? 'system',
      action: 'token.create',
      subjectType: 'token',
      subjectId: tokenId,
      after: row === undefined ? null : describeToken(row),
    })
  })
  return { tokenId, token, expiresAt, permissions }
}

/** Revokes a token. With `owner`, only a token of that user (else not found, so ids do not leak). */
export async function revokeApiToken(
  database: Database,
  tokenId: string,
  options: { actor: string; now: Date; owner?: string },
): Promise<TokenRow> {
  const result = await database.transaction(async (trx) => {
    const before = await findToken(trx, tokenId)
    if (before === undefined || (options.owner !== undefined && before.userId !== options.owner))
      throw new NotFoundError(`no token ${clipInput(tokenId)}`)
    await revokeToken(trx, tokenId, options.now)
    const after = (await findToken(trx, tokenId)) as TokenRow
    await recordEvent(trx, {
      actor: options.actor,
      action: 'token.revoke',
      subjectType: 'token',
      subjectId: tokenId,
      before: describeToken(before),
      after: describeToken(after),
    })
    return after
  })
  noteAccessChange(database)
  return result
}

/** A user's tokens (never their secrets), newest first. */
export async function listApiTokens(database: Database, userId: string): Promise<TokenRow[]> {
  await getUser(database.db, userId)
  return listTokens(database.db, userId)
}

/** The principal and token id behind a bearer token, or undefined when unknown, revoked or expired. */
export async function authenticateTokenCredential(
  database: Database,
  token: string,
  now: Date,
): Promise<{ principal: Principal; tokenId: string; expiresAt: Date | null } | undefined> {
  if (!token.startsWith('assay_') || token.length > 200) return undefined
  return findTokenPrincipal(database.db, hashToken(token), now)
}

/** The principal behind a bearer token, or undefined when it is unknown, revoked or expired. */
export async function authenticateToken(
  database: Database,
  token: string,
  now: Date,
): Promise<Principal | undefined> {
  return (await authenticateTokenCredential(database, token, now))?.principal
}

/** A token's `lastUsedAt` is at most this much older than its last use (default 1 minute). */
export const TOKEN_USE_RESOLUTION_MS = 60_000

/** Notes API token uses in the store, cheaply: see createTokenUseRecorder. */
export interface TokenUseRecorder {
  /** Records that `tokenId` was used at `at`; writes only when the stored time is too old. */
  noteUse(tokenId: string, at: Date): Promise<void>
}

/**
 * Keeps `api_tokens.last_used_at` current to within `resolutionMs`, so that an admin can spot
 * tokens nobody uses any more (`assay token list`): one UPDATE per token per minute and process at
 * most, not one per request. The times written are remembered per token (the 10,000 most recent;
 * a forgotten one costs a write); the UPDATE itself skips a row another process touched within
 * the minute. A failed write is forgotten, so the next use tries again.
 */
export function createTokenUseRecorder(
  database: Database,
  options: { resolutionMs?: number; maxTokens?: number } = {},
): TokenUseRecorder {
  const resolutionMs = options.resolutionMs ?? TOKEN_USE_RESOLUTION_MS
  const maxTokens = options.maxTokens ?? 10_000
  const written = new Map<string, number>()
  return {
    async noteUse(tokenId, at) {
      const ms = at.getTime()
      const last = written.get(tokenId)
      if (last !== undefined && ms >= last && ms - last < resolutionMs) return
      // Set before the write: concurrent requests with this token do not write again.
      written.delete(tokenId)
      written.set(tokenId, ms)
      for (const oldest of written.keys()) {
        if (written.size <= maxTokens) break
        written.delete(oldest)
      }
      try {
        await touchToken(database.db, tokenId, at, resolutionMs)
      } catch (error) {
        if (written.get(tokenId) === ms) written.delete(tokenId)
        throw error
      }
    },
  }
}
