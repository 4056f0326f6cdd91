/**
 * Ingest: validated records from a file, an HTTP body or a stream go into the store.
 *
 * Rows are written in chunks (one COPY each, CHUNK_ROWS rows) inside transactions of up to
 * `batchSize` rows (ASSAY_BATCH_SIZE), so that memory stays flat whatever the transaction size:
 * only the chunk being built, the chunks waiting to be written (at most two) and the roll-up
 * totals of the open transaction are held. A transaction is all or nothing (its rows, their
 * roll-ups and samples), so a crash loses at most the transactions in flight and a re-run
 * completes them: records are idempotent on their ids.
 *
 * Decision roll-ups are written once per transaction. Past half its rows, a transaction ends where
 * a new UTC day starts (decisions arrive in time order): the next transaction then touches none
 * of its roll-up cells, and its new cells are copied rather than upserted (an upsert of a new row
 * costs PostgreSQL about 2.5 times a plain insert, an update of a stored one far more).
 *
 * While a chunk is written, the next ones are parsed and validated (the database works on another
 * core meanwhile); parsing lets the event loop run every ROWS_PER_TURN rows so that the writer's
 * round trips complete. With `connections: 2` (PostgreSQL), a transaction's roll-ups and commit
 * also overlap the next transaction's COPYs (see chunk-writer.ts for the order kept).
 *
 * Decisions may be sampled as they arrive (`sampling`: compiled plans, see
 * engine/sampling/compile-ingest-plans.ts): the decisions a chunk inserts are drawn with
 * `drawStreaming` and their samples and audit tasks written in the chunk's transaction.
 */
import { ValidationError } from '../../domain/errors.js'
import { indexTaxonomy } from '../../domain/taxonomy/outcome.js'
import type { RecordKind } from '../../domain/records.js'
import type { Database, RawConnection } from '../../store/db.js'
import { getCurrentTaxonomy } from '../../store/taxonomy-store.js'
import type { StreamingPlan } from '../sampling/draw-streaming.js'
import { createAuditIngester } from './audit-ingester.js'
import { ChunkWriter } from './chunk-writer.js'
import { CsvScanner, csvRecordObject } from './csv-record-parser.js'
import { createDecisionIngester } from './decision-ingester.js'
import { MalformedRow, type IncomingRow, type RejectedRow } from './incoming-row.js'
import { createRatingIngester } from './rating-ingester.js'
import {
  DUPLICATE,
  type AddResult,
  type BatchOutcome,
  type CsvRecordAdder,
  type IngestTaxonomy,
  type RecordIngester,
} from './record-ingester.js'
import type { IngestSampling } from './sample-at-ingest.js'

export { MalformedRow, type IncomingRow, type RejectedRow } from './incoming-row.js'
export type { IngestSampling } from './sample-at-ingest.js'

/** Rows per transaction unless ASSAY_BATCH_SIZE / --batch-size say otherwise (see bench/ingest.bench.ts). */
export const DEFAULT_BATCH_SIZE = 200_000
/** Rows per COPY on PostgreSQL; a transaction holds batchSize / CHUNK_ROWS of them. */
export const CHUNK_ROWS = 10_000
/** Rows per COPY on PGlite, where each COPY of a blob costs more (measured: +17 % rows/s over 10k). */
export const EMBEDDED_CHUNK_ROWS = 50_000
/**
 * Rows parsed between two turns of the event loop: the writer's database round trips complete
 * only when parsing lets the event loop run, and the database idles until they do.
 */
const ROWS_PER_TURN = 200

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))
/** How many rejected rows a summary lists; `onReject` sees every one. */
export const MAX_LISTED_REJECTS = 1000

export interface IngestSummary {
  kind: RecordKind
  received: number
  inserted: number
  duplicates: number
  rejected: number
  /** The first MAX_LISTED_REJECTS rejected rows. */
  rejects: RejectedRow[]
  /** Present when decisions were ingested with sampling plans: the samples and tasks written. */
  sampling?: IngestSampling
  durationMs: number
}

export interface IngestProgress {
  received: number
  inserted: number
  rejected: number
  bytesRead?: number
}

export interface IngestRecordsOptions {
  /** Rows per transaction (default DEFAULT_BATCH_SIZE; the CLI and server pass ASSAY_BATCH_SIZE). */
  batchSize?: number
  /** Rows per COPY (default CHUNK_ROWS, EMBEDDED_CHUNK_ROWS on PGlite; at most batchSize). */
  chunkRows?: number
  /**
   * PostgreSQL only: connections to write with, 1 (default) or 2. With 2, a transaction's
   * roll-ups and commit overlap the next transaction's COPYs on a second connection, taken from
   * the pool when the second transaction starts (so a pool of one would wait forever). The CLI
   * uses 2; an HTTP request keeps to one so that concurrent requests cannot exhaust the pool.
   */
  connections?: 1 | 2
  onProgress?: (progress: IngestProgress) => void
  onReject?: (reject: RejectedRow) => void
  /**
   * Decisions only: compiled plans (`compileIngestPlans`) that sample every chunk's newly inserted
   * decisions, in the chunk's transaction. None (the default): nothing is sampled.
   */
  sampling?: readonly StreamingPlan[]
}

