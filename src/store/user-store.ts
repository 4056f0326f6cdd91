/**
 * Queries for users, API tokens and sign-in sessions. Tokens and session ids are stored only as
 * SHA-256 hashes; passwords only as argon2id hashes.
 */
import type { Kysely } from 'kysely'
import type { Permission, Principal, Role } from '../domain/access.js'
import { ConflictError, NotFoundError } from '../domain/errors.js'
import type { Schema } from './schema/index.js'
import { clipInput } from '../domain/quote-input.js'

export interface UserRow {
  userId: string
  displayName: string
  roles: Role[]
  regions: string[] | null
  sites: string[] | null
  createdAt: Date
  disabledAt: Date | null
}

export interface TokenRow {
  tokenId: string
  userId: string
  name: string
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
  lastUsedAt: Date | null
  permissions: Permission[] | null
}

const USER_COLUMNS = [
  'userId',
  'displayName',
  'roles',
  'regions',
  'sites',
  'createdAt',
  'disabledAt',
] as const
const TOKEN_COLUMNS = [
  'tokenId',
  'userId',
  'name',
  'createdAt',
  'expiresAt',
  'revokedAt',
  'lastUsedAt',
  'permissions',
] as const

export async function insertUser(
  db: Kysely<Schema>,
  user: {
    userId: string
    displayName: string
    roles: Role[]
    regions?: string[] | null
    sites?: string[] | null
    passwordHash?: string | null
  },
): Promise<void> {
  const existing = await db
    .selectFrom('users')
    .select('userId')
    .where('userId', '=', user.userId)
    .executeTakeFirst()
  if (existing) throw new ConflictError(`user ${clipInput(user.userId)} already exists`)
  await db
    .insertInto('users')
    .values({
      userId: user.userId,
      displayName: user.displayName,
      roles: user.roles,
      regions: user.regions ?? null,
      sites: user.sites ?? null,
      passwordHash: user.passwordHash ?? null,
    })
    .execute()
}

export async function listUsers(db: Kysely<Schema>): Promise<UserRow[]> {
  const rows = await db.selectFrom('users').select(USER_COLUMNS).orderBy('userId').execute()
  return rows as UserRow[]
}

export async function findUser(db: Kysely<Schema>, userId: string): Promise<UserRow | undefined> {
  const row = await db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('userId', '=', userId)
    .executeTakeFirst()
  return row as UserRow | undefined
}

export async function getUser(db: Kysely<Schema>, userId: string): Promise<UserRow> {
  const user = await findUser(db, userId)
  if (user === undefined) throw new NotFoundError(`no user ${clipInput(userId)}`)
  return user
}

export async function setUserDisabled(
  db: Kysely<Schema>,
  userId: string,
  at: Date | null,
): Promise<void> {
  const result = await db
    .updateTable('users')
    .set({ disabledAt: at })
    .where('userId', '=', userId)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`no user ${clipInput(userId)}`)
}

export async function setPasswordHash(
  db: Kysely<Schema>,
  userId: string,
  passwordHash: string | null,
): Promise<void> {
  const result = await db
    .updateTable('users')
    .set({ passwordHash })
    .where('userId', '=', userId)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`no user ${clipInput(userId)}`)
}

/** The password hash of an enabled user, or undefined (unknown, disabled or without a password). */
export async function findPasswordHash(
  db: Kysely<Schema>,
  userId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('passwordHash')
    .where('userId', '=', userId)
    .where('disabledAt', 'is', null)
    .executeTakeFirst()
  return row?.passwordHash ?? undefined
}

export async function insertToken(
  db: Kysely<Schema>,
  token: {
    tokenId: string
    userId: string
    name: string
    tokenHash: string
    expiresAt: Date | null
    permissions?: readonly Permission[] | null
  },
): Promise<void> {
  await db
    .insertInto('apiTokens')
    .values({
      ...token,
      permissions:
        token.permissions === undefined || token.permissions === null
          ? null
          : [...token.permissions],
    })
    .execute()
}

export async function findToken(
  db: Kysely<Schema>,
  tokenId: string,
): Promise<TokenRow | undefined> {
  const row = await db
    .selectFrom('apiTokens')
    .select(TOKEN_COLUMNS)
    .where('tokenId', '=', tokenId)
    .executeTakeFirst()
  return row as TokenRow | undefined
}

