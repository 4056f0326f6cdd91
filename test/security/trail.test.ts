import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/engine/trail/canonical-json.js'
import { GENESIS_HASH } from '../../src/engine/trail/hash-entry.js'
import { recordEvent } from '../../src/engine/trail/record-event.js'
import { verifyTrail } from '../../src/engine/trail/verify-trail.js'
import { describeEachBackend } from '../helpers/db.js'

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(
      canonicalJson({
        b: 1,
        a: [{ d: 2, c: undefined, b: null }],
        e: new Date('2026-01-01T00:00:00Z'),
      }),
    ).toBe('{"a":[{"b":null,"d":2}],"b":1,"e":"2026-01-01T00:00:00.000Z"}')
  })

  it('gives the same text after a trip through JSON with reordered keys', () => {
    const value = { z: 0.1, y: [1e21, -5e-324, 'é'], x: { b: true, a: 'q"' } }
    const reordered = JSON.parse(
      '{"x":{"a":"q\\"","b":true},"y":[1e+21,-5e-324,"é"],"z":0.1}',
    ) as unknown
    expect(canonicalJson(reordered)).toBe(canonicalJson(value))
  })
})

describeEachBackend('trail', (get) => {
  const append = (n: number) =>
    get().database.transaction(async (trx) => {
      for (let i = 0; i < n; i += 1) {
        await recordEvent(trx, {
          actor: 'tester',
          action: 'thing.update',
          subjectType: 'thing',
          subjectId: `t${i}`,
          before: { value: i, nested: { list: [1, 2], at: new Date('2026-01-01T00:00:00.123Z') } },
          after: { value: i + 1, ratio: 0.1 + i / 3 },
        })
      }
    })

  // Tampering as an insider would: the append-only trigger first, then plain SQL.
  const tamper = (statement: string) =>
    get().database.withConnection(async (connection) => {
      await connection.query(
        `alter table event_log disable trigger event_log_append_only; ${statement}; alter table event_log enable trigger event_log_append_only`,
      )
    })

  it('verifies an empty trail', async () => {
    expect(await verifyTrail(get().database)).toEqual({
      ok: true,
      entries: 0,
      head: null,
      firstBreak: null,
    })
  })

  it('chains entries from the genesis hash and verifies them', async () => {
    await append(5)
    const rows = await get().database.db.selectFrom('eventLog').selectAll().orderBy('seq').execute()
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH)
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]?.prevHash).toBe(rows[i - 1]?.hash)
    const result = await verifyTrail(get().database)
    expect(result.ok).toBe(true)
    expect(result.entries).toBe(5)
    expect(result.head?.hash).toBe(rows.at(-1)?.hash)
  })

  it('keeps one chain when many transactions append at once', async () => {
    const { database } = get()
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        database.transaction(async (trx) => {
          await sql`select 1`.execute(trx)
          await recordEvent(trx, {
            actor: `w${i}`,
            action: 'thing.create',
            subjectType: 'thing',
            subjectId: `c${i}`,
          })
        }),
      ),
    )
    // Without a transaction, recordEvent opens its own.
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        recordEvent(database.db, {
          actor: 'solo',
          action: 'thing.create',
          subjectType: 'thing',
          subjectId: `s${i}`,
        }),
      ),
    )
    const result = await verifyTrail(database)
    expect(result.ok).toBe(true)
    expect(result.entries).toBe(22)
  })

  it('leaves no entry, and no break, when the recording transaction rolls back', async () => {
    const { database } = get()
    await expect(
      database.transaction(async (trx) => {
        await recordEvent(trx, {
          actor: 'x',
          action: 'thing.fail',
          subjectType: 'thing',
          subjectId: 'f',
        })
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    await append(1)
    const result = await verifyTrail(database)
    expect(result.ok).toBe(true)
    expect(result.entries).toBe(23)
    const actions = await database.db.selectFrom('eventLog').select('action').execute()
    expect(actions.some((a) => a.action === 'thing.fail')).toBe(false)
  })

  it('refuses plain updates and deletes (append-only trigger)', async () => {
    const { database } = get()
    await expect(
      sql`update event_log set actor = 'mallory' where seq = 2`.execute(database.db),
    ).rejects.toThrow(/append-only/)
    await expect(sql`delete from event_log where seq = 2`.execute(database.db)).rejects.toThrow(
      /append-only/,
    )
    expect((await verifyTrail(database)).ok).toBe(true)
  })

  it('reports an entry edited in SQL as the first break', async () => {
    const { database } = get()
    const seqs = (
      await database.db.selectFrom('eventLog').select('seq').orderBy('seq').execute()
    ).map((r) => r.seq)
    await tamper(`update event_log set after = '{"value": 999}' where seq = ${seqs[2]}`)
    const result = await verifyTrail(database)
    expect(result.ok).toBe(false)
    expect(result.firstBreak).toMatchObject({ seq: seqs[2], kind: 'edited' })
    expect(result.entries).toBe(2)
  })

  it('reports a removed entry at the entry after it', async () => {
    const { database } = get()
    await tamper(`delete from event_log`)
    await append(10)
    expect((await verifyTrail(database)).ok).toBe(true)
    const seqs = (
      await database.db.selectFrom('eventLog').select('seq').orderBy('seq').execute()
    ).map((r) => r.seq)
    const victim = seqs[7] as number
    await tamper(`delete from event_log where seq = ${victim}`)
    const result = await verifyTrail(database)
    expect(result.ok).toBe(false)
    expect(result.firstBreak).toMatchObject({ seq: seqs[8], kind: 'unlinked' })
    expect(result.firstBreak?.message).toMatch(/removed or entries were reordered/)
  })

  it('reports reordered entries', async () => {
    const { database } = get()
    await tamper(`delete from event_log`)
    await append(4)
    const seqs = (
      await database.db.selectFrom('eventLog').select('seq').orderBy('seq').execute()
    ).map((r) => r.seq)
    const [, b, c] = seqs as [number, number, number, number]
    await tamper(
      `update event_log set seq = -1 where seq = ${b}; update event_log set seq = ${b} where seq = ${c}; update event_log set seq = ${c} where seq = -1`,
    )
    const result = await verifyTrail(database)
    expect(result.ok).toBe(false)
    expect(result.firstBreak?.seq).toBe(b)
  })
})
