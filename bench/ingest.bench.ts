/**
 * Ingest throughput against the database's own bulk loader, on the same 1,000,000-row decisions
 * CSV (generated once into bench/.data/), side by side in one run:
 * - PostgreSQL: `psql \copy` into a table with the same columns and primary key, vs Assay's
 *   ingestFile (validation, taxonomy checks, idempotency, roll-ups) into a fresh store, as the CLI
 *   runs it (default transaction size, two connections). Target ≥ 0.70. Each side starts after a
 *   CHECKPOINT, and which side goes first alternates between rounds, so that neither pays for the
 *   other's writeback.
 * - PGlite: COPY FROM '/dev/blob' of the same file into a primary-key table, vs ingestFile.
 * - Peak RSS of `assay ingest` (the CLI, in a child process) for 1M and 5M rows: flat.
 * Every figure carries the load average at the time: the machine may be shared, and a busy core
 * slows both sides of a ratio, but not always equally.
 *
 * Run: npm run bench -- ingest   (about 10 minutes; needs PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 * Shorter: BENCH_ROWS=200000 (rows of the throughput file), BENCH_RSS_ROWS=1000000,5000000 (files
 * whose peak RSS is measured; empty for none), BENCH_PGLITE=0 (skip PGlite), BENCH_REPEAT=2
 * (repeat the PostgreSQL pair, \copy and Assay alternating).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { ingestFile } from '../src/engine/ingest/index.js'
import { initStore } from '../src/engine/setup/init-store.js'
import { openDatabase } from '../src/store/db.js'
import { createThrowawayPostgres } from '../test/helpers/db.js'
import {
  GENERATED_DECISION_COLUMNS,
  writeDecisionsCsv,
} from '../test/ingest/helpers/generate-decisions.js'
import { describeMachine, report } from './machine.js'

const here = dirname(fileURLToPath(import.meta.url))
const dataDir = join(here, '.data')
const root = join(here, '..')

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const RSS_ROWS = (process.env.BENCH_RSS_ROWS ?? '1000000,5000000')
  .split(',')
  .filter((v) => v.trim() !== '')
  .map(Number)
const WITH_PGLITE = process.env.BENCH_PGLITE !== '0'
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1)

const TABLE_COLUMNS = GENERATED_DECISION_COLUMNS.map((c) =>
  c === 'decided_at'
    ? `${c} timestamptz not null`
    : c === 'score'
      ? `${c} double precision`
      : c === 'handle_time_ms'
        ? `${c} integer`
        : `${c} text`,
).join(', ')
const BASELINE_TABLE = `create table decisions_copy (${TABLE_COLUMNS}, primary key (decision_id))`

async function ensureFile(rows: number): Promise<string> {
  mkdirSync(dataDir, { recursive: true })
  const name = rows % 1_000_000 === 0 ? `${rows / 1_000_000}m` : `${rows}`
  const path = join(dataDir, `decisions-${name}.csv`)
  if (!existsSync(path)) {
    const started = performance.now()
    await writeDecisionsCsv(path, rows, { days: 7 })
    report(`generated ${path}`, `${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  return path
}

const load = () =>
  `load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`

const rate = (rows: number, ms: number) =>
  `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s (${(ms / 1000).toFixed(1)} s, ${load()})`

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now()
  const value = fn()
  return { value, ms: performance.now() - started }
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - started }
}

/** CPU seconds this process used while `fn` ran. */
async function withCpu<T>(fn: () => Promise<T>): Promise<{ value: T; cpu: number }> {
  const before = process.cpuUsage()
  const value = await fn()
  const used = process.cpuUsage(before)
  return { value, cpu: (used.user + used.system) / 1e6 }
}

/** Runs `assay ingest` in a child process under /usr/bin/time and returns its peak RSS in MiB. */
function cliPeakRss(file: string, url: string): { mib: number; seconds: number } {
  const started = performance.now()
  const result = spawnSync(
    '/usr/bin/time',
    [
      '-v',
      process.execPath,
      join(root, 'bin', 'assay.js'),
      'ingest',
      'decisions',
      file,
      '--database-url',
      url,
    ],
    {
      cwd: root,
      env: { ...process.env, ASSAY_LOG_LEVEL: 'silent', ASSAY_BATCH_SIZE: '' },
      encoding: 'utf8',
    },
  )
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)
  if (result.status !== 0 || match === null)
    throw new Error(`assay ingest failed: ${result.stderr.slice(-2000)}`)
  return { mib: Number(match[1]) / 1024, seconds: (performance.now() - started) / 1000 }
}

