/**
 * Decisions: validated rows become COPY text as they arrive, in chunks; a chunk is copied straight
 * into `decisions`, or, when some id is already stored, without its stored ids (see insertChunk).
 * Rows read from CSV take `DecisionCsvEncoder` first, which validates and encodes a common row
 * where it stands in the bytes read; a repeated id is found in the chunk's COPY text
 * (`CopyRowIds`), so a row taken by the fast path allocates nothing but its roll-up cell when new.
 *
 * The volume roll-ups count the rows actually inserted, aggregated here in JS over the whole
 * transaction (which may span many chunks) and written once before its commit, so that the sketch
 * bucket has one implementation (`quantileSketchBucket`; PostgreSQL's ln() may differ from
 * Math.log in the last bit and move a value across a bucket boundary).
 *
 * With sampling plans, the decisions a chunk actually inserts are also drawn (`drawStreaming`) and
 * their samples and audit tasks written in the same transaction (see sample-at-ingest.ts).
 */
import type { FieldIssue } from '../../domain/errors.js'
import { fastValidateDecision } from '../../domain/fast-validate-decision.js'
import { hashCopyField } from '../../store/copy-text.js'
import type { RawConnection } from '../../store/db.js'
import { ByteIndex } from '../byte-index.js'
import {
  addScopeSketches,
  addVolumeRollups,
  copyNewDecisions,
  copyNewVolumeRollups,
  findStoredDecisionIds,
  insertDecisionsIgnoringDuplicates,
} from '../../store/ingest-store.js'
import type { StreamingPlan } from '../sampling/draw-streaming.js'
import { CopyBuffer } from './copy-buffer.js'
import { CopyRowIds } from './copy-row-ids.js'
import {
  COPY_NULL,
  INT4_MAX,
  attributesCopyText,
  escapeOrIssue,
  normalizeTimestamp,
} from './copy-text.js'
import { csvRecordObject } from './csv-record-parser.js'
import { DecisionCsvEncoder, FALLBACK, KEY_RANGES } from './decision-csv-fast-path.js'
import { MalformedRow, type IncomingRow } from './incoming-row.js'
import {
  DUPLICATE,
  checkTaxonomyCodes,
  describeValue,
  type BatchOutcome,
  type CsvRecordAdder,
  type IngestTaxonomy,
  type RecordIngester,
} from './record-ingester.js'
import {
  mayBeSampled,
  writeIngestSamples,
  type IngestSampling,
  type SampleCandidate,
} from './sample-at-ingest.js'
import { TransactionRollup, rollupKey, type RollupWrite } from './volume-rollup.js'

/** The rows of one COPY, and what the roll-ups need of each. */
export interface DecisionChunk {
  copy: CopyBuffer
  rows: number
  /** The decision id of each row, where it stands in `copy`. */
  ids: CopyRowIds
  /** Roll-up cell of each row, in `rollup`. */
  cells: Int32Array
  /** -1 when the decision has no handle time. */
  handleTimes: Int32Array
  /** Decisions some sampling plan may sample (hash below its largest rate); empty without plans. */
  sampleCandidates: SampleCandidate[]
  /** The roll-ups of the chunk's transaction. */
  rollup: TransactionRollup
}

