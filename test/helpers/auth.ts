/** Creates a user with one role and returns request headers carrying a fresh API token for it. */
import type { Role } from '../../src/domain/access.js'
import { createToken, createUser } from '../../src/engine/access/tokens.js'
import type { Database } from '../../src/store/db.js'

let counter = 0

export async function authHeaders(
  database: Database,
  role: Role,
  options: { userId?: string; regions?: string[]; sites?: string[] } = {},
): Promise<Record<string, string>> {
  counter += 1
  const userId = options.userId ?? `${role}-${counter}-${Math.random().toString(36).slice(2, 8)}`
  await createUser(database, {
    userId,
    roles: [role],
    regions: options.regions ?? null,
    sites: options.sites ?? null,
  })
  const { token } = await createToken(database, { userId })
  return { authorization: `Bearer ${token}` }
}
