/** Small helpers to write ingest input files into a temporary folder. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `assay-ingest-${label}-`))
}

export function writeFile(
  dir: string,
  name: string,
  text: string,
  options: { gzip?: boolean } = {},
): string {
  const path = join(dir, name)
  writeFileSync(path, options.gzip === true ? gzipSync(text) : text)
  return path
}

function csvField(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value)
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** CSV text with a header of `columns`, one line per row. */
export function toCsv(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): string {
  return `${columns.join(',')}\n${rows.map((r) => columns.map((c) => csvField(r[c])).join(',')).join('\n')}\n`
}

export function toNdjson(rows: readonly unknown[]): string {
  return `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`
}

export const DECISION_COLUMNS = [
  'decision_id',
  'content_id',
  'content_type',
  'decided_at',
  'region',
  'language',
  'queue',
  'site',
  'actor_type',
  'actor_id',
  'policy',
  'action',
  'score',
  'handle_time_ms',
  'policy_version',
] as const

/** A valid decision; override fields to make it invalid. */
export function decision(
  id: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    decision_id: id,
    content_id: `content-${id}`,
    content_type: 'video',
    decided_at: '2026-03-01T10:00:00Z',
    region: 'emea',
    language: 'en',
    queue: 'hate',
    site: 'dublin',
    actor_type: 'human',
    actor_id: 'mod-1',
    policy: 'hate_speech',
    action: 'remove',
    score: '',
    handle_time_ms: '45000',
    policy_version: 'v3',
    ...overrides,
  }
}
