import { describe, expect, it } from 'vitest'
import type { Database, RawConnection } from '../../store/db.js'
import { FACT_COLUMNS, type FactColumn } from '../../store/verdict-facts-store.js'
import { currentFacts } from './fact-table.js'

/** One COPY text line in FACT_COLUMNS order; unnamed columns are null. */
function line(values: Partial<Record<FactColumn, string>>): string {
  return `${FACT_COLUMNS.map((c) => values[c] ?? '\\N').join('\t')}\n`
}

const verdict = (id: string, more: Partial<Record<FactColumn, string>> = {}) =>
  line({
    decisionId: id,
    isAppeal: 'f',
    present: 't',
    day: '20727',
    region: 'emea',
    queue: 'video',
    actorType: 'human',
    actorId: 'mod\\t1', // "mod<tab>1", escaped as COPY writes it
    decisionPolicy: 'spam',
    decisionAction: 'remove',
    auditorId: 'aud-☃',
    policy: 'spam',
    action: 'remove',
    outcome: 'correct',
    kind: 'qa',
    weight: '1.1666666666666667',
    disputed: 'f',
    ...more,
  })

/** A store whose reads return the given outputs in turn (an Error: the read fails half-way). */
function fakeDatabase(reads: (string | Error)[]): Database {
  const next = () => reads.shift() as string | Error
  const connection: RawConnection = {
    async query(text) {
      const rows = text.includes('pg_snapshot_xmin') ? [{ horizon: '100' }] : []
      return { rows: rows as never[], rowCount: rows.length }
    },
    async copyFrom() {
      throw new Error('not used')
    },
    async copyTo() {
      const output = next()
      if (output instanceof Error) throw output
      return Buffer.from(output)
    },
    async copyToChunks(_query, onChunk) {
      const output = next()
      const text = output instanceof Error ? verdict('d-partial') : output
      // Chunks of 7 bytes: boundaries inside fields and inside the multi-byte auditor id.
      const bytes = Buffer.from(text)
      for (let at = 0; at < bytes.length; at += 7) onChunk(bytes.subarray(at, at + 7))
      if (output instanceof Error) throw output
    },
  }
  return { withConnection: (fn) => fn(connection) } as Database
}

describe('currentFacts', () => {
  it('loads every row, decoding escaped and multi-byte values once each', async () => {
    const database = fakeDatabase([verdict('d1') + verdict('d2', { weight: '2' }) + verdict('d3')])
    const facts = await currentFacts(database)
    expect(facts.length).toBe(3)
    expect([...facts.weight.subarray(0, 3)]).toEqual([1.1666666666666667, 2, 1.1666666666666667])
    expect(facts.dictionaries.actorId.values).toEqual([null, 'mod\t1'])
    expect(facts.dictionaries.auditorId.values).toEqual([null, 'aud-☃'])
    expect(facts.rowsByDay.get(20727)).toEqual([0, 1, 2])
    expect([...facts.flags.disputed.subarray(0, 3)]).toEqual([1, 1, 1])
    expect([...facts.flags.overturned.subarray(0, 3)]).toEqual([0, 0, 0])
  })

  it('keeps nothing of a full read that failed half-way', async () => {
    const database = fakeDatabase([new Error('connection lost'), verdict('d1')])
    await expect(currentFacts(database)).rejects.toThrow('connection lost')
    const facts = await currentFacts(database)
    expect(facts.length).toBe(1)
    expect(facts.dictionaries.actorId.values).toEqual([null, 'mod\t1'])
  })

  it('applies later reads to the rows they name, by decision and kind', async () => {
    const database = fakeDatabase([
      verdict('d1') + verdict('d2'),
      // d1 is removed, d2 overturned; d2's appeal and d3 are new; an absent unknown row is ignored.
      verdict('d1', { present: 'f' }) +
        verdict('d2', { overturned: 't', outcome: 'false_positive' }) +
        verdict('d2', { isAppeal: 't', kind: 'appeal' }) +
        verdict('d3', { day: '20730' }) +
        verdict('d4', { present: 'f' }),
    ])
    const before = await currentFacts(database)
    const version = before.version
    const facts = await currentFacts(database)
    expect(facts).toBe(before)
    expect(facts.version).toBe(version + 1)
    expect(facts.length).toBe(4)
    expect([...facts.present.subarray(0, 4)]).toEqual([0, 1, 1, 1])
    expect([...facts.isAppeal.subarray(0, 4)]).toEqual([0, 0, 1, 0])
    expect([...facts.flags.overturned.subarray(0, 4)]).toEqual([0, 2, 0, 0])
    const outcomes = facts.dictionaries.outcome
    expect(facts.text.outcome[1]).toBe(outcomes.find('false_positive'))
    expect(facts.rowsByDay.get(20730)).toEqual([3])
  })
})
