/** The newest entries of the trail, for `assay log list`. */
import type { Database } from '../../store/db.js'
import { listLatestTrailRows, type TrailRow } from '../../store/trail-store.js'

export type { TrailRow }

/** The newest `limit` events, oldest first. */
export async function listEvents(database: Database, limit: number): Promise<TrailRow[]> {
  return (await listLatestTrailRows(database.db, limit)).reverse()
}