/** A user's tokens, newest first, without their hashes. */
export async function listTokens(db: Kysely<Schema>, userId: string): Promise<TokenRow[]> {
  const rows = await db
    .selectFrom('apiTokens')
    .select(TOKEN_COLUMNS)
    .where('userId', '=', userId)
    .orderBy('createdAt', 'desc')
    .orderBy('tokenId')
    .execute()
  return rows as TokenRow[]
}

export async function revokeToken(db: Kysely<Schema>, tokenId: string, at: Date): Promise<void> {
  const result = await db
    .updateTable('apiTokens')
    .set({ revokedAt: at })
    .where('tokenId', '=', tokenId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`no active token ${clipInput(tokenId)}`)
}

/**
 * Sets a token's last use to `at` unless it is already within `resolutionMs` of it (so that
 * several processes noting the same minute write once) or later; returns whether it wrote.
 */
export async function touchToken(
  db: Kysely<Schema>,
  tokenId: string,
  at: Date,
  resolutionMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('apiTokens')
    .set({ lastUsedAt: at })
    .where('tokenId', '=', tokenId)
    .where((eb) =>
      eb.or([
        eb('lastUsedAt', 'is', null),
        eb('lastUsedAt', '<=', new Date(at.getTime() - resolutionMs)),
      ]),
    )
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

function toPrincipal(row: {
  userId: string
  roles: string[]
  regions: string[] | null
  sites: string[] | null
  permissions?: string[] | null
}): Principal {
  return {
    userId: row.userId,
    roles: row.roles as Role[],
    regions: row.regions,
    sites: row.sites,
    ...(row.permissions != null ? { permissions: row.permissions as Permission[] } : {}),
  }
}

/** The principal and token id behind a live token (not revoked, not expired, user enabled). */
export async function findTokenPrincipal(
  db: Kysely<Schema>,
  tokenHash: string,
  now: Date,
): Promise<{ principal: Principal; tokenId: string; expiresAt: Date | null } | undefined> {
  const row = await db
    .selectFrom('apiTokens')
    .innerJoin('users', 'users.userId', 'apiTokens.userId')
    .select([
      'users.userId',
      'users.roles',
      'users.regions',
      'users.sites',
      'apiTokens.expiresAt',
      'apiTokens.permissions',
      'apiTokens.tokenId',
    ])
    .where('apiTokens.tokenHash', '=', tokenHash)
    .where('apiTokens.revokedAt', 'is', null)
    .where('users.disabledAt', 'is', null)
    .executeTakeFirst()
  if (row === undefined) return undefined
  if (row.expiresAt !== null && new Date(row.expiresAt).getTime() <= now.getTime()) return undefined
  return {
    principal: toPrincipal(row),
    tokenId: row.tokenId,
    expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt),
  }
}

/** The principal behind a live token (not revoked, not expired, user not disabled), or undefined. */
export async function findPrincipalByTokenHash(
  db: Kysely<Schema>,
  tokenHash: string,
  now: Date,
): Promise<Principal | undefined> {
  return (await findTokenPrincipal(db, tokenHash, now))?.principal
}

export async function insertSession(
  db: Kysely<Schema>,
  session: { sessionHash: string; userId: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.insertInto('sessions').values(session).execute()
}

/** The principal behind a live session (not expired, user enabled), or undefined. */
export async function findSessionPrincipal(
  db: Kysely<Schema>,
  sessionHash: string,
  now: Date,
): Promise<{ principal: Principal; expiresAt: Date } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.userId', 'sessions.userId')
    .select(['users.userId', 'users.roles', 'users.regions', 'users.sites', 'sessions.expiresAt'])
    .where('sessions.sessionHash', '=', sessionHash)
    .where('sessions.expiresAt', '>', now)
    .where('users.disabledAt', 'is', null)
    .executeTakeFirst()
  if (row === undefined) return undefined
  return { principal: toPrincipal(row), expiresAt: new Date(row.expiresAt) }
}

/** Deletes one session; returns its user id, or undefined when there was none. */
export async function deleteSession(
  db: Kysely<Schema>,
  sessionHash: string,
): Promise<string | undefined> {
  const row = await db
    .deleteFrom('sessions')
    .where('sessionHash', '=', sessionHash)
    .returning('userId')
    .executeTakeFirst()
  return row?.userId
}

/** Ends every session of a user; returns how many there were. */
export async function deleteUserSessions(db: Kysely<Schema>, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('userId', '=', userId).executeTakeFirst()
  return Number(result.numDeletedRows)
}

export async function deleteExpiredSessions(db: Kysely<Schema>, now: Date): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expiresAt', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
