/**
 * Hostile input for the API fuzz test (fuzz.test.ts): strings aimed at SQL, HTML, templates and
 * unicode handling; JSON values of every type with prototype-polluting keys, deep nesting and
 * numbers JSON.stringify cannot write; bodies, content types, paths, queries and credentials.
 */
import fc from 'fast-check'

const HUGE = 'A'.repeat(100_000)

/** Strings aimed at SQL, HTML, templates, paths, number and date parsers, and unicode handling. */
const HOSTILE_STRINGS = [
  "'; drop table decisions;--",
  "' or '1'='1",
  '1) or pg_sleep(5)--',
  '"; select * from users; --',
  '$1',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '</title><svg onload=alert(1)>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '..\\..\\windows',
  '{{7*7}}${7*7}',
  '%s%s%s%n',
  '=cmd|/C calc!A0',
  '\u0000',
  'nul\u0000byte',
  '\u202egnp.exe',
  'zero\u200bwidth\u200d\ufeff',
  '\ud800',
  'lone \udfff low',
  'x\udbff',
  '😀👩‍👩‍👧',
  'Ǆǅǆ İı ß ﬃ',
  'ｓｅｌｅｃｔ',
  'null',
  'undefined',
  'NaN',
  'true',
  '[]',
  '{}',
  '-1',
  '0',
  '1e309',
  '9'.repeat(400),
  '',
  ' ',
  '\t\r\n',
  '\\',
  '"',
  '(none)',
  '*',
  '%',
  ',,,',
  '2026-13-45',
  '0000-00-00',
  '9999-12-31',
  '2026-W99',
  'last-99999999999d',
  '0001-01-01..9999-12-31',
  'all',
  HUGE,
  '😀'.repeat(30_000),
  '\ud800'.repeat(20_000),
]

/** Values some query parameter of the API accepts, so that the others' hostile values get through. */
const PLAUSIBLE_QUERY_VALUES = [
  'month',
  'week',
  'day',
  'all',
  'last-30d',
  '2026-03',
  '2026-W10',
  '2026-03-01..2026-03-15',
  '2026-03-01',
  'region',
  'region,queue',
  'attributes.market',
  'accuracy',
  'error_rate',
  'json',
  'html',
  'md',
  'csv',
  'rest',
  'previous',
  '0.9',
  '10',
  'true',
  'open',
  'settled',
  'EU',
  'mod-1',
  'weekly-qa',
]

/** Pre-encoded path and query fragments that no encoder produces. */
const RAW_URL_JUNK = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '%2e%2e',
  '..%2F..%2F',
  '%252e',
  '%u0041',
  ';x=1',
  '%0d%0aSet-Cookie:%20a=1',
]

/** Keys that pollute prototypes when a merge or a naive assignment meets them. */
const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  '',
  'a.b',
  'attributes.__proto__',
  '$where',
  "x'); drop table users;--",
  '<b>',
  '\u0000',
  '\ud800',
]

/** A raw JSON text fragment emitted as is (numbers JSON.stringify cannot write, deep nesting). */
class Raw {
  constructor(readonly text: string) {}
}

/** An object as its entries, so that `__proto__` and duplicate keys reach the wire. */
class Entries {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

function serialise(value: unknown): string {
  if (value instanceof Raw) return value.text
  if (value instanceof Entries)
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialise(v)}`).join(',')}}`
  if (Array.isArray(value)) return `[${value.map(serialise).join(',')}]`
  return JSON.stringify(value) ?? 'null'
}

const deep = (depth: number, open: string, leaf: string, close: string) =>
  new Raw(open.repeat(depth) + leaf + close.repeat(depth))

const RAW_VALUES = [
  new Raw('1e999'),
  new Raw('-1e999'),
  new Raw('-0'),
  new Raw('1' + '0'.repeat(400)),
  new Raw('0.' + '0'.repeat(400) + '1'),
  new Raw('{"__proto__":{"polluted":"yes"}}'),
  new Raw('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  new Raw('{"a":1,"a":{"__proto__":{"polluted":"yes"}}}'),
  deep(64, '[', '1', ']'),
  deep(5000, '[', '', ']'),
  deep(5000, '{"a":', '1', '}'),
  deep(100_000, '[', '', ']'),
  deep(100_000, '{"__proto__":', '{}', '}'),
]

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 100)), {
        minLength: 2,
        maxLength: 4,
      })
      .map((parts) => parts.join('')),
  },
)

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 0.999_999, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 63), 1e21),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
)

const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), hostileString)

