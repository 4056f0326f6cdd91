import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { acceptAuditFast, fastValidateAudit } from '../../src/domain/fast-validate-audit.js'
import {
  acceptDecisionFast,
  fastValidateDecision,
} from '../../src/domain/fast-validate-decision.js'
import { parseRecord } from '../../src/domain/parse-record.js'

// Values that probe every rule: near-valid strings, padding, lengths at the limits, numeric strings
// that Number() reads loosely, non-strings, and JSON values of every type.
const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '  x ',
    '\t',
    'x',
    'human',
    'machine',
    'Human',
    ' human',
    'qa',
    'second_qa',
    'major',
    'none',
    'remove',
  ),
  fc.constantFrom(
    '0',
    '1',
    '0.5',
    '1.0000001',
    '-0',
    ' 0.3 ',
    '1e-1',
    '0x1',
    'Infinity',
    '-1',
    'NaN',
    '2147483648',
    '9007199254740993',
    '12.5',
    '1_000',
  ),
  fc.constantFrom(
    'en',
    'pt-BR',
    'zh-Hant-TW',
    'es-419',
    'EN-us',
    'e',
    'english',
    ' en ',
    'de-DE-1996x',
    'de-DE-1996',
  ),
  fc.constantFrom(
    '2026-03-01T12:00:00Z',
    '2026-03-01 12:00+05',
    ' 2026-03-01T12:00:00.123456789-05:30 ',
    '2026-02-30T12:00:00Z',
    '2026-13-01T12:00:00Z',
    '2026-03-01T12:00:60Z',
    '2026-03-01t12:00z',
    '2026-03-01T12:00:00',
    '2026-03-01',
    '2026-03-01T24:00:00Z',
    '0000-01-01T00:00:00+0100',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ minLength: 60, maxLength: 70 }),
  // Unpaired surrogates (refused) next to pairs (kept); any UTF-16 code unit.
  fc.constantFrom('\ud800', 'a\udfffb', ' \ud83d ', '😀', ' 👩‍👩‍👧 ', '\udc00\ud800'),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(...[63, 64, 65, 127, 128, 129, 256, 257, 512, 513].map((n) => 'a'.repeat(n))),
  fc.constantFrom(' '.repeat(3) + 'a'.repeat(128) + ' ', 'a'.repeat(1024), 'a'.repeat(1025)),
)
const hostileValue = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      undefined,
      true,
      false,
      0,
      -0,
      1,
      0.5,
      1.5,
      -1,
      3,
      2 ** 53,
      2 ** 52,
      Number.NaN,
      Infinity,
    ),
  },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)
const attributeKey = fc.oneof(
  fc.constantFrom(
    'market',
    'x.y-z',
    '_a',
    '1bad',
    'has space',
    '',
    '__proto__',
    'constructor',
    'prototype',
    'a'.repeat(64),
    'a'.repeat(65),
  ),
  fc.string({ maxLength: 8 }),
)
const extras = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(attributeKey, hostileValue, { maxKeys: 4 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 60, max: 70 })
      .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']))),
  },
)

const ABSENT = Symbol('absent')

function recordOf(fields: readonly string[], good: Record<string, unknown>) {
  // Each field: absent, the valid value, or a hostile one; mostly valid so that accepted records are common.
  const entries = Object.fromEntries(
    fields.map((f) => [
      f,
      fc.oneof(
        { weight: 1, arbitrary: fc.constant(ABSENT) },
        { weight: 40, arbitrary: fc.constant(good[f]) },
        { weight: 4, arbitrary: hostileValue },
      ),
    ]),
  )
  return fc.tuple(fc.record(entries), extras).map(([known, extra]) => {
    const raw: Record<string, unknown> = {}
    // defineProperty so that keys such as __proto__ become own properties, as JSON.parse makes them.
    for (const [k, v] of Object.entries(extra))
      Object.defineProperty(raw, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    for (const [k, v] of Object.entries(known)) if (v !== ABSENT) raw[k] = v
    return raw
  })
}

const GOOD_DECISION = {
  decision_id: 'd-1',
  content_id: 'c-1',
  content_type: 'video',
  decided_at: '2026-03-01T12:00:00Z',
  region: 'emea',
  language: 'en',
  queue: 'hate',
  site: 'dublin',
  actor_type: 'human',
  actor_id: 'mod-1',
  policy: 'hate_speech',
  action: 'remove',
  score: '0.9',
  handle_time_ms: '1200',
  policy_version: 'v1',
}
const GOOD_AUDIT = {
  audit_id: 'a-1',
  decision_id: 'd-1',
  auditor_id: 'qa-1',
  audited_at: '2026-03-02T09:00:00+01:00',
  policy: 'none',
  action: 'no_action',
  severity: 'major',
  root_cause: 'policy_misread',
  kind: 'second_qa',
  inclusion_probability: '0.25',
  comment: 'looks fine',
}

const anyInput = (good: Record<string, unknown>) =>
  fc.oneof(
    { weight: 20, arbitrary: recordOf(Object.keys(good), good) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  )

describe('fast validators are equivalent to the zod contract', () => {
  it('decisions: same accept/reject, same record, same issues as parseRecord', () => {
    fc.assert(
      fc.property(anyInput(GOOD_DECISION), (raw) => {
        const expected = parseRecord('decisions', raw)
        const fast = acceptDecisionFast(raw)
        expect(fast !== undefined).toBe(expected.ok)
        if (expected.ok) expect(fast).toStrictEqual(expected.record)
        expect(fastValidateDecision(raw)).toStrictEqual(expected)
      }),
      { numRuns: 5000 },
    )
  })

  it('audits: same accept/reject, same record, same issues as parseRecord', () => {
    fc.assert(
      fc.property(anyInput(GOOD_AUDIT), (raw) => {
        const expected = parseRecord('audits', raw)
        const fast = acceptAuditFast(raw)
        expect(fast !== undefined).toBe(expected.ok)
        if (expected.ok) expect(fast).toStrictEqual(expected.record)
        expect(fastValidateAudit(raw)).toStrictEqual(expected)
      }),
      { numRuns: 5000 },
    )
  })

  it('the generators reach both branches often', () => {
    const decisions = fc.sample(anyInput(GOOD_DECISION), { numRuns: 2000, seed: 1 })
    const audits = fc.sample(anyInput(GOOD_AUDIT), { numRuns: 2000, seed: 1 })
    const share = (xs: unknown[], kind: 'decisions' | 'audits') =>
      xs.filter((x) => parseRecord(kind, x).ok).length / xs.length
    expect(share(decisions, 'decisions')).toBeGreaterThan(0.05)
    expect(share(decisions, 'decisions')).toBeLessThan(0.8)
    expect(share(audits, 'audits')).toBeGreaterThan(0.05)
    expect(share(audits, 'audits')).toBeLessThan(0.8)
  })

  it('accepts the valid examples', () => {
    expect(acceptDecisionFast(GOOD_DECISION)).toBeDefined()
    expect(acceptAuditFast(GOOD_AUDIT)).toBeDefined()
    expect(acceptDecisionFast({ ...GOOD_DECISION, score: 'x' })).toBeUndefined()
  })
})
