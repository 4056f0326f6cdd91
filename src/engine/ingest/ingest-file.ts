/** Ingests one record file (CSV or NDJSON, plain or gzip); see ingestRecords for the guarantees. */
import type { RecordKind } from '../../domain/records.js'
import type { Database } from '../../store/db.js'
import {
  ingestCsvBytes,
  ingestRowGroups,
  type IngestRecordsOptions,
  type IngestSummary,
} from './ingest-records.js'
import { openRecordFile } from './read-record-file.js'

export interface IngestFileOptions extends IngestRecordsOptions {
  /** Called once the file is open, with its size on disk, e.g. to size a progress bar. */
  onOpen?: (file: { size: number; format: string; compressed: boolean }) => void
}

/**
 * Streams a file into the store in constant memory. Never throws for bad rows; throws when the
 * file cannot be read, its CSV header is unusable, or the store fails.
 */
export async function ingestFile(
  database: Database,
  kind: RecordKind,
  path: string,
  options: IngestFileOptions = {},
): Promise<IngestSummary> {
  const file = await openRecordFile(path)
  options.onOpen?.({ size: file.size, format: file.format, compressed: file.compressed })
  const fileOptions = { ...options, bytesRead: file.bytesRead }
  return file.format === 'csv'
    ? ingestCsvBytes(database, kind, path, file.bytes, fileOptions)
    : ingestRowGroups(database, kind, file.rows, fileOptions)
}
