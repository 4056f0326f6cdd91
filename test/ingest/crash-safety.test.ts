/**
 * Crash safety: a SIGKILL during `assay ingest` loses at most the transactions in flight (each of
 * two COPY chunks here, two in flight on two connections), never part of one: right after the
 * kill the stored decisions are a prefix of the file and the roll-ups count exactly them. A re-run
 * completes the file: every valid row exactly once, roll-ups equal to a fresh GROUP BY.
 * Runs on PostgreSQL only: PGlite keeps its data in process memory until it closes, so a killed
 * embedded process has nothing half-written to recover from (and nothing written at all).
 */
import { spawn } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initStore } from '../../src/engine/setup/init-store.js'
import { openDatabase, type Database } from '../../src/store/db.js'
import { createThrowawayPostgres } from '../helpers/db.js'
import { DECISION_COLUMNS, decision, makeTempDir, toCsv } from './helpers/files.js'
import { GENERATED_DECISION_COLUMNS, writeDecisionsCsv } from './helpers/generate-decisions.js'
import { compareRollups } from './helpers/rollups.js'

const ROWS = 200_000
const ROOT = join(import.meta.dirname, '..', '..')

function runIngest(file: string, url: string): { done: Promise<number | null>; kill: () => void } {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'assay.js'), 'ingest', 'decisions', file, '--database-url', url],
    {
      cwd: ROOT,
      // Transactions of two 10,000-row COPY chunks (or less: a new day past half of them ends one).
      env: { ...process.env, ASSAY_BATCH_SIZE: '20000', ASSAY_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    done: done.then((code) =>
      code !== 0 && code !== 1 && code !== null ? Promise.reject(new Error(stderr)) : code,
    ),
    kill: () => child.kill('SIGKILL'),
  }
}

describe('ingest crash safety [postgres]', () => {
  let database: Database
  let url: string
  let drop: () => Promise<void>
  const file = join(makeTempDir('crash'), 'big.csv')
  const count = async () =>
    Number(
      (
        await database.withConnection((c) =>
          c.query<{ n: number }>('select count(*)::int as n from decisions'),
        )
      ).rows[0]?.n,
    )

  beforeAll(async () => {
    ;({ url, drop } = await createThrowawayPostgres('crash'))
    database = await openDatabase({ kind: 'postgres', url, poolSize: 2 })
    await database.migrateOrThrow()
    await initStore(database)
    await writeDecisionsCsv(file, ROWS, { idPrefix: 'crash-' })
    // Two bad rows and one repeated id at the end: 200,000 valid distinct rows in all.
    const extra = toCsv(DECISION_COLUMNS, [
      decision('crash-bad', { region: '' }),
      decision('d-crash-7'),
      decision('crash-bad2', { policy: 'nope' }),
    ])
    appendFileSync(
      file,
      extra
        .slice(extra.indexOf('\n') + 1)
        .replace(/^(.*)$/gm, (line) => (line === '' ? line : `${line},,,`)),
    )
  })

  afterAll(async () => {
    await database?.destroy()
    await drop?.()
  })

  it('loses nothing and duplicates nothing when killed mid-file and run again', async () => {
    expect(GENERATED_DECISION_COLUMNS.length).toBe(DECISION_COLUMNS.length + 3)
    const first = runIngest(file, url)
    let killedAt = 0
    for (let i = 0; i < 2000; i++) {
      killedAt = await count()
      if (killedAt >= 10_000) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    first.kill()
    await first.done.catch(() => undefined)
    const afterKill = await count()
    expect(afterKill).toBeGreaterThan(0)
    expect(afterKill).toBeLessThan(ROWS)
    // Whole transactions only: a prefix of the file, and roll-ups of exactly those decisions.
    const last = await database.withConnection((c) =>
      c.query<{ n: number }>(
        `select max(substring(decision_id from 'd-crash-(\\d+)')::int) as n from decisions`,
      ),
    )
    expect(last.rows[0]?.n).toBe(afterKill - 1)
    const partial = await compareRollups(database)
    expect(partial.storedVolume).toEqual(partial.expectedVolume)
    expect(partial.storedBuckets).toEqual(partial.expectedBuckets)

    const second = runIngest(file, url)
    expect(await second.done).toBe(1) // rows were rejected
    expect(await count()).toBe(ROWS)
    const rollups = await compareRollups(database)
    expect(rollups.storedVolume).toEqual(rollups.expectedVolume)
    expect(rollups.storedBuckets).toEqual(rollups.expectedBuckets)
    const total = await database.withConnection((c) =>
      c.query<{ n: number }>('select sum(decisions)::int as n from decision_volume_daily'),
    )
    expect(total.rows[0]?.n).toBe(ROWS)
  })
})
