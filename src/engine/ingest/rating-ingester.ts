/** Calibration ratings: validated by the contract schema, idempotent on (session, item, rater). */
import type { FieldIssue } from '../../domain/errors.js'
import { parseRecord } from '../../domain/parse-record.js'
import type { RawConnection } from '../../store/db.js'
import { insertRatingsIgnoringDuplicates } from '../../store/ingest-store.js'
import { COPY_NULL, escapeOrIssue, normalizeTimestamp } from './copy-text.js'
import { MalformedRow, type IncomingRow } from './incoming-row.js'
import {
  DUPLICATE,
  describeValue,
  type BatchOutcome,
  type RecordIngester,
} from './record-ingester.js'

export interface RatingBatch {
  copyText: string
  size: number
}

export function createRatingIngester(): RecordIngester<RatingBatch> {
  let batch: RatingBatch = { copyText: '', size: 0 }
  let seen = new Set<string>()
  return {
    get size() {
      return batch.size
    },
    add(row: IncomingRow) {
      if (row.raw instanceof MalformedRow) return row.raw.issues
      // Ratings files are small (calibration sessions), so the zod schema is fast enough here.
      const parsed = parseRecord('ratings', row.raw)
      if (!parsed.ok) return parsed.issues
      const r = parsed.record
      const issues: FieldIssue[] = []
      const ratedAt = r.rated_at === undefined ? undefined : normalizeTimestamp(r.rated_at)
      if (typeof ratedAt === 'string')
        issues.push({
          path: 'rated_at',
          message: `${ratedAt} (got ${describeValue(r.rated_at ?? '')})`,
        })
      const session = escapeOrIssue(r.session_id, 'session_id', issues)
      const item = escapeOrIssue(r.item_id, 'item_id', issues)
      const rater = escapeOrIssue(r.rater_id, 'rater_id', issues)
      const label = escapeOrIssue(r.label, 'label', issues)
      if (issues.length > 0 || typeof ratedAt === 'string') return issues
      const key = `${r.session_id}\0${r.item_id}\0${r.rater_id}`
      if (seen.has(key)) return DUPLICATE
      seen.add(key)
      batch.copyText += `${session}\t${item}\t${rater}\t${label}\t${ratedAt === undefined ? COPY_NULL : ratedAt.text}\n`
      batch.size += 1
      return undefined
    },
    take() {
      const taken = batch
      batch = { copyText: '', size: 0 }
      seen = new Set()
      return taken
    },
    async write(connection: RawConnection, taken: RatingBatch): Promise<BatchOutcome> {
      const inserted = await insertRatingsIgnoringDuplicates(connection, taken.copyText)
      return { inserted, duplicates: taken.size - inserted, rejects: [] }
    },
  }
}
