/**
 * Ingest throughput against the database's own bulk loader, on the same 1,000,000-row decisions
 * CSV (generated once into bench/.data/):
 * - PostgreSQL: `psql \copy` into a table with the same columns and primary key, vs Assay's
 *   ingestFile (validation, taxonomy checks, idempotency, roll-ups) into a fresh store. Target ≥ 0.70.
 * - PGlite: COPY FROM '/dev/blob' of the same file into a primary-key table, vs ingestFile.
 * - Peak RSS of `assay ingest` (the CLI, in a child process) for 1M and 5M rows.
 * Run: npm run bench -- ingest   (about 5 minutes; needs PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
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
  const path = join(dataDir, `decisions-${rows / 1_000_000}m.csv`)
  if (!existsSync(path)) {
    const started = performance.now()
    await writeDecisionsCsv(path, rows, { days: 7 })
    report(`generated ${path}`, `${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  return path
}

const rate = (rows: number, ms: number) =>
  `${Math.round((rows / ms) * 1000).toLocaleString('en-US')} rows/s`

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
      env: { ...process.env, ASSAY_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    },
  )
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)
  if (result.status !== 0 || match === null)
    throw new Error(`assay ingest failed: ${result.stderr.slice(-2000)}`)
  return { mib: Number(match[1]) / 1024, seconds: (performance.now() - started) / 1000 }
}

async function main(): Promise<void> {
  console.log(describeMachine())
  const file = await ensureFile(1_000_000)
  const rows = 1_000_000
  report(
    'input',
    `${rows.toLocaleString('en-US')} rows, ${(statSync(file).size / 1024 ** 2).toFixed(0)} MiB CSV`,
  )

  // PostgreSQL
  const pg = await createThrowawayPostgres('bench_ingest')
  try {
    const psql = (sql: string) =>
      spawnSync('psql', [pg.url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' })
    psql(BASELINE_TABLE)
    const copy = timed(() => psql(`\\copy decisions_copy from '${file}' csv header`))
    if (copy.value.status !== 0) throw new Error(copy.value.stderr)
    report('postgres: psql \\copy into a PK table', rate(rows, copy.ms))
    psql('drop table decisions_copy')

    const database = await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 2 })
    await database.migrateOrThrow()
    await initStore(database)
    const assay = await timedAsync(() => ingestFile(database, 'decisions', file))
    if (assay.value.inserted !== rows)
      throw new Error(`inserted ${assay.value.inserted} of ${rows}`)
    report('postgres: assay ingestFile (validate, roll-ups, idempotent)', rate(rows, assay.ms))
    report('postgres: ratio assay / \\copy (target ≥ 0.70)', (copy.ms / assay.ms).toFixed(2))
    const rerun = await timedAsync(() => ingestFile(database, 'decisions', file))
    report('postgres: re-run of the same file (all duplicates)', rate(rows, rerun.ms))
    await database.destroy()
  } finally {
    await pg.drop()
  }

  // PGlite, in memory
  {
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
    report('pglite: assay ingestFile', rate(rows, assay.ms))
    report('pglite: ratio assay / COPY', (copy.ms / assay.ms).toFixed(2))
    await database.destroy()
  }

  // Peak memory of the CLI: constant in the file size.
  const big = await ensureFile(5_000_000)
  for (const [label, path] of [
    ['1M', file],
    ['5M', big],
  ] as const) {
    const target = await createThrowawayPostgres('bench_rss')
    try {
      const database = await openDatabase({ kind: 'postgres', url: target.url, poolSize: 1 })
      await database.migrateOrThrow()
      await initStore(database)
      await database.destroy()
      const { mib, seconds } = cliPeakRss(path, target.url)
      report(
        `peak RSS of assay ingest, ${label} rows (postgres)`,
        `${mib.toFixed(0)} MiB (${seconds.toFixed(0)} s)`,
      )
    } finally {
      await target.drop()
    }
  }
}

await main()
