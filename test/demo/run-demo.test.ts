import { expect, it } from 'vitest'
import { ConflictError } from '../../src/domain/errors.js'
import { runDemo, type DemoProgress } from '../../src/engine/demo/run-demo.js'
import { getStatus } from '../../src/engine/status/get-status.js'
import { listUsers } from '../../src/engine/access/users.js'
import { describeEachBackend } from '../helpers/db.js'

describeEachBackend('runDemo', (get) => {
  it('fills an empty store: the status counts match what was generated, and the demo users exist', async () => {
    const { database } = get()
    const progress: DemoProgress[] = []
    const summary = await runDemo(database, {
      decisions: 3000,
      seed: 11,
      progressEvery: 1000,
      onProgress: (p) => progress.push(p),
    })
    expect(summary.decisions).toEqual({
      received: 3000,
      inserted: 3000,
      duplicates: 0,
      rejected: 0,
    })
    expect(summary.audits.rejected).toBe(0)
    expect(summary.audits.inserted).toBe(summary.audits.received)
    expect(summary.audits.inserted).toBeGreaterThan(300)
    expect(summary.rejects).toEqual([])

    const status = await getStatus(database)
    expect(status.decisions).toBe(3000)
    expect(status.audits).toBe(summary.audits.inserted)
    const range = status.decisionRange ?? { from: '', to: '' }
    expect(range.from >= '2026-09-28T00:00:00.000Z').toBe(true)
    expect(range.to < '2026-11-23T00:00:00.000Z').toBe(true)

    expect(progress.filter((p) => p.phase === 'decisions').map((p) => p.done)).toEqual([
      1000, 2000, 3000, 3000,
    ])
    expect(progress.at(-1)).toEqual({
      phase: 'audits',
      done: summary.audits.received,
      total: summary.audits.received,
    })

    const users = new Map((await listUsers(database)).map((u) => [u.userId, u.roles]))
    expect(users.get('admin')).toEqual(['admin'])
    expect(users.get('lead')).toEqual(['quality_lead'])
    expect(users.get('auditor-3')).toEqual(['auditor'])
    expect(users.get('arbitrator-1')).toEqual(['arbitrator'])
    expect(users.get('mod-0001')).toEqual(['moderator'])
  })

  it('refuses a store that holds data, and with force adds nothing twice for the same seed', async () => {
    const { database } = get()
    await expect(runDemo(database, { decisions: 3000, seed: 11 })).rejects.toThrow(ConflictError)
    await expect(runDemo(database, { decisions: 3000, seed: 11 })).rejects.toThrow(/--force/)
    const again = await runDemo(database, { decisions: 3000, seed: 11, force: true })
    expect(again.decisions).toEqual({ received: 3000, inserted: 0, duplicates: 3000, rejected: 0 })
    expect(again.audits.inserted).toBe(0)
    expect(again.usersCreated).toEqual([])
    expect((await getStatus(database)).decisions).toBe(3000)
  })
})