/** Decisions and audits are checked against the current taxonomy; ratings are not. */
async function createIngester(
  database: Database,
  kind: RecordKind,
  sampling: readonly StreamingPlan[],
  concurrentTransactions: boolean,
): Promise<RecordIngester<unknown>> {
  if (sampling.length > 0 && kind !== 'decisions')
    throw new ValidationError(`sampling plans apply to decisions, not ${kind}`, [
      { path: 'sampleWith', message: `only decisions are sampled (got ${kind})` },
    ])
  if (kind === 'ratings') return createRatingIngester() as RecordIngester<unknown>
  const stored = await getCurrentTaxonomy(database.db)
  const taxonomy: IngestTaxonomy = {
    index: indexTaxonomy(stored.taxonomy),
    version: stored.version,
  }
  return (
    kind === 'decisions'
      ? createDecisionIngester(taxonomy, sampling, { concurrentTransactions })
      : createAuditIngester(taxonomy)
  ) as RecordIngester<unknown>
}

/**
 * Validates and stores records. Never throws for bad rows (they are counted and reported with
 * source, line, field and reason); throws only when the store fails, or when it has no taxonomy.
 */
export async function ingestRecords(
  database: Database,
  kind: RecordKind,
  rows: AsyncIterable<IncomingRow> | Iterable<IncomingRow>,
  options: IngestRecordsOptions = {},
): Promise<IngestSummary> {
  return ingestRowGroups(database, kind, groupRows(rows), options)
}

async function* groupRows(
  rows: AsyncIterable<IncomingRow> | Iterable<IncomingRow>,
): AsyncGenerator<readonly IncomingRow[]> {
  if (Symbol.iterator in rows) {
    // A synchronous iterable: hand it over in large groups, no promise per row.
    let group: IncomingRow[] = []
    for (const row of rows) {
      group.push(row)
      if (group.length >= 1000) {
        yield group
        group = []
      }
    }
    if (group.length > 0) yield group
    return
  }
  for await (const row of rows) yield [row]
}

/** The engine behind ingestRecords and ingestFile: rows arrive in groups (one per chunk read). */
export async function ingestRowGroups(
  database: Database,
  kind: RecordKind,
  groups: AsyncIterable<readonly IncomingRow[]>,
  options: IngestRecordsOptions & { bytesRead?: () => number } = {},
): Promise<IngestSummary> {
  return runIngest(database, kind, options, async (ingester, accept, pause) => {
    for await (const group of groups) {
      for (const row of group) if (accept(ingester.add(row), row.source, row.line)) await pause()
    }
  })
}

/**
 * The engine behind ingestFile for CSV: records are taken where they stand in the bytes, by the
 * kind's fast path when it has one (decisions), else as objects keyed by the header.
 */
export async function ingestCsvBytes(
  database: Database,
  kind: RecordKind,
  source: string,
  chunks: AsyncIterable<Buffer>,
  options: IngestRecordsOptions & { bytesRead?: () => number } = {},
): Promise<IngestSummary> {
  return runIngest(database, kind, options, async (ingester, accept, pause) => {
    let adder: CsvRecordAdder | undefined
    const scanner: CsvScanner = new CsvScanner(
      source,
      {
        record: (bytes, line, fields) => {
          if (accept((adder as CsvRecordAdder)(bytes, line, fields), source, line)) scanner.pause()
        },
        malformed: (line, message) => {
          const raw = new MalformedRow([{ path: '', message }])
          accept(ingester.add({ source, line, raw }), source, line)
        },
      },
      (header) => {
        adder =
          ingester.csvRecords?.(source, header) ??
          ((bytes, line, fields) =>
            ingester.add({ source, line, raw: csvRecordObject(header, bytes, fields) }))
      },
    )
    for await (const bytes of chunks) {
      scanner.push(bytes, false)
      while (scanner.paused) {
        await pause()
        scanner.resume()
      }
    }
    scanner.push(Buffer.alloc(0), true)
    while (scanner.paused) {
      await pause()
      scanner.resume()
    }
  })
}

/**
 * Feeds rows to `accept`, which returns true when the feed must await `pause()` before the next
 * row: to let the event loop run (the writer's I/O), or because enough chunks wait for the
 * writer (memory stays bounded whatever the chunk size).
 */
type Feed = (
  ingester: RecordIngester<unknown>,
  accept: (result: AddResult, source: string, line: number) => boolean,
  pause: () => Promise<void>,
) => Promise<void>

