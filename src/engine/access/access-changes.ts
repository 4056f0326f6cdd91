/**
 * A per-store counter of access changes made by this process (a token revoked, a user disabled, a
 * session ended). Caches of authentications (src/server/response-cache.ts) include it in what
 * their entries are valid for, so that a revocation made in this process applies to the very next
 * request; revocations from other processes reach them through the store's data version.
 */
import type { Database } from '../../store/db.js'

const counters = new WeakMap<Database, number>()

export function noteAccessChange(database: Database): void {
  counters.set(database, (counters.get(database) ?? 0) + 1)
}

export function accessChanges(database: Database): number {
  return counters.get(database) ?? 0
}
