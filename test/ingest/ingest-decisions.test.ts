import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import { ingestFile, ingestRecords, type IngestSummary } from '../../src/engine/ingest/index.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { describeEachBackend } from '../helpers/db.js'
import {
  DECISION_COLUMNS,
  decision,
  makeTempDir,
  toCsv,
  toNdjson,
  writeFile,
} from './helpers/files.js'
import { generateDecisions, writeDecisionsCsv } from './helpers/generate-decisions.js'
import { compareRollups } from './helpers/rollups.js'

const counts = (s: IngestSummary) => ({
  received: s.received,
  inserted: s.inserted,
  duplicates: s.duplicates,
  rejected: s.rejected,
})

describeEachBackend('ingest decisions', (get) => {
  const dir = makeTempDir('decisions')
  const query = <R = Record<string, unknown>>(text: string, params?: unknown[]) =>
    get().database.withConnection((c) => c.query<R>(text, params))
  const countLike = async (prefix: string) =>
    Number(
      (
        await query<{ n: number }>(
          'select count(*)::int as n from decisions where decision_id like $1',
          [`${prefix}%`],
        )
      ).rows[0]?.n,
    )

  beforeAll(async () => {
    await initStore(get().database)
  })

  it('loads a generated CSV file, keeps extra columns as attributes, and reports counts', async () => {
    const path = `${dir}/gen.csv`
    await writeDecisionsCsv(path, 5000, { idPrefix: 'gen-' })
    const summary = await ingestFile(get().database, 'decisions', path, { batchSize: 1500 })
    expect(counts(summary)).toEqual({ received: 5000, inserted: 5000, duplicates: 0, rejected: 0 })
    const first = [...generateDecisions(1, { idPrefix: 'gen-' })][0]!
    const stored = (
      await query(
        `select *, to_char(decided_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at from decisions where decision_id = $1`,
        [first.decision_id],
      )
    ).rows[0]!
    expect(stored.at).toBe(first.decided_at)
    expect(stored.region).toBe(first.region)
    expect(stored.site).toBe(first.site === '' ? null : first.site)
    expect(stored.attributes).toEqual({
      market_segment: first.market_segment,
      appeal_eligible: first.appeal_eligible,
      account_age_days: first.account_age_days,
    })
  })

  it('re-running the same file changes nothing: inserted 0, duplicates N, same roll-ups', async () => {
    const path = `${dir}/gen.csv`
    const before = await compareRollups(get().database)
    const summary = await ingestFile(get().database, 'decisions', path, { batchSize: 1500 })
    expect(counts(summary)).toEqual({ received: 5000, inserted: 0, duplicates: 5000, rejected: 0 })
    expect(await countLike('d-gen-')).toBe(5000)
    expect((await compareRollups(get().database)).storedVolume).toEqual(before.storedVolume)
  })

  it('reads NDJSON, gzip CSV, gzip NDJSON and an extension-less file by its content', async () => {
    const rows = (p: string) => [
      decision(`${p}1`),
      decision(`${p}2`, {
        score: 0.25,
        actor_type: 'machine',
        actor_id: 'clf@v1',
        handle_time_ms: null,
      }),
    ]
    const files = [
      writeFile(dir, 'a.ndjson', toNdjson(rows('nd-'))),
      writeFile(dir, 'b.csv.gz', toCsv(DECISION_COLUMNS, rows('gzc-')), { gzip: true }),
      writeFile(dir, 'c.jsonl.gz', toNdjson(rows('gzn-')), { gzip: true }),
      writeFile(dir, 'd-upload', toNdjson(rows('magic-')), { gzip: true }),
      writeFile(dir, 'e.json', JSON.stringify(rows('arr-'))),
    ]
    for (const file of files) {
      const summary = await ingestFile(get().database, 'decisions', file)
      expect(counts(summary), file).toEqual({
        received: 2,
        inserted: 2,
        duplicates: 0,
        rejected: 0,
      })
    }
    const machine = (
      await query(
        'select score, handle_time_ms, actor_type from decisions where decision_id = $1',
        ['gzn-2'],
      )
    ).rows[0]
    expect(machine).toEqual({ score: 0.25, handle_time_ms: null, actor_type: 'machine' })
  })

  it('rejects each bad row with its line, field and reason, and keeps the valid rows', async () => {
    const rows = [
      decision('bad-ok1'), // line 2
      decision('bad-1', { region: '' }), // 3: missing field
      decision('bad-2', { decided_at: '2026-03-01 10:00' }), // 4: no offset
      decision('bad-3', { actor_type: 'robot' }), // 5: bad enum
      decision('bad-4', { score: '1.5' }), // 6: out of range
      decision('bad-5', { policy: 'jaywalking' }), // 7: unknown policy
      decision('bad-6', { action: 'shout' }), // 8: unknown action
      decision('bad-7', { decided_at: '2026-02-30T10:00:00Z' }), // 9: no such day
      decision('bad-8', { handle_time_ms: '-5' }), // 10
      decision('bad-ok2', { content_id: 'multi\nline, "quoted"' }), // 11-12: a valid quoted field over two lines
      decision('bad-ok3'), // 13
    ]
    const text = `${toCsv(DECISION_COLUMNS, rows)}bad-9,"unterminated,x\nbad-10,too,few\n`
    const path = writeFile(dir, 'bad.csv', text)
    const rejects: unknown[] = []
    const summary = await ingestFile(get().database, 'decisions', path, {
      onReject: (r) => rejects.push(r),
    })
    expect(counts(summary)).toEqual({ received: 13, inserted: 3, duplicates: 0, rejected: 10 })
    expect(rejects).toEqual(summary.rejects)
    const byLine = Object.fromEntries(
      summary.rejects.map((r) => [
        r.line,
        r.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      ]),
    )
    expect(byLine[3]).toBe('region: is required')
    expect(byLine[4]).toMatch(/^decided_at: must be an ISO-8601 timestamp with an offset/)
    expect(byLine[5]).toMatch(/^actor_type: must be human or machine/)
    expect(byLine[6]).toMatch(/^score: must be in \[0, 1\]/)
    expect(byLine[7]).toMatch(
      /^policy: is not a policy code of the taxonomy \(version 1\) \(got "jaywalking"\)/,
    )
    expect(byLine[8]).toMatch(/^action: is not an action code/)
    expect(byLine[9]).toMatch(/^decided_at: is not a real date and time/)
    expect(byLine[10]).toMatch(/^handle_time_ms: must be ≥ 0/)
    expect(byLine[14]).toMatch(/quote/)
    expect(byLine[15]).toMatch(/has 3 fields but the header has 15/)
    expect(summary.rejects.every((r) => r.source === path)).toBe(true)
    expect(await countLike('bad-ok')).toBe(3)
    const multi = (
      await query('select content_id from decisions where decision_id = $1', ['bad-ok2'])
    ).rows[0]
    expect(multi?.content_id).toBe('multi\nline, "quoted"')
  })

  it('rejects a row holding bytes that are not UTF-8 (CSV and NDJSON), naming line and field', async () => {
    // A NUL stands for the byte 0xE9 (Latin-1 "é"), which is not UTF-8 on its own.
    const latin1 = (text: string) => Buffer.from(text).map((b) => (b === 0 ? 0xe9 : b))
    const csv = latin1(
      toCsv(DECISION_COLUMNS, [
        decision('utf-ok1'),
        decision('utf-ok2', { content_id: 'café' }),
        decision('utf-bad1', { content_id: 'caf\u0000' }), // line 4
      ]),
    )
    const csvPath = join(dir, 'latin1.csv')
    writeFileSync(csvPath, csv)
    const fromCsv = await ingestFile(get().database, 'decisions', csvPath)
    expect(counts(fromCsv)).toEqual({ received: 3, inserted: 2, duplicates: 0, rejected: 1 })
    expect(fromCsv.rejects[0]?.line).toBe(4)
    expect(fromCsv.rejects[0]?.issues).toEqual([
      {
        path: 'content_id',
        message: 'holds bytes that are not valid UTF-8 (save the file as UTF-8)',
      },
    ])
    const ndjsonPath = join(dir, 'latin1.ndjson')
    writeFileSync(
      ndjsonPath,
      latin1(
        toNdjson([
          decision('utf-ok3'),
          decision('utf-bad2', { content_id: 'caf\u0000' }), // line 2
          decision('utf-ok4', { content_id: '日本' }),
        ]).replace('\\u0000', '\u0000'),
      ),
    )
    const fromNdjson = await ingestFile(get().database, 'decisions', ndjsonPath)
    expect(counts(fromNdjson)).toEqual({ received: 3, inserted: 2, duplicates: 0, rejected: 1 })
    expect(fromNdjson.rejects[0]?.line).toBe(2)
    expect(fromNdjson.rejects[0]?.issues[0]?.message).toMatch(/not valid UTF-8/)
    const stored = await query<{ content_id: string }>(
      `select content_id from decisions where decision_id in ('utf-ok2', 'utf-ok4') order by decision_id`,
    )
    expect(stored.rows.map((r) => r.content_id)).toEqual(['café', '日本'])
    expect(await countLike('utf-bad')).toBe(0)
  })

  it('rejects values PostgreSQL cannot store instead of failing the batch', async () => {
    const rows = [
      decision('nul-1', { region: 'e\u0000u' }),
      decision('nul-2', { extra_note: 'a\u0000b' }),
      decision('nul-3', { handle_time_ms: 3_000_000_000 }),
      decision('nul-ok', { content_id: 'tab\there\\back\rslash', note: 'ünïcode ✓ "q" \\' }),
    ]
    const summary = await ingestRecords(
      get().database,
      'decisions',
      rows.map((raw, i) => ({ source: 'test', line: i + 1, raw })),
    )
    expect(counts(summary)).toEqual({ received: 4, inserted: 1, duplicates: 0, rejected: 3 })
    expect(summary.rejects.map((r) => r.issues[0]?.path)).toEqual(['region', '', 'handle_time_ms'])
    const stored = (
      await query('select content_id, attributes from decisions where decision_id = $1', ['nul-ok'])
    ).rows[0]
    expect(stored).toEqual({
      content_id: 'tab\there\\back\rslash',
      attributes: { note: 'ünïcode ✓ "q" \\' },
    })
  })

  it('counts a repeated id within a file as a duplicate; the first one wins', async () => {
    const rows = [
      decision('dup-1', { content_id: 'first' }),
      decision('dup-2'),
      decision('dup-1', { content_id: 'second' }),
    ]
    const path = writeFile(dir, 'dup.csv', toCsv(DECISION_COLUMNS, rows))
    const summary = await ingestFile(get().database, 'decisions', path)
    expect(counts(summary)).toEqual({ received: 3, inserted: 2, duplicates: 1, rejected: 0 })
    expect(
      (await query('select content_id from decisions where decision_id = $1', ['dup-1'])).rows[0]
        ?.content_id,
    ).toBe('first')
    // Across batches too (the second copy meets the stored row).
    const again = await ingestFile(
      get().database,
      'decisions',
      writeFile(
        dir,
        'dup2.csv',
        toCsv(DECISION_COLUMNS, [decision('dup-3'), decision('dup-3', { content_id: 'x' })]),
      ),
      { batchSize: 1 },
    )
    expect(counts(again)).toEqual({ received: 2, inserted: 1, duplicates: 1, rejected: 0 })
  })

  it('stores only the new rows of a batch that mixes stored and new ids (slow path)', async () => {
    const rows = [
      decision('mix-1'),
      decision('d-gen-0'),
      decision('mix-2', { site: '' }),
      decision('d-gen-1'),
      decision('mix-3', { handle_time_ms: '' }),
    ]
    const summary = await ingestFile(
      get().database,
      'decisions',
      writeFile(dir, 'mix.csv', toCsv(DECISION_COLUMNS, rows)),
    )
    expect(counts(summary)).toEqual({ received: 5, inserted: 3, duplicates: 2, rejected: 0 })
    expect(await countLike('mix-')).toBe(3)
  })

  it('accepts an async iterable of rows', async () => {
    async function* rows() {
      for (let i = 0; i < 25; i++) yield { source: 'stream', line: i + 1, raw: decision(`it-${i}`) }
    }
    const progress: number[] = []
    const summary = await ingestRecords(get().database, 'decisions', rows(), {
      batchSize: 10,
      onProgress: (p) => progress.push(p.inserted),
    })
    expect(counts(summary)).toEqual({ received: 25, inserted: 25, duplicates: 0, rejected: 0 })
    expect(progress).toEqual([10, 20, 25])
  })

  it('keeps the roll-ups equal to a GROUP BY over the stored decisions', async () => {
    const result = await compareRollups(get().database)
    expect(result.storedVolume.length).toBeGreaterThan(100)
    expect(result.storedVolume).toEqual(result.expectedVolume)
    expect(result.storedBuckets).toEqual(result.expectedBuckets)
  })
})
