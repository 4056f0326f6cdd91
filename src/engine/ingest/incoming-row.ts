/** One record on its way in, with where it came from, and the marker for rows that could not be read. */
import type { FieldIssue } from '../../domain/errors.js'

export interface IncomingRow {
  /** File name, or `request` for HTTP bodies. */
  source: string
  /** 1-based: file line (the CSV header is line 1), NDJSON line, or array index + 1. */
  line: number
  raw: unknown
}

/** Stands in for `raw` when the text of a row could not be read (bad CSV quoting, malformed JSON line). */
export class MalformedRow {
  constructor(readonly issues: FieldIssue[]) {}
}

/** A row that was not stored, and why. */
export interface RejectedRow {
  source: string
  line: number
  issues: FieldIssue[]
}
