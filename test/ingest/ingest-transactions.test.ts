/**
 * Transactions of many chunks: roll-ups stay exact across chunk and transaction boundaries, with
 * duplicates within a chunk, across chunks and across transactions; a transaction ends at a new
 * day once past half the batch; with two connections, a failure rolls back the transactions in
 * flight and what was committed is a prefix of the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestFile, type IngestSummary } from '../../src/engine/ingest/index.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { openDatabase, type Database, type RawConnection } from '../../src/store/db.js'
import { describeEachBackend } from '../helpers/db.js'
import { makeTempDir, toCsv, writeFile } from './helpers/files.js'
import {
  GENERATED_DECISION_COLUMNS,
  generateDecisions,
  type GeneratedDecision,
} from './helpers/generate-decisions.js'
import { compareRollups } from './helpers/rollups.js'

const counts = (s: IngestSummary) => ({
  received: s.received,
  inserted: s.inserted,
  duplicates: s.duplicates,
  rejected: s.rejected,
})

const csvOf = (rows: readonly GeneratedDecision[]) =>
  toCsv(GENERATED_DECISION_COLUMNS, rows as unknown as Record<string, unknown>[])

describeEachBackend('ingest in transactions of many chunks', (get) => {
  const dir = makeTempDir('transactions')
  const query = <R = Record<string, unknown>>(text: string, params?: unknown[]) =>
    get().database.withConnection((c) => c.query<R>(text, params))
  const countLike = async (pattern: string) =>
    Number(
      (
        await query<{ n: number }>(
          'select count(*)::int as n from decisions where decision_id like $1',
          [pattern],
        )
      ).rows[0]?.n,
    )

  beforeAll(async () => {
    await initStore(get().database)
  })

  it('keeps the roll-ups exact across chunks and transactions, with duplicates within and across them', async () => {
    const rows = [...generateDecisions(3000, { idPrefix: 'tx-', days: 3, seed: 5 })]
    // Some of them stored before (the chunks holding them take the slow path).
    const early = writeFile(dir, 'early.csv', csvOf(rows.filter((_, i) => i % 97 === 0)))
    expect((await ingestFile(get().database, 'decisions', early)).inserted).toBe(31)
    const withRepeats: GeneratedDecision[] = []
    rows.forEach((row, i) => {
      withRepeats.push(row)
      // Within a chunk (the next row), across chunks of a transaction (150 rows later) and
      // across transactions (at the end).
      if (i % 250 === 3) withRepeats.push({ ...row, content_id: 'second' })
      if (i % 300 === 11 && i >= 150) withRepeats.push({ ...rows[i - 150]!, content_id: 'second' })
    })
    for (let i = 0; i < rows.length; i += 400) withRepeats.push({ ...rows[i]!, content_id: 'late' })
    const path = writeFile(dir, 'repeats.csv', csvOf(withRepeats))
    const summary = await ingestFile(get().database, 'decisions', path, {
      batchSize: 700,
      chunkRows: 90,
      connections: 2,
    })
    const repeated = withRepeats.length - rows.length
    expect(counts(summary)).toEqual({
      received: withRepeats.length,
      inserted: rows.length - 31,
      duplicates: repeated + 31,
      rejected: 0,
    })
    expect(await countLike('d-tx-%')).toBe(rows.length)
    // The first of each id wins.
    const later = await query<{ n: number }>(
      `select count(*)::int as n from decisions where content_id in ('second', 'late')`,
    )
    expect(later.rows[0]?.n).toBe(0)
    const rollups = await compareRollups(get().database)
    expect(rollups.storedVolume).toEqual(rollups.expectedVolume)
    expect(rollups.storedBuckets).toEqual(rollups.expectedBuckets)
  })

  it('leaves out of a transaction the ids of the one before, written beside it: the first wins, nothing waits', async () => {
    // Transactions of 400 rows in chunks of 100; each transaction's first rows repeat ids from
    // the end of the transaction before, which may still be copying on the other connection.
    const rows = [...generateDecisions(2400, { idPrefix: 'lanes-', days: 1, seed: 9 })]
    const withRepeats: GeneratedDecision[] = []
    rows.forEach((row, i) => {
      withRepeats.push(row)
      if (withRepeats.length % 400 === 0 && i + 1 < rows.length)
        for (let back = 1; back <= 5; back++)
          withRepeats.push({ ...rows[i - back * 7]!, content_id: 'repeat' })
    })
    const path = writeFile(dir, 'lanes.csv', csvOf(withRepeats))
    const summary = await ingestFile(get().database, 'decisions', path, {
      batchSize: 400,
      chunkRows: 100,
      connections: 2,
    })
    expect(counts(summary)).toEqual({
      received: withRepeats.length,
      inserted: rows.length,
      duplicates: withRepeats.length - rows.length,
      rejected: 0,
    })
    expect(await countLike('d-lanes-%')).toBe(rows.length)
    const repeated = await query<{ n: number }>(
      `select count(*)::int as n from decisions where content_id = 'repeat'`,
    )
    expect(repeated.rows[0]?.n).toBe(0)
    const rollups = await compareRollups(get().database)
    expect(rollups.storedVolume).toEqual(rollups.expectedVolume)
    expect(rollups.storedBuckets).toEqual(rollups.expectedBuckets)
  }, 30_000)

  it('rolls back the transactions in flight when one fails; what is stored is a prefix of the file', async () => {
    const rows = [...generateDecisions(2000, { idPrefix: 'fail-', days: 2, seed: 6 })]
    const path = writeFile(dir, 'fail.csv', csvOf(rows))
    await query(`create function assay_test_fail_decision() returns trigger language plpgsql as $$
      begin raise exception 'decision write failed'; end $$`)
    await query(`create trigger assay_test_fail_decision before insert on decisions for each row
      when (new.decision_id = 'd-fail-1250') execute function assay_test_fail_decision()`)
    try {
      await expect(
        ingestFile(get().database, 'decisions', path, {
          batchSize: 400,
          chunkRows: 100,
          connections: 2,
        }),
      ).rejects.toThrow(/decision write failed/)
    } finally {
      await query('drop trigger assay_test_fail_decision on decisions')
      await query('drop function assay_test_fail_decision()')
    }
    // Transactions: rows 0-399, 400-799, 800-999 (a new day past half the batch), 1000-1399
    // (fails), ...: what is stored is rows 0-999.
    const stored = await query<{ id: string }>(
      `select decision_id as id from decisions where decision_id like 'd-fail-%'`,
    )
    const numbers = stored.rows
      .map((r) => Number(r.id.slice('d-fail-'.length)))
      .sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    let rollups = await compareRollups(get().database)
    expect(rollups.storedVolume).toEqual(rollups.expectedVolume)
    expect(rollups.storedBuckets).toEqual(rollups.expectedBuckets)

    const again = await ingestFile(get().database, 'decisions', path, { connections: 2 })
    expect(counts(again)).toEqual({ received: 2000, inserted: 1000, duplicates: 1000, rejected: 0 })
    rollups = await compareRollups(get().database)
    expect(rollups.storedVolume).toEqual(rollups.expectedVolume)
    expect(rollups.storedBuckets).toEqual(rollups.expectedBuckets)
  })
})

/** What the engine sends, on a connection that only records it (taxonomy from a real store). */
describe('transaction boundaries', () => {
  let real: Database
  const dir = makeTempDir('boundaries')

  beforeAll(async () => {
    real = await openDatabase({ kind: 'embedded', dataDir: null })
    await initStore(real)
  })
  afterAll(async () => {
    await real.destroy()
  })

  async function transactionsOf(
    rows: readonly GeneratedDecision[],
    options: { batchSize: number; chunkRows: number },
  ) {
    const log: string[] = []
    const connection: RawConnection = {
      async query(text) {
        log.push(text.trim().split(/\s+/).slice(0, 3).join(' '))
        return { rows: [], rowCount: 0 }
      },
      async copyFrom(table, _columns, data) {
        const text = typeof data === 'string' ? data : data.toString('utf8')
        log.push(`copy ${table} ${text.split('\n').length - 1}`)
        return 0
      },
      async copyTo() {
        throw new Error('not used by ingest')
      },
    }
    const database: Database = { ...real, withConnection: (fn) => fn(connection) }
    const path = writeFile(dir, `t${Math.random()}.csv`, csvOf(rows))
    await ingestFile(database, 'decisions', path, options)
    const transactions: { decisions: number[]; rollups: string[] }[] = []
    for (const entry of log) {
      if (entry === 'begin') transactions.push({ decisions: [], rollups: [] })
      const current = transactions.at(-1)
      if (entry.startsWith('copy decisions ')) current?.decisions.push(Number(entry.split(' ')[2]))
      else if (/decision_(volume|handle)/.test(entry))
        current?.rollups.push(
          entry.startsWith('copy ') ? entry.split(' ')[1]! : `upsert ${entry.split(' ')[2]}`,
        )
    }
    return transactions
  }

  it('ends a transaction at a new day once it holds half the batch, else at the batch size', async () => {
    // 3,000 decisions over 3 days: 1,000 a day.
    const rows = [...generateDecisions(3000, { days: 3, seed: 7 })]
    const byDay = await transactionsOf(rows, { batchSize: 1500, chunkRows: 400 })
    expect(byDay.map((t) => t.decisions)).toEqual([
      [400, 400, 200],
      [400, 400, 200],
      [400, 400, 200],
    ])
    const bySize = await transactionsOf(rows, { batchSize: 800, chunkRows: 300 })
    expect(bySize.map((t) => t.decisions.reduce((a, b) => a + b, 0))).toEqual([
      800, 800, 400, 800, 200,
    ])
  })

  it('writes roll-ups once per transaction, new days by COPY, the narrow sketches by upsert', async () => {
    const rows = [...generateDecisions(3000, { days: 3, seed: 7 })]
    const transactions = await transactionsOf(rows, { batchSize: 1500, chunkRows: 400 })
    expect(transactions).toHaveLength(3)
    for (const t of transactions)
      expect(t.rollups).toEqual(['decision_volume_daily', 'upsert decision_handle_time_scope'])
  })
})