async function runIngest(
  database: Database,
  kind: RecordKind,
  options: IngestRecordsOptions & { bytesRead?: () => number },
  feed: Feed,
): Promise<IngestSummary> {
  const started = performance.now()
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  const chunkRows = Math.min(
    options.chunkRows ?? (database.kind === 'embedded' ? EMBEDDED_CHUNK_ROWS : CHUNK_ROWS),
    batchSize,
  )
  const minTransactionRows = Math.ceil(batchSize / 2)
  // Before taking the connection: on PGlite the connection is the one session, held until the end.
  const sampling = options.sampling ?? []
  const twoConnections = database.kind === 'postgres' && options.connections === 2
  const ingester = await createIngester(database, kind, sampling, twoConnections)
  const summary: IngestSummary = {
    kind,
    received: 0,
    inserted: 0,
    duplicates: 0,
    rejected: 0,
    rejects: [],
    ...(sampling.length > 0 ? { sampling: { samples: 0, tasksCreated: 0 } } : {}),
    durationMs: 0,
  }
  const reject = (row: RejectedRow) => {
    summary.rejected += 1
    if (summary.rejects.length < MAX_LISTED_REJECTS) summary.rejects.push(row)
    options.onReject?.(row)
  }
  const applyOutcome = (outcome: BatchOutcome) => {
    summary.inserted += outcome.inserted
    summary.duplicates += outcome.duplicates
    if (summary.sampling !== undefined && outcome.sampled !== undefined) {
      summary.sampling.samples += outcome.sampled.samples
      summary.sampling.tasksCreated += outcome.sampled.tasksCreated
    }
    for (const row of outcome.rejects) reject(row)
    options.onProgress?.({
      received: summary.received,
      inserted: summary.inserted,
      rejected: summary.rejected,
      ...(options.bytesRead === undefined ? {} : { bytesRead: options.bytesRead() }),
    })
  }

  const second = twoConnections ? heldConnection(database) : undefined
  await database.withConnection(async (connection) => {
    const writer = new ChunkWriter(connection, ingester, applyOutcome, second?.open)
    let transactionRows = 0
    let chunkLimit = chunkRows
    let turn = 0
    const pause = async () => {
      if (turn >= ROWS_PER_TURN) {
        turn = 0
        await nextTurn()
      }
      await writer.waitForRoom()
    }
    const accept = (result: AddResult, source: string, line: number): boolean => {
      summary.received += 1
      turn += 1
      if (result === undefined) {
        // Past half the batch, a new day ends the transaction (see splitBeforeLast).
        if (
          ingester.startsNewPeriod === true &&
          transactionRows + ingester.size - 1 >= minTransactionRows
        ) {
          writer.enqueue({ chunk: ingester.splitBeforeLast?.(), endsTransaction: true })
          transactionRows = 0
          chunkLimit = chunkRows
        }
        if (ingester.size < chunkLimit) return writer.isFull || turn >= ROWS_PER_TURN
        transactionRows += ingester.size
        const endsTransaction = transactionRows >= batchSize
        writer.enqueue({ chunk: ingester.take(), endsTransaction })
        if (endsTransaction) {
          transactionRows = 0
          ingester.startTransaction?.()
        }
        chunkLimit = Math.min(chunkRows, batchSize - transactionRows)
        return writer.isFull || turn >= ROWS_PER_TURN
      }
      if (result === DUPLICATE) summary.duplicates += 1
      else reject({ source, line, issues: result })
      return turn >= ROWS_PER_TURN
    }
    let failed = true
    try {
      try {
        await feed(ingester, accept, pause)
        if (ingester.size > 0) writer.enqueue({ chunk: ingester.take(), endsTransaction: true })
        else if (transactionRows > 0) writer.enqueue({ chunk: undefined, endsTransaction: true })
      } catch (error) {
        await writer.abort()
        throw error
      }
      await writer.close()
      failed = false
    } finally {
      await second?.close(failed)
    }
  })
  summary.durationMs = performance.now() - started
  return summary
}

/**
 * A pooled connection opened on demand and held until `close`; after a failure it is closed
 * as broken (withConnection discards it) rather than returned to the pool.
 */
function heldConnection(database: Database): {
  open: () => Promise<RawConnection>
  close: (broken: boolean) => Promise<void>
} {
  let release: ((broken: boolean) => void) | undefined
  let held: Promise<unknown> | undefined
  return {
    open: () =>
      new Promise<RawConnection>((resolve, reject) => {
        held = database
          .withConnection(
            (connection) =>
              new Promise<void>((done, fail) => {
                release = (broken) =>
                  broken ? fail(new Error('ingest failed; connection discarded')) : done()
                resolve(connection)
              }),
          )
          .catch(reject)
      }),
    async close(broken) {
      release?.(broken)
      await held?.catch(() => undefined)
    },
  }
}
