import { pino } from 'pino'
import { beforeAll, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { ingestFile, type IngestSummary } from '../../src/engine/ingest/index.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { createApp, type App } from '../../src/server/app.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import {
  DECISION_COLUMNS,
  decision,
  makeTempDir,
  toCsv,
  toNdjson,
  writeFile,
} from './helpers/files.js'

const counts = (s: IngestSummary) => ({
  received: s.received,
  inserted: s.inserted,
  duplicates: s.duplicates,
  rejected: s.rejected,
})
const AUDIT_COLUMNS = [
  'audit_id',
  'decision_id',
  'auditor_id',
  'audited_at',
  'policy',
  'action',
  'severity',
  'root_cause',
  'kind',
  'inclusion_probability',
  'comment',
]

function audit(
  id: string,
  decisionId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    audit_id: id,
    decision_id: decisionId,
    auditor_id: 'qa-1',
    audited_at: '2026-03-02T09:00:00+01:00',
    policy: 'hate_speech',
    action: 'remove',
    ...overrides,
  }
}

describeEachBackend('ingest audits, ratings and the HTTP routes', (get) => {
  const dir = makeTempDir('audits')
  const query = <R = Record<string, unknown>>(text: string, params?: unknown[]) =>
    get().database.withConnection((c) => c.query<R>(text, params))
  let app: App
  let headers: Record<string, string>

  beforeAll(async () => {
    const ctx = await createContext(parseConfig({}), {
      database: get().database,
      logger: pino({ level: 'silent' }),
    })
    await initStore(ctx.database)
    app = createApp(ctx)
    headers = await authHeaders(ctx.database, 'ingest')
    const decisions = [
      decision('au-d1'), // hate_speech / remove by mod-1
      decision('au-d2', { policy: 'none', action: 'no_action' }),
      decision('au-d3', { actor_id: 'qa-1' }),
    ]
    await ingestFile(
      ctx.database,
      'decisions',
      writeFile(dir, 'd.csv', toCsv(DECISION_COLUMNS, decisions)),
    )
  })

  it('stores audits with the derived outcome and taxonomy version, and rejects unknown or self-audited decisions', async () => {
    const rows = [
      audit('au-1', 'au-d1'), // line 2: correct
      audit('au-2', 'au-d1', {
        policy: 'none',
        action: 'no_action',
        severity: 'major',
        root_cause: 'policy_misread',
      }), // 3: false positive
      audit('au-3', 'au-d2', { kind: 'second_qa', inclusion_probability: '0.5' }), // 4: false negative
      audit('au-4', 'no-such-decision'), // 5
      audit('au-5', 'au-d3'), // 6: auditor is the decision's actor
      audit('au-6', 'au-d1', { root_cause: 'bad_luck' }), // 7
      audit('au-7', 'au-d1', { severity: 'huge' }), // 8
      audit('au-1', 'au-d2'), // 9: repeated audit_id
    ]
    const path = writeFile(dir, 'a.csv', toCsv(AUDIT_COLUMNS, rows))
    const summary = await ingestFile(get().database, 'audits', path)
    expect(counts(summary)).toEqual({ received: 8, inserted: 3, duplicates: 1, rejected: 4 })
    const byLine = Object.fromEntries(
      summary.rejects.map((r) => [r.line, `${r.issues[0]?.path}: ${r.issues[0]?.message}`]),
    )
    expect(byLine[5]).toMatch(/^decision_id: no such decision/)
    expect(byLine[6]).toBe('auditor_id: an auditor cannot audit their own decision')
    expect(byLine[7]).toMatch(/^root_cause: is not a root-cause code/)
    expect(byLine[8]).toMatch(/^severity: must be critical, major or minor/)
    const stored = (
      await query(
        'select audit_id, outcome, kind, taxonomy_version, source, inclusion_probability from audits order by audit_id',
      )
    ).rows
    expect(stored).toEqual([
      {
        audit_id: 'au-1',
        outcome: 'correct',
        kind: 'qa',
        taxonomy_version: 1,
        source: 'import',
        inclusion_probability: null,
      },
      {
        audit_id: 'au-2',
        outcome: 'false_positive',
        kind: 'qa',
        taxonomy_version: 1,
        source: 'import',
        inclusion_probability: null,
      },
      {
        audit_id: 'au-3',
        outcome: 'false_negative',
        kind: 'second_qa',
        taxonomy_version: 1,
        source: 'import',
        inclusion_probability: 0.5,
      },
    ])
    const again = await ingestFile(get().database, 'audits', path)
    expect(counts(again)).toEqual({ received: 8, inserted: 0, duplicates: 4, rejected: 4 })
  })

  it('stores ratings idempotently on (session, item, rater)', async () => {
    const rows = [
      {
        session_id: 's1',
        item_id: 'i1',
        rater_id: 'r1',
        label: 'hate',
        rated_at: '2026-03-01T00:00:00Z',
      },
      { session_id: 's1', item_id: 'i1', rater_id: 'r2', label: 'none', rated_at: '' },
      { session_id: 's1', item_id: 'i1', rater_id: 'r1', label: 'none' },
      { session_id: 's1', item_id: '', rater_id: 'r3', label: 'none' },
    ]
    const path = writeFile(dir, 'r.ndjson', toNdjson(rows))
    expect(counts(await ingestFile(get().database, 'ratings', path))).toEqual({
      received: 4,
      inserted: 2,
      duplicates: 1,
      rejected: 1,
    })
    expect(counts(await ingestFile(get().database, 'ratings', path))).toEqual({
      received: 4,
      inserted: 0,
      duplicates: 3,
      rejected: 1,
    })
    expect((await query('select label from ratings where rater_id = $1', ['r1'])).rows).toEqual([
      { label: 'hate' },
    ])
  })

  it('POST /v1/decisions takes a JSON array and reports rejects by index + 1', async () => {
    const body = [decision('http-1'), decision('http-2', { queue: '' }), decision('http-1')]
    const res = await app.request('/v1/decisions', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      received: 3,
      inserted: 1,
      duplicates: 1,
      rejected: 1,
      rejects: [{ line: 2, issues: [{ path: 'queue', message: 'is required' }] }],
    })
  })

  it('POST /v1/decisions takes NDJSON; a line that is not JSON is a rejected row', async () => {
    const body = `${JSON.stringify(decision('http-3'))}\n\n{not json\n${JSON.stringify(decision('http-1'))}\n`
    const res = await app.request('/v1/decisions', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      body,
    })
    expect(res.status).toBe(200)
    const result = (await res.json()) as {
      inserted: number
      duplicates: number
      rejects: { line: number; issues: { message: string }[] }[]
    }
    expect(result.inserted).toBe(1)
    expect(result.duplicates).toBe(1)
    expect(result.rejects.map((r) => r.line)).toEqual([3])
    expect(result.rejects[0]?.issues[0]?.message).toMatch(/is not valid JSON/)
  })

  it('POST /v1/audits and /v1/ratings answer the same shape', async () => {
    const audits = await app.request('/v1/audits', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify([
        audit('http-a1', 'http-1', { auditor_id: 'qa-9' }),
        audit('http-a2', 'nope'),
      ]),
    })
    expect(audits.status).toBe(200)
    expect(await audits.json()).toMatchObject({
      received: 2,
      inserted: 1,
      rejected: 1,
      rejects: [{ line: 2, issues: [{ path: 'decision_id' }] }],
    })
    const ratings = await app.request('/v1/ratings', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({ session_id: 'h', item_id: 'i', rater_id: 'r', label: 'x' }),
    })
    expect(await ratings.json()).toEqual({
      received: 1,
      inserted: 1,
      duplicates: 0,
      rejected: 0,
      rejects: [],
    })
  })

  it('answers 400 validation_failed when the body is not an array or NDJSON', async () => {
    const post = (body: string, type: string) =>
      app.request('/v1/decisions', {
        method: 'POST',
        headers: { ...headers, 'content-type': type },
        body,
      })
    for (const [body, type, message] of [
      [JSON.stringify(decision('x')), 'application/json', /must be a JSON array/],
      ['[{"a":', 'application/json', /malformed JSON body/],
      ['decision_id\nx\n', 'text/csv', /content-type must be/],
    ] as const) {
      const res = await post(body, type)
      expect(res.status).toBe(400)
      const error = ((await res.json()) as { error: { code: string; message: string } }).error
      expect(error.code).toBe('validation_failed')
      expect(error.message).toMatch(message)
    }
  })

  it('refuses a principal without the ingest permission', async () => {
    const viewer = await authHeaders(get().database, 'viewer')
    const res = await app.request('/v1/decisions', {
      method: 'POST',
      headers: { ...viewer, 'content-type': 'application/json' },
      body: '[]',
    })
    expect(res.status).toBe(403)
  })
})