export function createDecisionIngester(
  taxonomy: IngestTaxonomy,
  sampling: readonly StreamingPlan[] = [],
  options: { concurrentTransactions?: boolean } = {},
): RecordIngester<DecisionChunk> {
  const concurrent = options.concurrentTransactions === true
  /**
   * With concurrent transactions: the ids of the open transaction and of the one before. A row
   * whose id either holds is a duplicate of an earlier row (the first wins) and is left out, so a
   * transaction never inserts an id the one before (still open on the other connection) inserts
   * later, which would make that one wait for this one's commit, which waits for it.
   */
  let currentIds = new ByteIndex()
  let previousIds: ByteIndex | undefined
  /** The two sets take turns (cleared, not reallocated: their memory is sized by now). */
  const nextTransactionIds = () => {
    if (!concurrent) return
    const emptied = previousIds ?? new ByteIndex()
    emptied.clear()
    previousIds = currentIds
    currentIds = emptied
  }
  /** False (the row is a duplicate) when an id is in this transaction or the one before. */
  const takeId = (bytes: Uint8Array, s: number, e: number): boolean => {
    if (!concurrent) return true
    const hash = hashCopyField(bytes, s, e)
    if (
      (previousIds !== undefined && previousIds.get(bytes, s, e, hash) >= 0) ||
      currentIds.get(bytes, s, e, hash) >= 0
    )
      return false
    currentIds.add(bytes, s, e, hash, 0)
    return true
  }
  const accepts = (policy: string, action: string) =>
    taxonomy.index.policies.has(policy) && taxonomy.index.actions.has(action)
  let rollup = new TransactionRollup(accepts)
  /** COPY buffers of written chunks, reused. */
  const spare: CopyBuffer[] = []
  /** Days whose roll-ups this ingest has written: their cells may exist (upsert, not COPY). */
  const touchedDays = new Set<string>()
  const newChunk = (): DecisionChunk => {
    const copy = spare.pop() ?? new CopyBuffer(1 << 16)
    return {
      copy,
      rows: 0,
      ids: new CopyRowIds(copy),
      cells: new Int32Array(256),
      handleTimes: new Int32Array(256),
      sampleCandidates: [],
      rollup,
    }
  }
  let chunk = newChunk()
  /**
   * Chunks written whose inserted rows are not counted into their transaction's roll-ups yet
   * (`inserted` undefined: all of them; two with concurrent transactions); their COPY buffers are
   * reused once they are.
   */
  const uncounted: { chunk: DecisionChunk; inserted: Set<string> | undefined }[] = []
  const countUncounted = () => {
    for (let next = uncounted.pop(); next !== undefined; next = uncounted.pop()) {
      const { chunk: written, inserted } = next
      const target = written.rollup
      if (inserted === undefined) {
        for (let i = 0; i < written.rows; i++)
          target.add(written.cells[i] as number, written.handleTimes[i] as number)
      } else {
        for (let i = 0; i < written.rows; i++)
          if (inserted.has(written.ids.idOf(i)))
            target.add(written.cells[i] as number, written.handleTimes[i] as number)
      }
      written.copy.clear()
      spare.push(written.copy)
    }
  }
  /** Where the COPY line of the last row added starts. */
  let lastRowStart = 0
  /** UTC day of the last row added, and whether it differs from the day of the row before. */
  let lastDay = ''
  let startsNewDay = false

  /** Counts the row whose line was just written (its id taken by `chunk.ids`). */
  const push = (cell: number, handleTime: number) => {
    const at = chunk.rows
    if (at >= chunk.cells.length) {
      const cells = new Int32Array(at * 2)
      cells.set(chunk.cells)
      chunk.cells = cells
      const handleTimes = new Int32Array(at * 2)
      handleTimes.set(chunk.handleTimes)
      chunk.handleTimes = handleTimes
    }
    chunk.cells[at] = cell
    chunk.handleTimes[at] = handleTime
    chunk.rows = at + 1
  }

  const add = (row: IncomingRow): FieldIssue[] | typeof DUPLICATE | undefined => {
    if (row.raw instanceof MalformedRow) return row.raw.issues
    const parsed = fastValidateDecision(row.raw)
    if (!parsed.ok) return parsed.issues
    const r = parsed.record
    const issues: FieldIssue[] = []
    checkTaxonomyCodes(taxonomy, r.policy, r.action, issues)
    const decidedAt = normalizeTimestamp(r.decided_at)
    if (typeof decidedAt === 'string')
      issues.push({
        path: 'decided_at',
        message: `${decidedAt} (got ${describeValue(r.decided_at)})`,
      })
    const handleTime = r.handle_time_ms
    if (handleTime !== undefined && handleTime > INT4_MAX)
      issues.push({ path: 'handle_time_ms', message: `must be at most ${INT4_MAX}` })
    const id = escapeOrIssue(r.decision_id, 'decision_id', issues)
    const contentId = escapeOrIssue(r.content_id, 'content_id', issues)
    const contentType = escapeOrIssue(r.content_type, 'content_type', issues)
    const region = escapeOrIssue(r.region, 'region', issues)
    const language = escapeOrIssue(r.language, 'language', issues)
    const queue = escapeOrIssue(r.queue, 'queue', issues)
    const site = escapeOrIssue(r.site, 'site', issues)
    const actorId = escapeOrIssue(r.actor_id, 'actor_id', issues)
    const policy = escapeOrIssue(r.policy, 'policy', issues)
    const action = escapeOrIssue(r.action, 'action', issues)
    const policyVersion = escapeOrIssue(r.policy_version, 'policy_version', issues)
    const attributes = attributesCopyText(r.attributes)
    if (attributes === undefined)
      issues.push({
        path: '',
        message: 'an extra column holds a NUL character or invalid Unicode',
      })
    if (issues.length > 0 || typeof decidedAt === 'string') return issues
    const score = r.score === undefined ? COPY_NULL : String(r.score)
    if (concurrent) {
      const idBytes = Buffer.from(r.decision_id, 'utf8')
      if (!takeId(idBytes, 0, idBytes.length)) return DUPLICATE
    }
    const mark = chunk.copy.length
    chunk.copy.write(
      `${id}\t${contentId}\t${contentType}\t${decidedAt.text}\t${region}\t${language}\t${queue}\t${site}\t${r.actor_type}\t${actorId}\t${policy}\t${action}\t${score}\t${handleTime === undefined ? COPY_NULL : handleTime}\t${policyVersion}\t${attributes}\n`,
    )
    if (!chunk.ids.add(mark)) {
      chunk.copy.length = mark
      return DUPLICATE
    }
    startsNewDay = decidedAt.day !== lastDay
    lastDay = decidedAt.day
    lastRowStart = mark
    const cell = rollup.cellOfKey(
      rollupKey(decidedAt.day, r.region, r.queue, r.site, r.actor_type, r.policy, r.action),
    )
    push(cell, handleTime ?? -1)
    if (sampling.length > 0 && mayBeSampled(sampling, r.decision_id))
      chunk.sampleCandidates.push({ decision: r, day: decidedAt.day })
    return undefined
  }

  return {
    get size() {
      return chunk.rows
    },
    concurrentTransactions: concurrent,
    add,
    csvRecords(source: string, header: readonly string[]): CsvRecordAdder {
      const encoder = new DecisionCsvEncoder(header)
      const ranges = new Int32Array(KEY_RANGES)
      return (bytes, line, fields) => {
        const copy = chunk.copy
        const mark = copy.length
        const handleTime = encoder.encode(bytes, fields, copy, ranges)
        if (handleTime !== FALLBACK) {
          const cell = rollup.cellOfRanges(bytes, ranges)
          if (rollup.isAccepted(cell)) {
            if (
              !takeId(bytes, ranges[14] as number, ranges[15] as number) ||
              !chunk.ids.add(mark)
            ) {
              copy.length = mark
              return DUPLICATE
            }
            const day = ranges[0] as number
            startsNewDay = lastDay === '' || !sameAscii(bytes, day, lastDay)
            // ASCII: latin1 decodes it as UTF-8 would, faster.
            if (startsNewDay) lastDay = bytes.toString('latin1', day, day + 10)
            lastRowStart = mark
            push(cell, handleTime)
            if (
              sampling.length > 0 &&
              mayBeSampled(sampling, bytes.toString('latin1', ranges[14], ranges[15]))
            ) {
              const parsed = fastValidateDecision(csvRecordObject(header, bytes, fields))
              if (parsed.ok) chunk.sampleCandidates.push({ decision: parsed.record, day: lastDay })
            }
            return undefined
          }
          // An unknown policy or action: the generic path words the issues.
          copy.length = mark
        }
        return add({ source, line, raw: csvRecordObject(header, bytes, fields) })
      }
    },
    take() {
      const taken = chunk
      chunk = newChunk()
      return taken
    },
    startTransaction() {
      rollup = new TransactionRollup(accepts)
      chunk.rollup = rollup
      nextTransactionIds()
    },
    get startsNewPeriod() {
      return startsNewDay
    },
    splitBeforeLast() {
      const last = chunk.rows - 1
      const key = chunk.rollup.keyOf(chunk.cells[last] as number)
      const handleTime = chunk.handleTimes[last] as number
      const candidates = chunk.sampleCandidates
      const candidate =
        candidates.length > 0 && candidates.at(-1)?.decision.decision_id === chunk.ids.idOf(last)
          ? candidates.pop()
          : undefined
      const line = chunk.copy.bytes.subarray(lastRowStart, chunk.copy.length)
      chunk.rows = last
      chunk.copy.length = lastRowStart
      const taken = chunk
      rollup = new TransactionRollup(accepts)
      chunk = newChunk()
      chunk.copy.ensure(line.length)
      line.copy(chunk.copy.bytes, 0)
      chunk.copy.length = line.length
      chunk.ids.add(0)
      nextTransactionIds()
      if (concurrent) {
        const idBytes = Buffer.from(chunk.ids.idOf(0), 'utf8')
        currentIds.add(idBytes, 0, idBytes.length, hashCopyField(idBytes, 0, idBytes.length), 0)
      }
      lastRowStart = 0
      push(rollup.cellOfKey(key), handleTime)
      if (candidate !== undefined) chunk.sampleCandidates.push(candidate)
      if (taken.rows > 0) return taken
      taken.copy.clear()
      spare.push(taken.copy)
      return undefined
    },
    async write(connection: RawConnection, taken: DecisionChunk): Promise<BatchOutcome> {
      const inserting = insertChunk(connection, taken)
      // The COPY is on its way: count the chunk before into the roll-ups meanwhile, so that the
      // database does not wait for this process between two COPYs.
      countUncounted()
      const inserted = await inserting
      let candidates = taken.sampleCandidates
      // Only decisions inserted now are sampled: a stored one was sampled (or not) when it was.
      if (inserted !== undefined)
        candidates = candidates.filter((c) => inserted.has(c.decision.decision_id))
      uncounted.push({ chunk: taken, inserted })
      let sampled: IngestSampling | undefined
      if (sampling.length > 0) sampled = await writeIngestSamples(connection, sampling, candidates)
      const count = inserted === undefined ? taken.rows : inserted.size
      return {
        inserted: count,
        duplicates: taken.rows - count,
        rejects: [],
        ...(sampled === undefined ? {} : { sampled }),
      }
    },
    async finishTransaction(connection: RawConnection, last: DecisionChunk): Promise<void> {
      countUncounted()
      // Tens of milliseconds of work for a transaction of many cells: the event loop turns
      // before and after it, so that the next transaction's COPYs (on the other connection) are
      // not held up by it more than once.
      await nextTurn()
      const write = last.rollup.rows(touchedDays)
      await nextTurn()
      await writeRollups(connection, write)
      for (const day of write.days) touchedDays.add(day)
    },
  }
}