/** Any JSON value, from a key pool that mixes the route's own field names with hostile keys. */
function hostileValue(keys: readonly string[]): fc.Arbitrary<unknown> {
  const key = keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), hostileKey) : hostileKey
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: tie('scalar') },
      { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
      {
        weight: 1,
        arbitrary: fc
          .array(fc.tuple(key, tie('value')), { maxLength: 4 })
          .map((e) => new Entries(e)),
      },
    ),
    scalar: fc.oneof(
      { weight: 5, arbitrary: hostileString },
      { weight: 2, arbitrary: hostileNumber },
      { weight: 1, arbitrary: fc.boolean() },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_VALUES) },
    ),
  }))
  return value
}

/** An object of the route's fields (and hostile keys) with hostile values. */
function shapedObject(keys: readonly string[]): fc.Arbitrary<Entries> {
  const key = keys.length > 0 ? fc.oneof(fc.constantFrom(...keys), hostileKey) : hostileKey
  return fc
    .array(fc.tuple(key, hostileValue(keys)), { maxLength: 8 })
    .map((entries) => new Entries(entries))
}

/** A hostile value of the same JSON type as `value`: it passes type checks and reaches the engine. */
function sameTypeHostile(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === 'string') return hostileString
  if (typeof value === 'number') return hostileNumber
  if (typeof value === 'boolean') return fc.boolean()
  if (Array.isArray(value))
    return fc.array(value.length > 0 ? sameTypeHostile(value[0]) : hostileString, { maxLength: 5 })
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
    return fc.oneof(
      fc
        .array(fc.tuple(fc.oneof(fc.constantFrom(...keys), hostileKey), hostileString), {
          maxLength: 4,
        })
        .map((e) => new Entries(e)),
      fc
        .constantFrom(...keys)
        .chain((k) =>
          sameTypeHostile((value as Record<string, unknown>)[k]).map(
            (v) => new Entries([...Object.entries(value), [k, v]]),
          ),
        ),
    )
  }
  return hostileValue([])
}

/**
 * A valid example made hostile: one or two fields get a hostile value of the right type (which
 * the engine must store faithfully or refuse), or any fields get anything, or hostile keys join.
 */
function mutatedExample(example: Record<string, unknown>): fc.Arbitrary<Entries> {
  const keys = Object.keys(example)
  const withValues = (
    values: Map<string, unknown>,
    extra: readonly (readonly [string, unknown])[],
  ) =>
    new Entries([
      ...keys.map((k) => [k, values.has(k) ? values.get(k) : example[k]] as const),
      ...extra,
    ])
  const oneField = fc
    .array(
      fc
        .constantFrom(...keys)
        .chain((k) => sameTypeHostile(example[k]).map((v) => [k, v] as const)),
      { minLength: 1, maxLength: 2 },
    )
    .map((pairs) => withValues(new Map(pairs), []))
  const anyFields = fc
    .record({
      replace: fc.subarray(keys),
      values: fc.array(hostileValue(keys), { minLength: keys.length, maxLength: keys.length }),
      extra: fc.array(fc.tuple(hostileKey, hostileValue(keys)), { maxLength: 2 }),
    })
    .map(
      ({ replace, values, extra }) =>
        new Entries([
          ...keys.map((k, i) => [k, replace.includes(k) ? values[i] : example[k]] as const),
          ...extra,
        ]),
    )
  const extraKeys = fc
    .array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), hostileValue(keys)), {
      minLength: 1,
      maxLength: 3,
    })
    .map((extra) => withValues(new Map(), extra))
  return fc.oneof(
    { weight: 5, arbitrary: oneField },
    { weight: 2, arbitrary: anyFields },
    { weight: 1, arbitrary: extraKeys },
  )
}

// ---------------------------------------------------------------------------------------------
// Requests

export interface Probe {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Uint8Array<ArrayBuffer>
  /** Who sends it, for messages. */
  as: string
}

export type BodyPart = { contentType?: string; body?: string | Uint8Array<ArrayBuffer> }

const utf8 = (s: string) => new TextEncoder().encode(s)
const concatBytes = (...parts: Uint8Array<ArrayBuffer>[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const INVALID_UTF8 = [
  concatBytes(
    utf8('{"name":"'),
    new Uint8Array([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
    utf8('"}'),
  ),
  new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), // BOM + {}
  new Uint8Array([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]), // UTF-16 BE {}
  new Uint8Array([0x80, 0x81, 0x82]),
]

const JUNK_TEXT = [
  '',
  ' ',
  '{',
  '{"a":',
  '[1,2',
  '{"a":1}{"b":2}',
  "{'a':1}",
  '{a:1}',
  'NaN',
  'undefined',
  'null',
  '\u0000',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  'a=1&b=2&__proto__[polluted]=yes',
  '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
]

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/vnd.api+json',
]
const OTHER_TYPES = [
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/x-ndjson',
  'application/octet-stream',
  'application/json;;;;',
  '*/*',
  'application/xml',
]

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom(...JSON_TYPES) },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
)

