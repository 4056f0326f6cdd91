/**
 * Appends one event to the trail, inside the caller's transaction so that the event commits or
 * rolls back with the change it describes.
 *
 * Locking: a transaction-scoped advisory lock serialises appenders, so each new entry chains onto
 * the committed head; the lock is held until the caller's transaction ends, so call this late in
 * the transaction. Cost: one lock, one index look-up, one nextval, one insert.
 */
import type { Kysely } from 'kysely'
import type { Schema } from '../../store/schema/index.js'
import {
  findTrailHead,
  insertTrailRow,
  lockTrail,
  nextTrailSeq,
  type TrailRow,
} from '../../store/trail-store.js'
import { GENESIS_HASH, hashEntry } from './hash-entry.js'

export interface TrailEvent {
  /** Who did it: a user id, `cli:<os user>`, or `system`. */
  actor: string
  /** `<subject>.<verb>`, e.g. `user.create`, `token.revoke`, `dispute.settle`. */
  action: string
  subjectType: string
  subjectId: string
  /** The subject before and after the change; never secrets (hashes, passwords, tokens). */
  before?: unknown
  after?: unknown
  /** Defaults to now; stored and hashed at millisecond precision. */
  at?: Date
}

/**
 * Records `event` through `executor`: a transaction (preferred) or the database, in which case a
 * transaction is opened for the append alone.
 * @example await database.transaction(async (trx) => { await save(trx); await recordEvent(trx, { actor, action: 'plan.update', subjectType: 'plan', subjectId }) })
 */
export async function recordEvent(executor: Kysely<Schema>, event: TrailEvent): Promise<TrailRow> {
  if (!executor.isTransaction)
    return executor.transaction().execute((trx) => recordEvent(trx, event))
  await lockTrail(executor)
  const head = await findTrailHead(executor)
  const seq = await nextTrailSeq(executor)
  // Milliseconds: what a JS Date holds, so the hashed time is exactly the stored one.
  const at = new Date((event.at ?? new Date()).getTime())
  const entry = {
    seq,
    at,
    actor: event.actor,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    // Through JSON once, so the stored value is the hashed one (Dates become strings, undefined drops).
    before:
      event.before === undefined ? null : (JSON.parse(JSON.stringify(event.before)) as unknown),
    after: event.after === undefined ? null : (JSON.parse(JSON.stringify(event.after)) as unknown),
  }
  const prevHash = head?.hash ?? GENESIS_HASH
  const row: TrailRow = { ...entry, prevHash, hash: hashEntry(prevHash, entry) }
  await insertTrailRow(executor, row)
  return row
}
