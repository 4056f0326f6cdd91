import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CopyTextReader, hashCopyField, type CopyTextRow } from './copy-text.js'

/** COPY TO's text escaping, as PostgreSQL writes it (CopyAttributeOutText), `\N` for null. */
function escapeCopy(value: string | null): string {
  if (value === null) return '\\N'
  const named: Record<string, string> = {
    '\\': '\\\\',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
  }
  return value.replace(/[\\\b\f\n\r\t\v]/g, (c) => named[c] as string)
}

const toCopyText = (rows: (string | null)[][]) =>
  rows.map((row) => `${row.map(escapeCopy).join('\t')}\n`).join('')

/** Everything the reader says about each row, copied out of the reused row. */
function read(
  fieldCount: number,
  chunks: Buffer[],
): { text: (string | null)[]; raw: string[]; hashes: number[] }[] {
  const rows: { text: (string | null)[]; raw: string[]; hashes: number[] }[] = []
  const reader = new CopyTextReader(fieldCount, (row: CopyTextRow) => {
    const fields = [...Array(fieldCount).keys()]
    rows.push({
      text: fields.map((k) => row.text(k)),
      raw: fields.map((k) => row.bytes.toString('utf8', row.starts[k], row.ends[k])),
      hashes: fields.map((k) => row.hashes[k] as number),
    })
    // The hash is the one hashCopyField gives the raw bytes.
    for (const k of fields)
      expect(row.hashes[k]).toBe(
        hashCopyField(row.bytes, row.starts[k] as number, row.ends[k] as number),
      )
  })
  for (const chunk of chunks) reader.push(chunk)
  reader.end()
  expect(reader.rows).toBe(rows.length)
  return rows
}

/** `bytes` cut at the given offsets. */
const cut = (bytes: Buffer, at: number[]) =>
  [0, ...at, bytes.length]
    .slice(1)
    .map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end))

describe('CopyTextReader', () => {
  const ROWS: (string | null)[][] = [
    ['plain', 'tab\there', 'new\nline', 'back\\slash'],
    ['\\N', null, '', 'cr\r bs\b ff\f vt\v'],
    ['☃ snow', 'é', '😀 four bytes', 'ascii'],
    ['mod', 'mod-1', 'mo', 'mod\\'],
  ]

  it('reads escapes (\\t \\n \\\\ \\N and the others), nulls and empty values exactly', () => {
    const bytes = Buffer.from(toCopyText(ROWS))
    expect(read(4, [bytes]).map((r) => r.text)).toEqual(ROWS)
    // A literal "\N" is written escaped, so it is text, not null; raw bytes stay escaped.
    const [, second] = read(4, [bytes])
    expect(second?.raw.slice(0, 3)).toEqual(['\\\\N', '\\N', ''])
  })

  it('gives the same rows wherever the chunks end: inside fields, escapes and characters', () => {
    const bytes = Buffer.from(toCopyText(ROWS))
    const whole = read(4, [bytes])
    for (let at = 0; at <= bytes.length; at++) expect(read(4, cut(bytes, [at]))).toEqual(whole)
    // One byte at a time: every multi-byte character is split.
    expect(read(4, cut(bytes, [...Array(bytes.length).keys()].slice(1)))).toEqual(whole)
  })

  it('reads random values split into random chunks as a string parser does', () => {
    const value = fc.option(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 6 }),
        fc.string({
          unit: fc.constantFrom('\\', '\t', '\n', '\r', 'N', 'a', '☃', '😀', '\u0001'),
          maxLength: 6,
        }),
      ),
      { nil: null },
    )
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, cuts) => {
          const bytes = Buffer.from(toCopyText(rows))
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
          expect(read(3, cut(bytes, at)).map((r) => r.text)).toEqual(rows)
        },
      ),
      { numRuns: 300, seed: 20261207 },
    )
  })

  it('reads numbers and flags from the bytes', () => {
    const values = ['0', '20727', '-3', '1.1666666666666667', '2.5e-7', '\\N', 't', 'f']
    const numbers: number[] = []
    const flags: [boolean, boolean][] = []
    const reader = new CopyTextReader(values.length, (row) => {
      for (let k = 0; k < values.length; k++) {
        numbers.push(row.number(k))
        flags.push([row.isTrue(k), row.isNull(k)])
      }
    })
    reader.push(Buffer.from(`${values.join('\t')}\n`))
    expect(numbers.slice(0, 5)).toEqual([0, 20727, -3, 1.1666666666666667, 2.5e-7])
    expect(numbers[5]).toBeNaN()
    expect(flags.slice(5)).toEqual([
      [false, true],
      [true, false],
      [false, false],
    ])
  })

  it('rejects a row with the wrong number of fields, and output cut inside a row', () => {
    const reader = new CopyTextReader(3, () => undefined)
    expect(() => reader.push(Buffer.from('a\tb\tc\na\tb\n'))).toThrow(
      'COPY output row 2 has 2 fields, expected 3',
    )
    const cutShort = new CopyTextReader(2, () => undefined)
    cutShort.push(Buffer.from('a\tb\nc\t'))
    expect(() => cutShort.end()).toThrow('COPY output ends inside row 2 (no final newline)')
  })

  it('keeps nothing of a chunk it was given: the caller may reuse its memory', () => {
    const seen: (string | null)[] = []
    const reader = new CopyTextReader(1, (row) => seen.push(row.text(0)))
    const chunk = Buffer.from('first\nsec')
    reader.push(chunk)
    chunk.fill(0x78)
    reader.push(Buffer.from('ond\n'))
    expect(seen).toEqual(['first', 'second'])
  })
})
