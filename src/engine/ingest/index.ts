// Ingest: records from files, HTTP bodies and streams into the store.
export { ingestFile, type IngestFileOptions } from './ingest-file.js'
export {
  DEFAULT_BATCH_SIZE,
  MAX_LISTED_REJECTS,
  MalformedRow,
  ingestRecords,
  type IncomingRow,
  type IngestProgress,
  type IngestSampling,
  type IngestRecordsOptions,
  type IngestSummary,
  type RejectedRow,
} from './ingest-records.js'
export { parseJsonLine } from './read-record-file.js'
