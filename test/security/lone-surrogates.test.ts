/**
 * Unpaired UTF-16 surrogates (`"\ud800"` in JSON, or a YAML escape) are refused with an issue
 * naming the field, wherever text reaches the store: ingest (JSON bodies, NDJSON files), JSON
 * request bodies of the other routes, YAML documents. Before, they were stored as U+FFFD.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { fastValidateAudit } from '../../src/domain/fast-validate-audit.js'
import { fastValidateDecision } from '../../src/domain/fast-validate-decision.js'
import { parseRecord } from '../../src/domain/parse-record.js'
import { parsePlan } from '../../src/domain/sampling/plan.js'
import { findLoneSurrogates, LONE_SURROGATE_MESSAGE } from '../../src/domain/unicode-text.js'
import { ingestFile } from '../../src/engine/ingest/index.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import type { App } from '../../src/server/app.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { decision, makeTempDir, toNdjson, writeFile } from '../ingest/helpers/files.js'
import { jsonRequest, makeApp } from './helpers.js'

const audit = (overrides: Record<string, unknown> = {}) => ({
  audit_id: 'a-1',
  decision_id: 'd-1',
  auditor_id: 'aud-1',
  audited_at: '2026-03-02T10:00:00Z',
  policy: 'hate_speech',
  action: 'remove',
  ...overrides,
})

/** High alone, low alone, reversed pair, and a high surrogate at the very end. */
const LONE = ['\ud800', 'x\udfffy', '\udc00\ud800', 'ok\udbff']

describe('unpaired surrogates in records', () => {
  it('refuses every text field and string extra column that holds one, naming the field', () => {
    for (const lone of LONE) {
      for (const field of ['decision_id', 'content_id', 'region', 'queue', 'actor_id', 'site']) {
        const raw = decision('d-1', { [field]: lone })
        for (const result of [parseRecord('decisions', raw), fastValidateDecision(raw)]) {
          expect(result.ok, `${field} = ${JSON.stringify(lone)}`).toBe(false)
          if (!result.ok) {
            expect(result.issues).toHaveLength(1)
            expect(result.issues[0]?.path).toBe(field)
            expect(result.issues[0]?.message).toContain(LONE_SURROGATE_MESSAGE)
          }
        }
      }
      const extra = fastValidateDecision(decision('d-1', { market: lone }))
      expect(extra).toMatchObject({ ok: false, issues: [{ path: 'market' }] })
      const comment = fastValidateAudit(audit({ comment: lone }))
      expect(comment).toMatchObject({ ok: false, issues: [{ path: 'comment' }] })
      const label = parseRecord('ratings', {
        session_id: 's',
        item_id: 'i',
        rater_id: 'r',
        label: lone,
      })
      expect(label).toMatchObject({ ok: false, issues: [{ path: 'label' }] })
    }
  })

  it('keeps surrogate pairs (emoji and other astral characters)', () => {
    const result = fastValidateDecision(decision('d-😀', { region: '𝔢𝔲', market: '👩‍👩‍👧' }))
    expect(result).toMatchObject({
      ok: true,
      record: { decision_id: 'd-😀', region: '𝔢𝔲', attributes: { market: '👩‍👩‍👧' } },
    })
  })

  it('finds them anywhere in a JSON value, keys included, in document order', () => {
    expect(
      findLoneSurrogates({ a: 'ok', b: ['x', '\ud800', { c: 'y\udc00' }], ['\udfff']: 1 }),
    ).toEqual([
      { path: '', message: `has a field name that ${LONE_SURROGATE_MESSAGE}` },
      { path: 'b.1', message: LONE_SURROGATE_MESSAGE },
      { path: 'b.2.c', message: LONE_SURROGATE_MESSAGE },
    ])
    // Deep nesting does not overflow the stack.
    let deep: unknown = '\ud800'
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(findLoneSurrogates(deep)).toHaveLength(1)
  })

  it('refuses a YAML document whose escapes make one', () => {
    expect(() =>
      parsePlan('name: "weekly-\\ud800"\nperiod: week\nallocation: { method: fixed_rate }'),
    ).toThrow(
      expect.objectContaining({ details: [{ path: 'name', message: LONE_SURROGATE_MESSAGE }] }),
    )
  })
})

