/** The trail's hash rule, shared by `recordEvent` and `verifyTrail`. */
import { createHash } from 'node:crypto'
import { canonicalJson } from './canonical-json.js'

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

export interface TrailEntry {
  seq: number
  at: Date
  actor: string
  action: string
  subjectType: string
  subjectId: string
  before: unknown
  after: unknown
}

/** sha256(prev_hash || canonical JSON of the entry), hex. The time is hashed as ISO-8601 in UTC. */
export function hashEntry(prevHash: string, entry: TrailEntry): string {
  const body = canonicalJson({
    seq: entry.seq,
    at: new Date(entry.at).toISOString(),
    actor: entry.actor,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  })
  return createHash('sha256').update(prevHash).update(body).digest('hex')
}
