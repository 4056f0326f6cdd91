/** Users: creation with roles, scopes and an optional password; disabling; password changes. */
import { ROLES, type Role } from '../../domain/access.js'
import { ValidationError, type FieldIssue } from '../../domain/errors.js'
import type { Database } from '../../store/db.js'
import {
  deleteUserSessions,
  getUser,
  insertUser,
  listUsers as listUserRows,
  setPasswordHash,
  setUserDisabled,
  type UserRow,
} from '../../store/user-store.js'
import { recordEvent } from '../trail/record-event.js'
import { hashPassword } from './passwords.js'
import { noteAccessChange } from './access-changes.js'
import { clipInput, quoteInput } from '../../domain/quote-input.js'

export type { UserRow }

const USER_ID = /^[A-Za-z0-9_.@-]{1,128}$/
const SCOPE = /^[^\s,]{1,128}$/

export interface CreateUserInput {
  userId: string
  displayName?: string
  roles: string[]
  regions?: string[] | null
  sites?: string[] | null
  password?: string
}

/** What the trail records of a user: never the password hash. */
function describeUser(user: UserRow, hasPassword: boolean) {
  return {
    userId: user.userId,
    displayName: user.displayName,
    roles: user.roles,
    regions: user.regions,
    sites: user.sites,
    hasPassword,
    disabledAt: user.disabledAt,
  }
}

/** Creates a user; `actor` is who did it, for the trail. */
export async function createUser(
  database: Database,
  input: CreateUserInput,
  actor = 'system',
): Promise<UserRow> {
  const issues: FieldIssue[] = []
  if (!USER_ID.test(input.userId))
    issues.push({ path: 'userId', message: 'must be 1–128 letters, digits or _ . @ -' })
  if (input.roles.length === 0)
    issues.push({ path: 'roles', message: `must list at least one of ${ROLES.join(', ')}` })
  for (const role of input.roles) {
    if (!(ROLES as readonly string[]).includes(role))
      issues.push({
        path: 'roles',
        message: `unknown role ${clipInput(role)}; roles are ${ROLES.join(', ')}`,
      })
  }
  for (const [path, values] of [
    ['regions', input.regions],
    ['sites', input.sites],
  ] as const) {
    for (const value of values ?? [])
      if (!SCOPE.test(value))
        issues.push({
          path,
          message: `${quoteInput(value)} must be 1–128 characters without spaces or commas`,
        })
  }
  if (issues.length > 0) throw new ValidationError('invalid user', issues)
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password)
  return database.transaction(async (trx) => {
    await insertUser(trx, {
      userId: input.userId,
      displayName: input.displayName ?? input.userId,
      roles: [...new Set(input.roles)] as Role[],
      regions: input.regions ?? null,
      sites: input.sites ?? null,
      passwordHash,
    })
    const user = await getUser(trx, input.userId)
    await recordEvent(trx, {
      actor,
      action: 'user.create',
      subjectType: 'user',
      subjectId: user.userId,
      after: describeUser(user, passwordHash !== null),
    })
    return user
  })
}

export async function listUsers(database: Database): Promise<UserRow[]> {
  return listUserRows(database.db)
}

/** Disables a user: their tokens stop working and their sessions end. */
export async function disableUser(
  database: Database,
  userId: string,
  actor: string,
  now: Date,
): Promise<UserRow> {
  const result = await database.transaction(async (trx) => {
    const before = await getUser(trx, userId)
    if (before.disabledAt !== null) return before
    await setUserDisabled(trx, userId, now)
    const sessions = await deleteUserSessions(trx, userId)
    const after = await getUser(trx, userId)
    await recordEvent(trx, {
      actor,
      action: 'user.disable',
      subjectType: 'user',
      subjectId: userId,
      before: { disabledAt: null },
      after: { disabledAt: after.disabledAt, sessionsEnded: sessions },
    })
    return after
  })
  noteAccessChange(database)
  return result
}

/** Sets (or replaces) a user's password and ends their sessions. */
export async function setPassword(
  database: Database,
  userId: string,
  password: string,
  actor: string,
): Promise<void> {
  const passwordHash = await hashPassword(password)
  await database.transaction(async (trx) => {
    await setPasswordHash(trx, userId, passwordHash)
    await deleteUserSessions(trx, userId)
    await recordEvent(trx, {
      actor,
      action: 'user.set_password',
      subjectType: 'user',
      subjectId: userId,
    })
  })
  noteAccessChange(database)
}