async function postgres(file: string, rows: number): Promise<void> {
  const ratios: string[] = []
  for (let round = 1; round <= REPEAT; round++) {
    const pg = await createThrowawayPostgres('bench_ingest')
    try {
      const psql = (sql: string) =>
        spawnSync('psql', [pg.url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' })
      psql(BASELINE_TABLE)
      const database = await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 2 })
      await database.migrateOrThrow()
      await initStore(database)
      // Each side starts from a checkpoint (no dirty pages or pending writeback of the other
      // side's load), and the side that goes first alternates between rounds.
      const copySide = () => {
        psql('checkpoint')
        const copy = timed(() => psql(`\\copy decisions_copy from '${file}' csv header`))
        if (copy.value.status !== 0) throw new Error(copy.value.stderr)
        report('postgres: psql \\copy into a PK table', rate(rows, copy.ms))
        return copy.ms
      }
      const assaySide = async () => {
        psql('checkpoint')
        const assay = await timedAsync(() =>
          withCpu(() => ingestFile(database, 'decisions', file, { connections: 2 })),
        )
        if (assay.value.value.inserted !== rows)
          throw new Error(`inserted ${assay.value.value.inserted} of ${rows}`)
        report('postgres: assay ingestFile (validate, roll-ups, idempotent)', rate(rows, assay.ms))
        report(
          '  node CPU of that ingest',
          `${assay.value.cpu.toFixed(1)} s (${((assay.value.cpu * 1e6) / rows).toFixed(2)} µs/row)`,
        )
        return assay.ms
      }
      let copyMs: number
      let assayMs: number
      if (round % 2 === 1) {
        copyMs = copySide()
        assayMs = await assaySide()
      } else {
        assayMs = await assaySide()
        copyMs = copySide()
      }
      const ratio = (copyMs / assayMs).toFixed(2)
      ratios.push(ratio)
      report('postgres: ratio assay / \\copy (target ≥ 0.70)', ratio)
      if (round === REPEAT) {
        const rerun = await timedAsync(() =>
          ingestFile(database, 'decisions', file, { connections: 2 }),
        )
        report('postgres: re-run of the same file (all duplicates)', rate(rows, rerun.ms))
      }
      await database.destroy()
    } finally {
      await pg.drop()
    }
  }
  if (REPEAT > 1) report('postgres: ratios of the rounds', ratios.join(', '))
}

async function pglite(file: string, rows: number): Promise<void> {
  const client = await PGlite.create()
  await client.exec(BASELINE_TABLE)
  const blob = new Blob([readFileSync(file)])
  const copy = await timedAsync(() =>
    client.query(`copy decisions_copy from '/dev/blob' with (format csv, header true)`, [], {
      blob,
    }),
  )
  report('pglite: COPY FROM /dev/blob into a PK table', rate(rows, copy.ms))
  await client.close()
  const database = await openDatabase({ kind: 'embedded', dataDir: null })
  await database.migrateOrThrow()
  await initStore(database)
  const assay = await timedAsync(() => ingestFile(database, 'decisions', file))
  if (assay.value.inserted !== rows) throw new Error(`inserted ${assay.value.inserted} of ${rows}`)
  report('pglite: assay ingestFile', rate(rows, assay.ms))
  report('pglite: ratio assay / COPY', (copy.ms / assay.ms).toFixed(2))
  await database.destroy()
}

async function main(): Promise<void> {
  console.log(describeMachine())
  const file = await ensureFile(ROWS)
  report(
    'input',
    `${ROWS.toLocaleString('en-US')} rows, ${(statSync(file).size / 1024 ** 2).toFixed(0)} MiB CSV`,
  )
  await postgres(file, ROWS)
  if (WITH_PGLITE) await pglite(file, ROWS)

  // Peak memory of the CLI: constant in the file size.
  for (const rows of RSS_ROWS) {
    const path = await ensureFile(rows)
    const target = await createThrowawayPostgres('bench_rss')
    try {
      const database = await openDatabase({ kind: 'postgres', url: target.url, poolSize: 1 })
      await database.migrateOrThrow()
      await initStore(database)
      await database.destroy()
      const { mib, seconds } = cliPeakRss(path, target.url)
      report(
        `peak RSS of assay ingest, ${rows / 1_000_000}M rows (postgres)`,
        `${mib.toFixed(0)} MiB (${seconds.toFixed(0)} s, ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s, ${load()})`,
      )
    } finally {
      await target.drop()
    }
  }
}

await main()
