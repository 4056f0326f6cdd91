/**
 * Walks the whole trail in sequence order and checks the hash chain. Reads in pages of 1,000;
 * cost is one pass over event_log.
 */
import type { Database } from '../../store/db.js'
import { listTrailRows } from '../../store/trail-store.js'
import { GENESIS_HASH, hashEntry } from './hash-entry.js'

export interface TrailBreak {
  seq: number
  /** `edited`: the entry's content no longer matches its hash; `unlinked`: its prev_hash is not the previous entry's hash (an entry before it was removed or entries were reordered). */
  kind: 'edited' | 'unlinked'
  message: string
}

export interface TrailVerification {
  ok: boolean
  entries: number
  /** The last entry; record it elsewhere to detect later removal of entries at the end. */
  head: { seq: number; hash: string } | null
  firstBreak: TrailBreak | null
}

const PAGE = 1000

/** Never throws for a broken chain: it reports the first broken entry. */
export async function verifyTrail(database: Database): Promise<TrailVerification> {
  let previous: { seq: number; hash: string } | null = null
  let entries = 0
  for (;;) {
    const rows = await listTrailRows(database.db, { afterSeq: previous?.seq, limit: PAGE })
    for (const row of rows) {
      const expectedPrev = previous?.hash ?? GENESIS_HASH
      if (row.prevHash !== expectedPrev) {
        return {
          ok: false,
          entries,
          head: previous,
          firstBreak: {
            seq: row.seq,
            kind: 'unlinked',
            message:
              previous === null
                ? `entry ${row.seq} is first but does not start the chain: entries before it were removed`
                : `entry ${row.seq} does not follow entry ${previous.seq}: an entry between them was removed or entries were reordered`,
          },
        }
      }
      if (hashEntry(row.prevHash, row) !== row.hash) {
        return {
          ok: false,
          entries,
          head: previous,
          firstBreak: {
            seq: row.seq,
            kind: 'edited',
            message: `entry ${row.seq} was edited: its content does not match its hash`,
          },
        }
      }
      entries += 1
      previous = { seq: row.seq, hash: row.hash }
    }
    if (rows.length < PAGE) return { ok: true, entries, head: previous, firstBreak: null }
  }
}
