import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DECISION_FIELDS } from '../../domain/records.js'
import { indexTaxonomy } from '../../domain/taxonomy/outcome.js'
import { loadDefaultTaxonomy } from '../../domain/taxonomy/taxonomy.js'
import { CopyBuffer } from './copy-buffer.js'
import { CsvScanner, csvRecordObject, type CsvFields } from './csv-record-parser.js'
import { DecisionCsvEncoder, FALLBACK, KEY_RANGES } from './decision-csv-fast-path.js'
import { createDecisionIngester, type DecisionChunk } from './decision-ingester.js'
import type { AddResult, RecordIngester } from './record-ingester.js'

const TAXONOMY = { index: indexTaxonomy(loadDefaultTaxonomy()), version: 1 }

// Each field: mostly a valid value of the common shape, else near misses of every rule the fast
// path checks (spaces, escapes, non-ASCII, lengths at the limits, loose numbers, odd timestamps).
/** Mostly a valid value, else one of the near misses. */
const mostly = (valid: string[], misses: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom(...misses) },
  )
const text = (valid: string[], max: number) =>
  fc.oneof(
    { weight: 40, arbitrary: fc.constantFrom(...valid) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        ' x',
        'x ',
        'a b',
        'a\\b',
        'a\tb',
        'a"b',
        'a,b',
        'ü',
        'x\u00a0',
        '\u2028x',
        'é'.repeat(3),
        'x'.repeat(max),
        'x'.repeat(max + 1),
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  )
const optional = (valid: string[], max: number) =>
  fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 5, arbitrary: text(valid, max) })

const timestamp = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('2026-03-01T12:00:00Z', '2026-03-02T23:59:59.5Z') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '2026-03-01T12:00:00.1Z',
      '2026-03-01T12:00:00.12Z',
      '2026-03-01T12:00:00.123Z',
      '2026-03-01T12:00:00.1234Z',
      '2026-03-01T12:00:00.123456Z',
      '2026-03-01T12:00:00.1234567Z',
      '2026-03-01T12:00:00.123456789Z',
      '2026-03-01T12:00:00.1234567891Z',
      '2026-03-01T12:00:00.Z',
      '2026-03-01t12:00:00z',
      '2026-03-01 12:00:00Z',
      '2026-03-01T12:00Z',
      '2026-03-01T12:00:00+01:00',
      '2024-02-29T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-03-00T00:00:00Z',
      '2026-03-01T24:00:00Z',
      '2026-03-01T12:60:00Z',
      '2026-03-01T12:00:60Z',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999Z',
      ' 2026-03-01T12:00:00Z',
      '2026-03-01T12:00:00Z ',
      '2026-3-01T12:00:00Z',
    ),
  },
)
const score = mostly(
  ['', '0.8587', '0.5'],
  [
    '0',
    '1',
    '0.50',
    '0.0',
    '1.0',
    '1.000',
    '1.5',
    '.5',
    '0.',
    '-0',
    '0.000001',
    '0.0000001',
    '0.0000010',
    '0.123456789012345',
    '0.1234567890123456',
    '1e-1',
    ' 0.5',
    '0x1',
    '00.5',
    '2',
  ],
)
const handleTime = mostly(
  ['', '45000', '13307'],
  [
    '0',
    '007',
    '2147483647',
    '2147483648',
    '0000000001',
    '99999999999',
    '-5',
    '1.0',
    ' 5',
    '1e3',
    '12a',
  ],
)
const language = mostly(
  ['', 'en', 'pt-BR'],
  [
    'es-419',
    'haw',
    'zh-Hant-TW',
    'de-DE-1996',
    'e',
    'EN-us',
    'en-',
    'en-1',
    'en-12',
    'english',
    ' en',
  ],
)
const BAD_ATTRIBUTE_COLUMNS = ['bad name', '__proto__', '1x', 'a'.repeat(65)]
/** All contract fields in any order (sometimes one missing), good extra columns, rarely a bad one. */
const header = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.shuffledSubarray([...DECISION_FIELDS], { minLength: 15 }) },
      { weight: 1, arbitrary: fc.shuffledSubarray([...DECISION_FIELDS], { minLength: 14 }) },
    ),
    fc.subarray(['market_segment', 'note']),
    fc.oneof(
      { weight: 5, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.subarray(BAD_ATTRIBUTE_COLUMNS, { minLength: 1, maxLength: 1 }) },
    ),
  )
  .map(([fields, good, bad]) => [...fields, ...good, ...bad])

