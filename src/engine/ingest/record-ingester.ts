/**
 * What every record kind's ingester does: take rows into a chunk, then write the chunk inside the
 * transaction the engine has begun (a transaction holds one or more chunks).
 */
import type { FieldIssue } from '../../domain/errors.js'
import type { TaxonomyIndex } from '../../domain/taxonomy/outcome.js'
import type { RawConnection } from '../../store/db.js'
import type { CsvFields } from './csv-record-parser.js'
import type { IncomingRow, RejectedRow } from './incoming-row.js'
import type { IngestSampling } from './sample-at-ingest.js'

/** `add` found the record's key earlier in the same chunk: the first one wins. */
export const DUPLICATE = 'duplicate'

export type AddResult = FieldIssue[] | typeof DUPLICATE | undefined

/** Takes one CSV record where it stands in the bytes (see CsvScanner); same results as `add`. */
export type CsvRecordAdder = (bytes: Buffer, line: number, fields: CsvFields) => AddResult

export interface BatchOutcome {
  inserted: number
  duplicates: number
  /** Rows refused at write time (an audit of an unknown decision, a self-audit). */
  rejects: RejectedRow[]
  /** Decisions with sampling plans: what the batch sampled. */
  sampled?: IngestSampling
}

export interface IngestTaxonomy {
  index: TaxonomyIndex
  version: number
}

export interface RecordIngester<Chunk> {
  /** Rows in the chunk being built. */
  readonly size: number
  /** Validates a row into the current chunk; returns its issues, DUPLICATE, or undefined when taken. */
  add(row: IncomingRow): AddResult
  /**
   * For CSV input, once the header is read: an adder that takes records straight from the text
   * (kinds with a fast path; the others get objects through `add`).
   */
  csvRecords?(source: string, header: readonly string[]): CsvRecordAdder
  /** Hands over the chunk built so far and starts a new one. */
  take(): Chunk
  /** The rows added from now on belong to the next transaction. */
  startTransaction?(): void
  /**
   * True when the row just added starts a new period (decisions: a new UTC day), where ending a
   * transaction costs least: the next one then touches none of its roll-up cells.
   */
  readonly startsNewPeriod?: boolean
  /**
   * Hands over the chunk without the row just added (undefined when that leaves it empty), and
   * starts the next transaction with that row.
   */
  splitBeforeLast?(): Chunk | undefined
  /**
   * True when a transaction's chunks may be written beside the previous transaction's (on another
   * connection): the ingester then leaves out of each transaction the keys of the one before (as
   * duplicates: the first wins), so that an earlier transaction never waits for a later one.
   */
  readonly concurrentTransactions?: boolean
  /** Writes a chunk inside the transaction the caller has begun. */
  write(connection: RawConnection, chunk: Chunk): Promise<BatchOutcome>
  /** After the last chunk of a transaction (`last`) was written, before the commit. */
  finishTransaction?(connection: RawConnection, last: Chunk): Promise<void>
}

export function describeValue(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
}

/** Taxonomy checks shared by decisions and audits. */
export function checkTaxonomyCodes(
  taxonomy: IngestTaxonomy,
  policy: string,
  action: string,
  issues: FieldIssue[],
): void {
  if (!taxonomy.index.policies.has(policy)) {
    issues.push({
      path: 'policy',
      message: `is not a policy code of the taxonomy (version ${taxonomy.version}) (got ${describeValue(policy)})`,
    })
  }
  if (!taxonomy.index.actions.has(action)) {
    issues.push({
      path: 'action',
      message: `is not an action code of the taxonomy (version ${taxonomy.version}) (got ${describeValue(action)})`,
    })
  }
}
