/** The store's data version, for read caches (see store/data-version-store.ts for what moves it). */
import type { Database } from '../../store/db.js'
import { findDataVersion } from '../../store/data-version-store.js'

/**
 * A string that changes whenever data in the store changes: at once for changes that append to
 * the event log, usually within a second (at most ~10 s) for any other insert, update or delete.
 */
export async function readDataVersion(database: Database): Promise<string> {
  return findDataVersion(database.db)
}
