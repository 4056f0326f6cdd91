import { expect, it } from 'vitest'
import { getAction, openAction } from '../../src/engine/actions/corrective-actions.js'
import type { ActionEffect } from '../../src/engine/actions/measure-effect.js'
import { normalCdf } from '../../src/stats/index.js'
import { describeEachBackend } from '../helpers/db.js'
import { addDays, insertAudits, type FixtureAudit } from './fixture.js'

const NOW = new Date('2026-11-29T08:00:00Z')
const Z95 = 1.959963984540054

/** EU video: people (π = 0.5) err 10 % before 1 November and 5 % after; classifiers (π = 0.2) 5 % throughout. NA: 10 % throughout. */
function rows(): FixtureAudit[] {
  const out: FixtureAudit[] = []
  let i = 0
  for (let day = '2026-09-20'; day <= '2026-11-28'; day = addDays(day, 1)) {
    const after = day >= '2026-11-01'
    for (let k = 0; k < 30; k++)
      out.push({
        day,
        region: 'EU',
        queue: 'video_review',
        actorType: 'human',
        probability: 0.5,
        wrong: after ? (i + k) % 20 === 0 : k % 10 === 0,
      })
    for (let k = 0; k < 10; k++)
      out.push({
        day,
        region: 'EU',
        queue: 'video_review',
        actorType: 'machine',
        probability: 0.2,
        wrong: (i * 10 + k) % 20 === 0,
      })
    for (let k = 0; k < 40; k++)
      out.push({
        day,
        region: 'NA',
        queue: 'video_review',
        actorType: 'human',
        probability: 0.25,
        wrong: (i + k) % 10 === 0,
      })
    i += 1
  }
  return out
}

function wilson(p: number, n: number): [number, number] {
  const z2 = Z95 * Z95
  const center = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return [center - half, center + half]
}

/** The effect computed independently from the raw rows: Hájek rates, Kish n_eff, Newcombe interval, pooled z test. */
function independentEffect(
  all: readonly FixtureAudit[],
  region: string,
  intervention: string,
  asOf: string,
) {
  const side = (from: string, to: string) => {
    const units = all.filter((r) => r.region === region && r.day >= from && r.day < to)
    const sw = units.reduce((s, r) => s + 1 / (r.probability ?? 1), 0)
    const sw2 = units.reduce((s, r) => s + (1 / (r.probability ?? 1)) ** 2, 0)
    const swy = units.reduce((s, r) => s + (r.wrong ? 1 / (r.probability ?? 1) : 0), 0)
    return { p: swy / sw, n: (sw * sw) / sw2, audits: units.length }
  }
  const before = side(addDays(intervention, -28), intervention)
  const after = side(
    intervention,
    addDays(intervention, 28) < asOf ? addDays(intervention, 28) : asOf,
  )
  const [l1, u1] = wilson(after.p, after.n)
  const [l2, u2] = wilson(before.p, before.n)
  const d = after.p - before.p
  const pooled = (after.p * after.n + before.p * before.n) / (after.n + before.n)
  const z = d / Math.sqrt(pooled * (1 - pooled) * (1 / after.n + 1 / before.n))
  return {
    before,
    after,
    difference: d,
    lower: d - Math.sqrt((after.p - l1) ** 2 + (u2 - before.p) ** 2),
    upper: d + Math.sqrt((u1 - after.p) ** 2 + (before.p - l2) ** 2),
    z,
    pValue: 2 * normalCdf(-Math.abs(z)),
  }
}

const close = (actual: number | null, expected: number) =>
  expect(Math.abs((actual as number) - expected)).toBeLessThan(
    1e-9 * Math.max(1, Math.abs(expected)),
  )

describeEachBackend('corrective actions', (get) => {
  const data = rows()

  it('measures the effect before vs after the intervention exactly as an independent computation, design-weighted', async () => {
    const { database } = get()
    await insertAudits(database, data)
    const opened = await openAction(
      database,
      {
        actionId: 'eu-refresher',
        metric: 'error_rate',
        scope: { region: 'EU', queue: 'video_review' },
        owner: 'eu-lead',
        dueDate: '2026-12-15',
        hypothesis: 'a spam refresher halves errors',
        rootCause: 'policy_misread',
        interventionDate: '2026-11-01',
      },
      'lead',
      NOW,
    )
    const effect = opened.effect as ActionEffect
    const expected = independentEffect(data, 'EU', '2026-11-01', '2026-11-29')
    expect(effect.before).toMatchObject({
      from: '2026-10-04',
      to: '2026-11-01',
      audits: expected.before.audits,
    })
    expect(effect.after).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-29',
      audits: expected.after.audits,
    })
    close(effect.before.value, expected.before.p)
    close(effect.after.value, expected.after.p)
    close(effect.before.effectiveAudits, expected.before.n)
    close(effect.after.effectiveAudits, expected.after.n)
    close(effect.difference, expected.difference)
    close(effect.lower, expected.lower)
    close(effect.upper, expected.upper)
    close(effect.z, expected.z)
    close(effect.pValue, expected.pValue)
    // Unequal weights: the effective sizes are below the audit counts.
    expect(effect.before.effectiveAudits).toBeLessThan(expected.before.audits)
    expect(opened.status).toBe('effective')
    expect(effect.auditsNeeded).toBeNull()
    const events = await database.db
      .selectFrom('eventLog')
      .select('action')
      .where('subjectId', '=', 'eu-refresher')
      .orderBy('seq')
      .execute()
    expect(events.map((e) => e.action)).toEqual(['action.open', 'action.status'])
  })

  it('says not effective when the interval rules out the expected improvement', async () => {
    const action = await openAction(
      get().database,
      {
        actionId: 'na-coaching',
        metric: 'error_rate',
        scope: { region: 'NA' },
        owner: 'na-lead',
        dueDate: '2026-12-15',
        hypothesis: 'coaching',
        interventionDate: '2026-11-01',
        expectedEffect: 0.05,
      },
      'lead',
      NOW,
    )
    expect(action.status).toBe('not_effective')
    const effect = action.effect as ActionEffect
    expect(effect.upper as number).toBeLessThan(0.05)
  })

  it('says too early to tell, with the audits still needed, right after the intervention', async () => {
    const action = await openAction(
      get().database,
      {
        actionId: 'eu-late',
        metric: 'accuracy',
        scope: { region: 'EU' },
        owner: 'eu-lead',
        dueDate: '2026-12-15',
        hypothesis: 'a new tool',
        interventionDate: '2026-11-27',
        expectedEffect: 0.02,
      },
      'lead',
      NOW,
    )
    expect(action.status).toBe('too_early')
    const effect = action.effect as ActionEffect
    expect(effect.after.audits).toBe(80)
    expect(effect.auditsNeeded).toBeGreaterThan(100)
    const later = await getAction(get().database, 'eu-late', { now: NOW, asOf: '2026-11-27' })
    expect(later.status).toBe('too_early')
    expect((later.effect as ActionEffect).after.audits).toBe(0)
  })
})