/**
 * Inserts a chunk's decisions that are not stored yet; returns undefined when that was all of them
 * (one COPY), else the ids inserted. When some id is stored (a re-run, an overlapping file), the
 * stored ones are looked up and the others copied on their own, so that a chunk of duplicates
 * costs one index lookup per row rather than a COPY through a staging table; only when that copy
 * meets an id stored meanwhile (a concurrent ingest) does the chunk go through the staging table
 * with ON CONFLICT DO NOTHING.
 */
async function insertChunk(
  connection: RawConnection,
  chunk: DecisionChunk,
): Promise<Set<string> | undefined> {
  if (await copyNewDecisions(connection, chunk.copy.view())) return undefined
  const ids = Array.from({ length: chunk.rows }, (_, i) => chunk.ids.idOf(i))
  const stored = new Set(await findStoredDecisionIds(connection, ids))
  const fresh = new CopyBuffer(chunk.copy.length)
  const bytes = chunk.copy.bytes
  const inserted = new Set<string>()
  for (let i = 0; i < chunk.rows; i++) {
    const id = ids[i] as string
    if (stored.has(id)) continue
    const start = chunk.ids.lineStart(i)
    const end = i + 1 < chunk.rows ? chunk.ids.lineStart(i + 1) : chunk.copy.length
    bytes.copy(fresh.bytes, fresh.length, start, end)
    fresh.length += end - start
    inserted.add(id)
  }
  if (inserted.size === 0) return inserted
  if (stored.size > 0 && (await copyNewDecisions(connection, fresh.view()))) return inserted
  return new Set(await insertDecisionsIgnoringDuplicates(connection, fresh.view()))
}

/**
 * Touched cells are upserted; fresh ones copied, or upserted when some turns out to exist. The
 * narrow sketches are few (per day, region and site): always upserted.
 */
async function writeRollups(connection: RawConnection, write: RollupWrite): Promise<void> {
  const { touched, fresh } = write
  if (touched.volumeCount > 0) await addVolumeRollups(connection, touched.volumeRows())
  if (!(await copyNewVolumeRollups(connection, fresh.volumeCopyText())))
    await addVolumeRollups(connection, fresh.volumeRows())
  await addScopeSketches(connection, write.scope)
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Whether the bytes at `at` are the ASCII characters of `text`. */
function sameAscii(bytes: Buffer, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false
  return true
}
