/**
 * Opens a record file for ingest: CSV or NDJSON (a `.json` file may also hold one JSON array),
 * plain or gzip. The format comes from the extension (.csv, .ndjson, .jsonl, .json, each with an
 * optional .gz) or, failing that, from the content: gzip magic bytes, then the first character.
 * Rows come out in groups (one per chunk read) so the hot loop avoids a promise per row.
 */
import { createReadStream } from 'node:fs'
import { isUtf8 } from 'node:buffer'
import { open, stat } from 'node:fs/promises'
import { type Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip } from 'node:zlib'
import { CsvRecordParser } from './csv-record-parser.js'
import { MalformedRow, type IncomingRow } from './incoming-row.js'

export type RecordFileFormat = 'csv' | 'ndjson' | 'json'

export interface RecordFile {
  format: RecordFileFormat
  compressed: boolean
  /** Size on disk (compressed size for .gz). */
  size: number
  /** Bytes read from disk so far. */
  bytesRead(): number
  /** The records, in groups (one per chunk read). Iterate either this or `bytes`, not both. */
  rows: AsyncIterable<readonly IncomingRow[]>
  /** The file's bytes (uncompressed), chunk by chunk: CSV input for `ingestCsvBytes`. */
  bytes: AsyncIterable<Buffer>
}

const READ_CHUNK = 1 << 20

function formatFromName(path: string): {
  format: RecordFileFormat | undefined
  compressed: boolean
} {
  const lower = path.toLowerCase()
  const compressed = lower.endsWith('.gz')
  const name = compressed ? lower.slice(0, -3) : lower
  const format = name.endsWith('.csv')
    ? 'csv'
    : name.endsWith('.ndjson') || name.endsWith('.jsonl')
      ? 'ndjson'
      : name.endsWith('.json')
        ? 'json'
        : undefined
  return { format, compressed }
}

async function hasGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0)
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b
  } finally {
    await handle.close()
  }
}

/** Byte chunks of the file (uncompressed), with the first one available for sniffing. */
async function openBytes(
  path: string,
  gzip: boolean,
): Promise<{ first: Buffer; rest: AsyncIterator<Buffer>; bytesRead: () => number }> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK })
  const stream: Readable = gzip ? file.pipe(createGunzip({ chunkSize: READ_CHUNK })) : file
  if (gzip) file.on('error', (error) => stream.destroy(error))
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const head = await iterator.next()
  return {
    first: head.done === true ? Buffer.alloc(0) : head.value,
    rest: iterator,
    bytesRead: () => file.bytesRead,
  }
}

async function* chunksOf(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first
  for (;;) {
    const next = await rest.next()
    if (next.done === true) return
    yield next.value
  }
}

/** UTF-8 text of byte chunks (a character split between two chunks is joined). */
async function* decoded(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  for await (const chunk of chunks) {
    const text = decoder.write(chunk)
    if (text.length > 0) yield text
  }
  const end = decoder.end()
  if (end.length > 0) yield end
}

async function* csvRows(
  source: string,
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<readonly IncomingRow[]> {
  const parser = new CsvRecordParser(source)
  for await (const chunk of chunks) {
    const out: IncomingRow[] = []
    parser.push(chunk, false, out)
    if (out.length > 0) yield out
  }
  const out: IncomingRow[] = []
  parser.push(Buffer.alloc(0), true, out)
  if (out.length > 0) yield out
}

/** Parses one NDJSON line; a line that is not JSON becomes a MalformedRow. */
export function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    return new MalformedRow([
      { path: '', message: `is not valid JSON (${(error as Error).message})` },
    ])
  }
}

/** The byte lines of a stream (split at LF; a CR before it is left for the caller). */
async function* byteLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0)
  for await (const chunk of chunks) {
    const bytes = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk
    let start = 0
    for (let end = bytes.indexOf(10, start); end >= 0; end = bytes.indexOf(10, start)) {
      yield bytes.subarray(start, end)
      start = end + 1
    }
    rest = bytes.subarray(start)
  }
  if (rest.length > 0) yield rest
}

/**
 * One row per non-blank line; a line that is not UTF-8 (or not JSON) becomes a MalformedRow
 * rather than a value with U+FFFD in it.
 */
async function* ndjsonRows(
  source: string,
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<readonly IncomingRow[]> {
  let line = 0
  let out: IncomingRow[] = []
  for await (const bytes of byteLines(chunks)) {
    line += 1
    if (!isUtf8(bytes)) {
      out.push({
        source,
        line,
        raw: new MalformedRow([
          { path: '', message: 'holds bytes that are not valid UTF-8 (save the file as UTF-8)' },
        ]),
      })
      continue
    }
    let text = bytes.toString('utf8')
    if (text.endsWith('\r')) text = text.slice(0, -1)
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    if (text.trim() === '') continue
    out.push({ source, line, raw: parseJsonLine(text) })
    if (out.length >= 1000) {
      yield out
      out = []
    }
  }
  if (out.length > 0) yield out
}

/** A `.json` file holding one array: read whole (not streamed), rows numbered by index + 1. */
async function* jsonArrayRows(
  source: string,
  chunks: AsyncIterable<string>,
): AsyncGenerator<readonly IncomingRow[]> {
  let text = ''
  for await (const chunk of chunks) text += chunk
  const value = parseJsonLine(text)
  if (value instanceof MalformedRow || !Array.isArray(value)) {
    yield [
      {
        source,
        line: 1,
        raw:
          value instanceof MalformedRow
            ? value
            : new MalformedRow([{ path: '', message: 'must be a JSON array of records' }]),
      },
    ]
    return
  }
  yield value.map((raw, index) => ({ source, line: index + 1, raw }))
}

export async function openRecordFile(path: string): Promise<RecordFile> {
  const { size } = await stat(path)
  const named = formatFromName(path)
  const compressed = named.compressed || (await hasGzipMagic(path))
  const opened = await openBytes(path, compressed)
  // A multi-byte character cut at the end decodes as U+FFFD: only the first character matters.
  const firstChar = opened.first
    .toString('utf8', 0, Math.min(opened.first.length, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .charAt(0)
  const format: RecordFileFormat =
    named.format === 'json' || named.format === undefined
      ? firstChar === '['
        ? 'json'
        : firstChar === '{'
          ? 'ndjson'
          : named.format === 'json'
            ? 'ndjson'
            : 'csv'
      : named.format
  const source = path
  const chunks = chunksOf(opened.first, opened.rest)
  const rows =
    format === 'csv'
      ? csvRows(source, chunks)
      : format === 'ndjson'
        ? ndjsonRows(source, chunks)
        : jsonArrayRows(source, decoded(chunks))
  return { format, compressed, size, bytesRead: opened.bytesRead, rows, bytes: chunks }
}