describeEachBackend('unpaired surrogates reaching the store', (get) => {
  let app: App
  let admin: Record<string, string>
  const dir = makeTempDir('surrogates')
  const storedText = async (table: string, column: string) => {
    const { rows } = await get().database.withConnection((c) =>
      c.query<{ value: string }>(`select ${column}::text as value from ${table}`, []),
    )
    return rows.map((r) => r.value)
  }

  beforeAll(async () => {
    await initStore(get().database)
    ;({ app } = await makeApp(get().database, { security: { ingestRateLimit: null } }))
    admin = await authHeaders(get().database, 'admin', { userId: 'surrogate-admin' })
  })

  it('rejects ingested rows holding one, field by field, and stores the others intact', async () => {
    const res = await app.request(
      '/v1/decisions',
      jsonRequest(
        'POST',
        [
          decision('s-1', { region: 'em\ud800ea' }),
          decision('s-2', { note: 'half \udc00 pair' }),
          decision('s-3', { content_id: '😀 kept' }),
        ],
        admin,
      ),
    )
    const body = (await res.json()) as {
      inserted: number
      rejects: { line: number; issues: { path: string; message: string }[] }[]
    }
    expect(res.status).toBe(200)
    expect(body.inserted).toBe(1)
    expect(body.rejects.map((r) => [r.line, r.issues.map((i) => i.path)])).toEqual([
      [1, ['region']],
      [2, ['note']],
    ])
    expect(body.rejects[0]?.issues[0]?.message).toMatch(
      /^holds an unpaired UTF-16 surrogate .* \(got "em\\ud800ea"\)$/,
    )
    // A file too (NDJSON; CSV is bytes, where a surrogate cannot be written).
    const path = writeFile(dir, 'lone.ndjson', toNdjson([decision('s-4', { queue: '\udbff' })]))
    const summary = await ingestFile(get().database, 'decisions', path)
    expect(summary.rejects.map((r) => r.issues[0]?.path)).toEqual(['queue'])
    const stored = await storedText('decisions', 'content_id || region || queue || attributes')
    expect(stored.some((v) => v.includes('\ufffd'))).toBe(false)
    expect(await storedText('decisions', 'content_id')).toContain('😀 kept')
  })

  it('refuses a body that is not UTF-8 (a surrogate encoded on its own) instead of storing U+FFFD', async () => {
    // "\ud800" written as bytes (WTF-8: ED A0 80), and a stray continuation byte.
    for (const bad of [[0xed, 0xa0, 0x80], [0x80]]) {
      const bytes = (json: string) => {
        const [before, after] = json.split('@') as [string, string]
        return Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)])
      }
      for (const [method, path, json] of [
        ['POST', '/v1/decisions', JSON.stringify([decision('u-1', { region: 'em@ea' })])],
        [
          'POST',
          '/v1/users',
          JSON.stringify({ userId: 'u-8', roles: ['viewer'], displayName: '@' }),
        ],
      ] as const) {
        const res = await app.request(path, {
          method,
          headers: { ...admin, 'content-type': 'application/json' },
          body: bytes(json),
        })
        const body = (await res.json()) as { error: { code: string; message: string } }
        expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(400)
        expect(body.error).toMatchObject({
          code: 'validation_failed',
          message: expect.stringMatching(/not valid UTF-8/),
        })
      }
    }
    expect(await storedText('decisions', 'decision_id')).not.toContain('u-1')
    expect(await storedText('users', 'user_id')).not.toContain('u-8')
  })

  it('answers 400 naming the field for JSON bodies of the other routes, storing nothing', async () => {
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        '/v1/users',
        { userId: 'u-1', roles: ['viewer'], displayName: 'Ana \ud800' },
        'displayName',
      ],
      ['POST', '/v1/tokens', { name: 'feed \udfff' }, 'name'],
      ['PUT', '/v1/targets/t-1', { metric: 'error_rate', threshold: 0.1, name: '\ud83d' }, 'name'],
      [
        'PUT',
        '/v1/targets/t-2',
        { metric: 'error_rate', threshold: 0.1, scope: { region: 'e\udc00' } },
        'scope.region',
      ],
      [
        'POST',
        '/v1/plans',
        { yaml: 'name: "p-\\ud800"\nperiod: week\nallocation: { method: fixed_rate, rate: 0.1 }' },
        'name',
      ],
      // Refused by the schema for another field too: both are reported.
      ['POST', '/v1/users', { userId: 'u-2', roles: [], displayName: '\ud800' }, 'displayName'],
    ]
    for (const [method, path, body, field] of cases) {
      const res = await app.request(path, jsonRequest(method, body, admin))
      const answer = (await res.json()) as {
        error: { code: string; details?: { path: string; message: string }[] }
      }
      expect(res.status, `${method} ${path}: ${JSON.stringify(answer)}`).toBe(400)
      expect(answer.error.code).toBe('validation_failed')
      expect(answer.error.details, `${method} ${path}`).toContainEqual({
        path: field,
        message: LONE_SURROGATE_MESSAGE,
      })
    }
    const users = await storedText('users', 'user_id')
    expect(users).not.toContain('u-1')
    expect(await storedText('targets', 'target_id')).toEqual([])
    expect(await storedText('sampling_plans', 'name')).toEqual([])
  })
})
