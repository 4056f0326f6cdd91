/**
 * Queries for the event log (the trail). Appends are serialised by a transaction-scoped advisory
 * lock so that concurrent writers chain onto each other in sequence order; the hashing itself is
 * in `engine/trail`.
 */
import { sql, type Kysely } from 'kysely'
import type { Schema } from './schema/index.js'

/** Arbitrary fixed key of the advisory lock that serialises appends to event_log. */
const TRAIL_LOCK_KEY = 4_207_117_001

export interface TrailRow {
  seq: number
  at: Date
  actor: string
  action: string
  subjectType: string
  subjectId: string
  before: unknown
  after: unknown
  prevHash: string
  hash: string
}

/**
 * Takes the trail's append lock until the end of the transaction `trx` (works on PGlite too, where
 * it is uncontended). Must run inside a transaction: outside one it would be released at once.
 */
export async function lockTrail(trx: Kysely<Schema>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(TRAIL_LOCK_KEY)})`.execute(trx)
}

/** The last entry's seq and hash, or undefined for an empty log. Call it holding the lock. */
export async function findTrailHead(
  db: Kysely<Schema>,
): Promise<{ seq: number; hash: string } | undefined> {
  return db
    .selectFrom('eventLog')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** Draws the next seq from the column's sequence (bigserial), so that restored dumps continue it. */
export async function nextTrailSeq(db: Kysely<Schema>): Promise<number> {
  const { rows } = await sql<{ seq: number | string }>`
    select nextval(pg_get_serial_sequence('event_log', 'seq')) as seq
  `.execute(db)
  return Number(rows[0]?.seq)
}

export async function insertTrailRow(db: Kysely<Schema>, row: TrailRow): Promise<void> {
  await db
    .insertInto('eventLog')
    .values({
      ...row,
      before: row.before === null ? null : JSON.stringify(row.before),
      after: row.after === null ? null : JSON.stringify(row.after),
    })
    .execute()
}

/** Entries in sequence order after `afterSeq` (keyset pagination). */
export async function listTrailRows(
  db: Kysely<Schema>,
  options: { afterSeq?: number; limit: number },
): Promise<TrailRow[]> {
  let query = db.selectFrom('eventLog').selectAll().orderBy('seq', 'asc').limit(options.limit)
  if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq)
  return (await query.execute()) as TrailRow[]
}

/** The newest `limit` entries, newest first. */
export async function listLatestTrailRows(db: Kysely<Schema>, limit: number): Promise<TrailRow[]> {
  return (await db
    .selectFrom('eventLog')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute()) as TrailRow[]
}
