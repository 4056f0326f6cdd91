/**
 * Ingest: validated records from a file, an HTTP body or a stream go into the store in batches.
 *
 * Each batch is one transaction (rows, roll-ups), so a crash loses at most the batch in flight and
 * a re-run completes it: records are idempotent on their ids. While one batch is being written,
 * the next one is parsed and validated (the database works on another core meanwhile).
 * Memory is constant: one batch being built and one being written.
 *
 * Decisions may be sampled as they arrive (`sampling`: compiled plans, see
 * engine/sampling/compile-ingest-plans.ts): the decisions a batch inserts are drawn with
 * `drawStreaming` and their samples and audit tasks written in the batch's transaction.
 */
import { ValidationError, type FieldIssue } from '../../domain/errors.js'
import { indexTaxonomy } from '../../domain/taxonomy/outcome.js'
import type { RecordKind } from '../../domain/records.js'
import type { Database, RawConnection } from '../../store/db.js'
import { beginBatch, commitBatch, rollbackBatch } from '../../store/ingest-store.js'
import { getCurrentTaxonomy } from '../../store/taxonomy-store.js'
import type { StreamingPlan } from '../sampling/draw-streaming.js'
import { createAuditIngester } from './audit-ingester.js'
import { createDecisionIngester } from './decision-ingester.js'
import type { IncomingRow, RejectedRow } from './incoming-row.js'
import { createRatingIngester } from './rating-ingester.js'
import { DUPLICATE, type IngestTaxonomy, type RecordIngester } from './record-ingester.js'
import type { IngestSampling } from './sample-at-ingest.js'

export { MalformedRow, type IncomingRow, type RejectedRow } from './incoming-row.js'
export type { IngestSampling } from './sample-at-ingest.js'

export const DEFAULT_BATCH_SIZE = 10_000
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
  /** Rows per transaction (default 10,000; the CLI and server pass ASSAY_BATCH_SIZE). */
  batchSize?: number
  onProgress?: (progress: IngestProgress) => void
  onReject?: (reject: RejectedRow) => void
  /**
   * Decisions only: compiled plans (`compileIngestPlans`) that sample every batch's newly inserted
   * decisions, in the batch's transaction. None (the default): nothing is sampled.
   */
  sampling?: readonly StreamingPlan[]
}

/** Decisions and audits are checked against the current taxonomy; ratings are not. */
async function createIngester(
  database: Database,
  kind: RecordKind,
  sampling: readonly StreamingPlan[],
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
      ? createDecisionIngester(taxonomy, sampling)
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
  const started = performance.now()
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  // Before taking the connection: on PGlite the connection is the one session, held until the end.
  const sampling = options.sampling ?? []
  const ingester = await createIngester(database, kind, sampling)
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
  const progress = () =>
    options.onProgress?.({
      received: summary.received,
      inserted: summary.inserted,
      rejected: summary.rejected,
      ...(options.bytesRead === undefined ? {} : { bytesRead: options.bytesRead() }),
    })

  await database.withConnection(async (connection) => {
    const flush = async (batch: unknown) => {
      const outcome = await writeBatch(connection, ingester, batch)
      summary.inserted += outcome.inserted
      summary.duplicates += outcome.duplicates
      if (summary.sampling !== undefined && outcome.sampled !== undefined) {
        summary.sampling.samples += outcome.sampled.samples
        summary.sampling.tasksCreated += outcome.sampled.tasksCreated
      }
      for (const row of outcome.rejects) reject(row)
      progress()
    }
    // The batch being written while the next one is built; awaited before the next write starts.
    let inFlight: Promise<void> = Promise.resolve()
    try {
      for await (const group of groups) {
        for (const row of group) {
          summary.received += 1
          const result = ingester.add(row)
          if (result === undefined) {
            if (ingester.size >= batchSize) {
              const batch = ingester.take()
              await inFlight
              inFlight = flush(batch)
              // Observed now so that a failure is not "unhandled" while parsing goes on; rethrown below.
              inFlight.catch(() => undefined)
            }
          } else if (result === DUPLICATE) {
            summary.duplicates += 1
          } else {
            reject({ source: row.source, line: row.line, issues: result as FieldIssue[] })
          }
        }
      }
      await inFlight
      if (ingester.size > 0) await flush(ingester.take())
    } catch (error) {
      await inFlight.catch(() => undefined)
      throw error
    }
  })
  summary.durationMs = performance.now() - started
  return summary
}

async function writeBatch(
  connection: RawConnection,
  ingester: RecordIngester<unknown>,
  batch: unknown,
) {
  await beginBatch(connection)
  try {
    const outcome = await ingester.write(connection, batch)
    await commitBatch(connection)
    return outcome
  } catch (error) {
    await rollbackBatch(connection)
    throw error
  }
}
