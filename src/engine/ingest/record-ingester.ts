/** What every record kind's ingester does: take rows into a batch, then write the batch. */
import type { FieldIssue } from '../../domain/errors.js'
import type { TaxonomyIndex } from '../../domain/taxonomy/outcome.js'
import type { RawConnection } from '../../store/db.js'
import type { IncomingRow, RejectedRow } from './incoming-row.js'
import type { IngestSampling } from './sample-at-ingest.js'

/** `add` found the record's key earlier in the same batch: the first one wins. */
export const DUPLICATE = 'duplicate'

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

export interface RecordIngester<Batch> {
  /** Rows in the batch being built. */
  readonly size: number
  /** Validates a row into the current batch; returns its issues, DUPLICATE, or undefined when taken. */
  add(row: IncomingRow): FieldIssue[] | typeof DUPLICATE | undefined
  /** Hands over the batch built so far and starts a new one. */
  take(): Batch
  /** Writes a batch inside the transaction the caller has begun. */
  write(connection: RawConnection, batch: Batch): Promise<BatchOutcome>
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