const decisionRow = fc.record({
  decision_id: fc.oneof(
    { weight: 8, arbitrary: fc.nat(300).map((n) => `d-${n}`) },
    { weight: 1, arbitrary: text(['d-x'], 128) },
  ),
  content_id: text(['c-abyg25', 'c-1'], 512),
  content_type: optional(['video', 'comment'], 64),
  decided_at: timestamp,
  region: text(['emea', 'na', 'apac'], 64),
  language,
  queue: text(['video_main', 'comments'], 128),
  site: optional(['dublin', 'manila'], 128),
  actor_type: mostly(['human', 'machine'], ['Human', ' human', '']),
  actor_id: text(['mod-705', 'classifier-hate@v3'], 256),
  policy: fc.oneof(
    { weight: 6, arbitrary: mostly(['none', 'hate_speech', 'spam'], ['jaywalking', 'None']) },
    { weight: 1, arbitrary: text(['spam'], 64) },
  ),
  action: mostly(['remove', 'no_action', 'label'], ['shout']),
  score,
  handle_time_ms: handleTime,
  policy_version: optional(['2026.1'], 64),
  market_segment: optional(['consumer', 'a"quoted"', 'x'.repeat(1024), 'x'.repeat(1025)], 2000),
  note: optional(['free, text', 'ok'], 2000),
  'bad name': fc.constantFrom('', 'x'),
  '1x': fc.constantFrom('', 'x'),
  ['a'.repeat(65)]: fc.constantFrom('', 'x'),
})

const csvField = (value: string, forceQuotes: boolean) =>
  forceQuotes || /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value

function scanAll(csv: Buffer, onRecord: (bytes: Buffer, line: number, fields: CsvFields) => void) {
  const scanner = new CsvScanner('t.csv', { record: onRecord, malformed: () => undefined })
  scanner.push(csv, true)
  return scanner
}

interface Taken {
  results: AddResult[]
  copy: string
  keys: string[]
  handleTimes: number[]
}

function takeAll(ingester: RecordIngester<DecisionChunk>, results: AddResult[]): Taken {
  const chunk = ingester.take()
  return {
    results,
    copy: chunk.copy.view().toString('utf8'),
    keys: Array.from({ length: chunk.rows }, (_, i) =>
      chunk.rollup.keyOf(chunk.cells[i] as number),
    ),
    handleTimes: Array.from(chunk.handleTimes.subarray(0, chunk.rows)),
  }
}

describe('DecisionCsvEncoder', () => {
  it('writes exactly what the generic path writes, for every row it takes', () => {
    let taken = 0
    let rows = 0
    fc.assert(
      fc.property(
        header,
        fc.array(
          fc.tuple(
            decisionRow,
            fc.oneof(
              { weight: 9, arbitrary: fc.constant(false) },
              { weight: 1, arbitrary: fc.constant(true) },
            ),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        fc.constantFrom('\n', '\r\n'),
        (columns, records, eol) => {
          const lines = records.map(([record, quoteAll]) =>
            columns
              .map((c) =>
                csvField(
                  Object.hasOwn(record, c) ? (record as Record<string, string>)[c]! : '',
                  quoteAll,
                ),
              )
              .join(','),
          )
          const csv = Buffer.from(`${columns.join(',')}${eol}${lines.join(eol)}${eol}`, 'utf8')
          const fast = createDecisionIngester(TAXONOMY)
          const generic = createDecisionIngester(TAXONOMY)
          const fastResults: AddResult[] = []
          const genericResults: AddResult[] = []
          let adder: ReturnType<NonNullable<typeof fast.csvRecords>> | undefined
          const encoder = new DecisionCsvEncoder(columns)
          const probe = new CopyBuffer(64)
          scanAll(csv, (bytes, line, fields) => {
            adder ??= fast.csvRecords?.('t.csv', columns)
            rows += 1
            if (encoder.encode(bytes, fields, probe, new Int32Array(KEY_RANGES)) !== FALLBACK)
              taken += 1
            fastResults.push(adder?.(bytes, line, fields))
            genericResults.push(
              generic.add({
                source: 't.csv',
                line,
                raw: csvRecordObject(columns, bytes, fields),
              }),
            )
          })
          expect(takeAll(fast, fastResults)).toEqual(takeAll(generic, genericResults))
        },
      ),
      { numRuns: 1500 },
    )
    // The generators reach the fast path often, and the fallback too.
    expect(taken / rows).toBeGreaterThan(0.05)
    expect(taken / rows).toBeLessThan(0.9)
  })

  it('takes a common row and returns its handle time and key ranges', () => {
    const header = [...DECISION_FIELDS, 'market_segment']
    const csv = Buffer.from(
      `${header.join(',')}\nd-1,c-1,video,2026-03-01T12:00:00.5Z,emea,pt-BR,video_main,dublin,human,mod-1,spam,remove,,45000,2026.1,consumer\n`,
    )
    const out = new CopyBuffer(16)
    const ranges = new Int32Array(KEY_RANGES)
    let handle = FALLBACK
    scanAll(csv, (bytes, _line, fields) => {
      handle = new DecisionCsvEncoder(header).encode(bytes, fields, out, ranges)
      expect(bytes.toString('latin1', ranges[14], ranges[15])).toBe('d-1')
      expect(bytes.toString('latin1', ranges[0], ranges[1])).toBe('2026-03-01')
    })
    expect(handle).toBe(45000)
    expect(out.view().toString()).toBe(
      'd-1\tc-1\tvideo\t2026-03-01T12:00:00.500Z\temea\tpt-BR\tvideo_main\tdublin\thuman\tmod-1\tspam\tremove\t\\N\t45000\t2026.1\t{"market_segment":"consumer"}\n',
    )
  })
})
