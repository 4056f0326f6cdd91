/** Queries for users and API tokens. Tokens are stored only as SHA-256 hashes. */
import type { Kysely } from 'kysely'
import type { Principal, Role } from '../domain/access.js'
import { ConflictError, NotFoundError } from '../domain/errors.js'
import type { Schema } from './schema/index.js'

export interface UserRow {
  userId: string
  displayName: string
  roles: Role[]
  regions: string[] | null
  sites: string[] | null
  createdAt: Date
  disabledAt: Date | null
}

export async function insertUser(
  db: Kysely<Schema>,
  user: { userId: string; displayName: string; roles: Role[]; regions?: string[] | null; sites?: string[] | null; passwordHash?: string | null },
): Promise<void> {
  const existing = await db.selectFrom('users').select('userId').where('userId', '=', user.userId).executeTakeFirst()
  if (existing) throw new ConflictError(`user ${user.userId} already exists`)
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
  const rows = await db
    .selectFrom('users')
    .select(['userId', 'displayName', 'roles', 'regions', 'sites', 'createdAt', 'disabledAt'])
    .orderBy('userId')
    .execute()
  return rows as UserRow[]
}

export async function findUser(db: Kysely<Schema>, userId: string): Promise<UserRow | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['userId', 'displayName', 'roles', 'regions', 'sites', 'createdAt', 'disabledAt'])
    .where('userId', '=', userId)
    .executeTakeFirst()
  return row as UserRow | undefined
}

export async function getUser(db: Kysely<Schema>, userId: string): Promise<UserRow> {
  const user = await findUser(db, userId)
  if (user === undefined) throw new NotFoundError(`no user ${userId}`)
  return user
}

export async function setUserDisabled(db: Kysely<Schema>, userId: string, at: Date | null): Promise<void> {
  const result = await db.updateTable('users').set({ disabledAt: at }).where('userId', '=', userId).executeTakeFirst()
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`no user ${userId}`)
}

export async function insertToken(
  db: Kysely<Schema>,
  token: { tokenId: string; userId: string; name: string; tokenHash: string; expiresAt: Date | null },
): Promise<void> {
  await db.insertInto('apiTokens').values(token).execute()
}

export async function revokeToken(db: Kysely<Schema>, tokenId: string, at: Date): Promise<void> {
  const result = await db
    .updateTable('apiTokens')
    .set({ revokedAt: at })
    .where('tokenId', '=', tokenId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`no active token ${tokenId}`)
}

/** The principal behind a live token (not revoked, not expired, user not disabled), or undefined. */
export async function findPrincipalByTokenHash(db: Kysely<Schema>, tokenHash: string, now: Date): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('apiTokens')
    .innerJoin('users', 'users.userId', 'apiTokens.userId')
    .select(['users.userId', 'users.roles', 'users.regions', 'users.sites', 'apiTokens.expiresAt'])
    .where('apiTokens.tokenHash', '=', tokenHash)
    .where('apiTokens.revokedAt', 'is', null)
    .where('users.disabledAt', 'is', null)
    .executeTakeFirst()
  if (row === undefined) return undefined
  if (row.expiresAt !== null && new Date(row.expiresAt).getTime() <= now.getTime()) return undefined
  return { userId: row.userId, roles: row.roles as Role[], regions: row.regions, sites: row.sites }
}
