import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CsvRecordParser, CsvScanner } from '../../src/engine/ingest/csv-record-parser.js'
import { MalformedRow, type IncomingRow } from '../../src/engine/ingest/incoming-row.js'

/** Parses UTF-8 bytes cut anywhere, also inside a multi-byte character. */
function parseBytesInChunks(text: string, cuts: number[]): IncomingRow[] {
  const bytes = Buffer.from(text, 'utf8')
  const parser = new CsvRecordParser('t.csv')
  const out: IncomingRow[] = []
  let from = 0
  for (const cut of [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort(
    (a, b) => a - b,
  )) {
    parser.push(bytes.subarray(from, cut), false, out)
    from = cut
  }
  parser.push(bytes.subarray(from), true, out)
  return out
}

function parseInChunks(text: string, cuts: number[]): IncomingRow[] {
  const parser = new CsvRecordParser('t.csv')
  const out: IncomingRow[] = []
  let from = 0
  for (const cut of [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b)) {
    parser.push(text.slice(from, cut), false, out)
    from = cut
  }
  parser.push(text.slice(from), true, out)
  return out
}

const cell = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', '"', '""', ',', '\n', '\r\n', 'a,b', 'say "hi"', ' padded ', 'ünï✓', 'x\ny'),
)
const quote = (v: string) => (/[",\n\r]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v)

describe('CsvRecordParser', () => {
  it('reads what csv-parse reads (columns: true, bom: true), at any chunk boundary, with line numbers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((width) =>
          fc.tuple(
            fc.uniqueArray(fc.stringMatching(/^[a-z_]{1,6}$/), {
              minLength: width,
              maxLength: width,
            }),
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 8 }),
            fc.constantFrom('\n', '\r\n'),
            fc.boolean(),
            fc.boolean(),
            fc.array(fc.nat(200), { maxLength: 6 }),
          ),
        ),
        ([header, rows, eol, bom, trailingEol, cuts]) => {
          const lines = [header.join(','), ...rows.map((r) => r.map(quote).join(','))]
          const text = `${bom ? '\uFEFF' : ''}${lines.join(eol)}${trailingEol ? eol : ''}`
          const expected = parse(text, { columns: true, bom: true }) as Record<string, string>[]
          const got = parseInChunks(text, cuts)
          expect(got.map((r) => r.raw)).toEqual(expected)
          let line = 2
          const expectedLines = rows.map((r) => {
            const at = line
            line += 1 + r.map(quote).join(',').split('\n').length - 1
            return at
          })
          expect(got.map((r) => r.line)).toEqual(expectedLines)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('reads the same records from UTF-8 bytes cut anywhere, inside characters too', () => {
    const wide = fc.constantFrom('ünï', '✓', '😀', 'a,😀', '"é"', 'x\n✓', '\uFEFFbom')
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(cell, wide), { minLength: 3, maxLength: 3 }), {
          maxLength: 6,
        }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(120), { maxLength: 8 }),
        (rows, eol, bom, cuts) => {
          const lines = ['a,b,c', ...rows.map((r) => r.map(quote).join(','))]
          const text = `${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`
          const expected = parse(text, { columns: true, bom: true }) as Record<string, string>[]
          expect(parseBytesInChunks(text, cuts).map((r) => r.raw)).toEqual(expected)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('marks a record plain only when it has no quote and only printable ASCII without a backslash', () => {
    const plains: boolean[] = []
    const scanner = new CsvScanner('t.csv', {
      record: (_bytes, _line, fields) => plains.push(fields.plain),
      malformed: () => undefined,
    })
    scanner.push(Buffer.from('a,b\r\nx y,~!\r\n"q",1\ntab\tx,1\nback\\,1\nü,1\nlast,1'), true)
    expect(plains).toEqual([true, false, false, false, false, true])
  })

  it('turns a malformed record into a MalformedRow and carries on with the next line', () => {
    const text = 'a,b\n1,2\n3,"x"y\n4,5"\n6\n7,8,9\n"unclosed,10\n11,12\n'
    const rows = parseInChunks(text, [5, 13])
    expect(
      rows.map((r) => [r.line, r.raw instanceof MalformedRow ? r.raw.issues[0]?.message : r.raw]),
    ).toEqual([
      [2, { a: '1', b: '2' }],
      [3, expect.stringMatching(/after a closing quote/)],
      [4, expect.stringMatching(/quote inside an unquoted field/)],
      [5, 'has 1 fields but the header has 2'],
      [6, 'has 3 fields but the header has 2'],
      [7, expect.stringMatching(/never closed|fields/)],
      [8, { a: '11', b: '12' }],
    ])
  })

  it('skips empty lines and refuses a header that names a column twice', () => {
    expect(parseInChunks('a,b\n\n1,2\n\r\n3,4', []).map((r) => [r.line, r.raw])).toEqual([
      [3, { a: '1', b: '2' }],
      [5, { a: '3', b: '4' }],
    ])
    expect(() => parseInChunks('a,a\n1,2\n', [])).toThrow(/names the column "a" twice/)
  })
})