function jsonBody(shape: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPart> {
  return fc
    .record({ contentType, value: shape })
    .map(({ contentType: type, value }) => ({ contentType: type, body: serialise(value) }))
}

/** Bodies for a JSON route: its own fields, a mutated example, wrong types, junk bytes. */
export function bodyFor(
  keys: readonly string[],
  example?: Record<string, unknown>,
): fc.Arbitrary<BodyPart> {
  const arbitraries: fc.WeightedArbitrary<BodyPart>[] = [
    { weight: 5, arbitrary: jsonBody(shapedObject(keys)) },
    { weight: 2, arbitrary: jsonBody(hostileValue(keys)) },
    {
      weight: 1,
      arbitrary: fc.record({
        contentType,
        body: fc.oneof(fc.constantFrom(...JUNK_TEXT), fc.constantFrom(...INVALID_UTF8)),
      }),
    },
    { weight: 1, arbitrary: fc.record({ contentType }) },
  ]
  if (example !== undefined)
    arbitraries.push({ weight: 14, arbitrary: jsonBody(mutatedExample(example)) })
  return fc.oneof(...arbitraries)
}

/** Bodies for an ingest route: JSON arrays or NDJSON of records with hostile fields. */
export function recordsBodyFor(
  fields: readonly string[],
  example: Record<string, unknown>,
): fc.Arbitrary<BodyPart> {
  const record = fc.oneof(
    { weight: 3, arbitrary: mutatedExample(example) },
    { weight: 2, arbitrary: shapedObject(fields) },
    { weight: 1, arbitrary: hostileValue(fields) },
  )
  const records = fc.array(record, { maxLength: 6 })
  return fc.oneof(
    { weight: 4, arbitrary: jsonBody(records) },
    {
      weight: 3,
      arbitrary: fc
        .record({
          type: fc.constantFrom('application/x-ndjson', 'application/jsonl', 'application/ndjson'),
          lines: fc.array(fc.oneof(record.map(serialise), fc.constantFrom(...JUNK_TEXT)), {
            maxLength: 6,
          }),
          separator: fc.constantFrom('\n', '\r\n', '\r', '\u2028'),
        })
        .map(({ type, lines, separator }) => ({ contentType: type, body: lines.join(separator) })),
    },
    { weight: 2, arbitrary: bodyFor(fields) },
  )
}

/** Percent-encodes any string, lone surrogates included (as their WTF-8 bytes, which are not UTF-8). */
function encodeComponent(value: string): string {
  let out = ''
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('')
    } else out += encodeURIComponent(ch)
  }
  return out
}

export function urlComponent(pool: readonly string[]): fc.Arbitrary<string> {
  const arbitraries: fc.WeightedArbitrary<string>[] = [
    { weight: 4, arbitrary: hostileString.filter((s) => s !== '').map(encodeComponent) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_JUNK) },
  ]
  if (pool.length > 0)
    arbitraries.push({ weight: 8, arbitrary: fc.constantFrom(...pool).map(encodeComponent) })
  return fc.oneof(...arbitraries)
}

export function queryFor(keys: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 4, arbitrary: keys.length > 0 ? fc.constantFrom(...keys) : hostileKey },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor[prototype][polluted]',
        '__proto__[polluted]',
        'a[]',
      ),
    },
    { weight: 1, arbitrary: hostileKey },
  )
  const value = fc.oneof(
    { weight: 4, arbitrary: hostileString.map(encodeComponent) },
    { weight: 3, arbitrary: fc.constantFrom(...PLAUSIBLE_QUERY_VALUES) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_JUNK) },
  )
  const pairs = fc
    .array(fc.tuple(key.map(encodeComponent), value), { minLength: 1, maxLength: 5 })
    .map((list) => `?${list.map(([k, v]) => `${k}=${v}`).join('&')}`)
  return fc.oneof(fc.constant(''), pairs)
}

/** Header values are byte strings: Latin-1 without NUL, CR or LF. */
export const headerValue = hostileString.map((s) =>
  [...s].filter((c) => c.charCodeAt(0) < 256 && !/[\0\r\n]/.test(c)).join(''),
)

export const hostileCredential: fc.Arbitrary<Record<string, string>> = fc.oneof(
  headerValue.map((v) => ({ authorization: `Bearer ${v}` })),
  headerValue.map((v) => ({ authorization: v })),
  fc.constantFrom(
    { authorization: 'Bearer' },
    { authorization: 'Basic YWRtaW46YWRtaW4=' },
    { authorization: `Bearer assay_${'x'.repeat(60_000)}` },
  ),
  headerValue.map((v) => ({ cookie: `assay_session=${v}`, 'x-csrf-token': v })),
  fc.constant({}),
)
