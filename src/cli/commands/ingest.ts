/**
 * `assay ingest decisions|audits|ratings FILE...`: streams each file into the store, prints the
 * first rejected rows and a summary line per file, and exits 1 when any row was rejected.
 * `--sample-with PLAN` (repeatable, decisions only) samples the new decisions as they are stored.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { Argument, type Command } from 'commander'
import { SingleBar } from 'cli-progress'
import { ValidationError } from '../../domain/errors.js'
import type { RecordKind } from '../../domain/records.js'
import {
  DEFAULT_BATCH_SIZE,
  ingestFile,
  type IngestSummary,
  type RejectedRow,
} from '../../engine/ingest/index.js'
import { compileIngestPlans } from '../../engine/sampling/compile-ingest-plans.js'
import { addStoreOptions, withContext, type StoreFlags } from '../shared.js'

const SHOWN_REJECTS = 20

interface IngestFlags extends StoreFlags {
  rejects?: string
  batchSize?: string
  sampleWith: string[]
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function formatReject(reject: RejectedRow): string {
  const issues = reject.issues
    .map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`))
    .join('; ')
  return `${reject.source}:${reject.line}: ${issues}`
}

function summaryLine(file: string, s: IngestSummary): string {
  const n = (v: number) => v.toLocaleString('en-US')
  const rate = s.durationMs > 0 ? Math.round((s.received / s.durationMs) * 1000) : 0
  const sampled =
    s.sampling === undefined
      ? ''
      : `, sampled ${n(s.sampling.samples)} (${n(s.sampling.tasksCreated)} audit tasks)`
  return `${file}: received ${n(s.received)}, inserted ${n(s.inserted)}, duplicates ${n(s.duplicates)}, rejected ${n(s.rejected)}${sampled} (${n(rate)} rows/s)`
}

function parseBatchSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const size = Number(value)
  if (!Number.isInteger(size) || size < 1 || size > 1_000_000) {
    throw new ValidationError('invalid option', [
      {
        path: '--batch-size',
        message: `must be an integer from 1 to 1000000 (got ${JSON.stringify(value)})`,
      },
    ])
  }
  return size
}

export function registerIngest(program: Command): void {
  addStoreOptions(
    program
      .command('ingest')
      .description(
        'load decisions, audits or calibration ratings from CSV or NDJSON files (plain or .gz)',
      )
      .addArgument(
        new Argument('<kind>', 'what the files hold').choices(['decisions', 'audits', 'ratings']),
      )
      .argument('<files...>', 'CSV (header row) or NDJSON files, optionally gzip-compressed')
      .option(
        '--rejects <file>',
        'write every rejected row to this file as NDJSON ({source, line, issues})',
      )
      .option(
        '--batch-size <n>',
        `rows per transaction (default ASSAY_BATCH_SIZE or ${DEFAULT_BATCH_SIZE.toLocaleString('en-US')}); a transaction past half of it ends at a new day`,
      )
      .option(
        '--sample-with <plan>',
        'decisions only: sample the new decisions with this stored plan (streaming rule; repeatable)',
        collect,
        [],
      ),
  ).action(async (kind: RecordKind, files: string[], flags: IngestFlags) => {
    const flagBatchSize = parseBatchSize(flags.batchSize)
    if (flags.sampleWith.length > 0 && kind !== 'decisions') {
      throw new ValidationError('invalid option', [
        { path: '--sample-with', message: `only decisions are sampled (got ${kind})` },
      ])
    }
    await withContext(flags, async (ctx) => {
      // @NOTE config.batchSize falls back to 10,000 (sized for HTTP requests) when ASSAY_BATCH_SIZE
      // is unset; a file load then takes the engine's default, measured for bulk loads.
      const batchSize =
        flagBatchSize ??
        (process.env.ASSAY_BATCH_SIZE === undefined || process.env.ASSAY_BATCH_SIZE === ''
          ? undefined
          : ctx.config.batchSize)
      // Once for every file: the same rates (and reference volumes) for the whole command.
      const sampling = await compileIngestPlans(ctx.database, flags.sampleWith, {
        path: '--sample-with',
      })
      let rejectsOut: WriteStream | undefined
      if (flags.rejects !== undefined) rejectsOut = createWriteStream(flags.rejects)
      let anyRejected = false
      try {
        for (const file of files) {
          let shown = 0
          const bar = process.stderr.isTTY
            ? new SingleBar({
                format: `${file} [{bar}] {percentage}% | {rows} rows`,
                stream: process.stderr,
                hideCursor: true,
              })
            : undefined
          const summary = await ingestFile(ctx.database, kind, file, {
            ...(batchSize === undefined ? {} : { batchSize }),
            // Roll-ups and commit of one transaction overlap the next one's COPY (PostgreSQL).
            connections: 2,
            sampling,
            onOpen: (info) => bar?.start(Math.max(info.size, 1), 0, { rows: 0 }),
            onProgress: (p) =>
              bar?.update(p.bytesRead ?? 0, { rows: p.received.toLocaleString('en-US') }),
            onReject: (reject) => {
              rejectsOut?.write(`${JSON.stringify(reject)}\n`)
              if (shown < SHOWN_REJECTS) {
                bar?.stop()
                console.error(formatReject(reject))
                shown += 1
              }
            },
          })
          bar?.stop()
          if (summary.rejected > shown)
            console.error(
              `${file}: … and ${(summary.rejected - shown).toLocaleString('en-US')} more rejected rows${flags.rejects === undefined ? ' (list them all with --rejects FILE)' : ''}`,
            )
          if (summary.rejected > 0) anyRejected = true
          console.log(summaryLine(file, summary))
        }
      } finally {
        if (rejectsOut !== undefined) await new Promise<void>((resolve) => rejectsOut.end(resolve))
      }
      if (anyRejected) process.exitCode = 1
    })
  })
}
