import { pino } from 'pino'
import { expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { ConflictError } from '../../src/domain/errors.js'
import { acknowledgeAlert, getAlert, resolveAlert } from '../../src/engine/alerts/alert-state.js'
import { runMonitors } from '../../src/engine/monitoring/run-monitors.js'
import { setMonitor } from '../../src/engine/monitoring/monitors.js'
import { setTarget } from '../../src/engine/targets/set-target.js'
import { createApp } from '../../src/server/app.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { addDays, dayOf, insertAudits, type FixtureAudit } from './fixture.js'

const NOW = new Date('2026-11-25T09:00:00Z')
const SPIKES = ['2026-11-05', '2026-11-06', '2026-11-08', '2026-11-20']

/** EU and NA video, 40 audits a day at 5 % errors from 1 October; EU spikes to 50 % on SPIKES. */
function fixtureRows(): FixtureAudit[] {
  const rows: FixtureAudit[] = []
  for (let day = '2026-10-01'; day <= '2026-11-24'; day = addDays(day, 1)) {
    rows.push(...dayOf(day, 'NA', 'video_review', 40, 2))
    rows.push(...dayOf(day, 'EU', 'video_review', 40, SPIKES.includes(day) ? 20 : 2))
  }
  return rows
}

const eu = { actor_type: 'human', queue: 'video_review', region: 'EU' }

describeEachBackend('monitor runs and alerts', (get) => {
  it('raises an alert for a one-day spike, with its evidence and how unusual it is', async () => {
    const { database } = get()
    await insertAudits(database, fixtureRows())
    const summary = await runMonitors(database, { asOf: '2026-11-06', now: NOW, actor: 'test' })
    expect(summary.newAlerts).toHaveLength(1)
    expect(summary.pointsJudged).toBeGreaterThan(2)
    const alert = await getAlert(database, summary.newAlerts[0] as string)
    expect(alert).toMatchObject({
      monitorId: 'error-rate-daily',
      rule: 'nelson_1',
      state: 'open',
      firstPeriod: '2026-11-05',
      slice: eu,
      severity: 'major',
    })
    expect(alert.pValue).toBeLessThan(1e-8)
    const evidence = alert.evidence as {
      value: number
      audits: number
      baseline: { value: number }
      points: { value: number }[]
      unusualness: { familySize: number; expectedByChance: number; text: string }
    }
    expect(evidence.value).toBeCloseTo(0.5, 10)
    expect(evidence.audits).toBe(40)
    expect(evidence.baseline.value).toBeCloseTo(0.05, 10)
    expect(evidence.points).toHaveLength(28)
    expect(evidence.unusualness.familySize).toBeGreaterThanOrEqual(2)
    expect(evidence.unusualness.expectedByChance).toBeCloseTo(
      (alert.pValue as number) * evidence.unusualness.familySize,
      12,
    )
    expect(alert.title).toMatch(
      /Error rate rose to 50\.0 % \(baseline 5\.0 %\) in region=EU, queue=video_review, actor_type=human, 2026-11-05/,
    )
  })

  it('is idempotent: re-running the same date raises nothing new', async () => {
    const again = await runMonitors(get().database, { asOf: '2026-11-06', now: NOW })
    expect(again.newAlerts).toEqual([])
    expect(again.duplicates).toBe(1)
  })

  it('groups the next bad day into the open alert, and a backfill of the same days adds nothing', async () => {
    const { database } = get()
    const next = await runMonitors(database, { asOf: '2026-11-07', now: NOW })
    expect(next.newAlerts).toEqual([])
    expect(next.attachedToExisting).toBe(1)
    const backfill = await runMonitors(database, {
      asOf: '2026-11-07',
      from: '2026-11-01',
      now: NOW,
    })
    expect(backfill.newAlerts).toEqual([])
    expect(backfill.attachedToExisting).toBe(0)
  })

  it('moves an alert open → acknowledged → resolved, records it in the trail, and refuses to resolve twice', async () => {
    const { database } = get()
    const [alert] = await database.db
      .selectFrom('alerts')
      .select(['alertId', 'signalCount'])
      .execute()
    expect(alert?.signalCount).toBe(2)
    const id = alert?.alertId as string
    expect((await acknowledgeAlert(database, id, 'lead', NOW, 'looking')).state).toBe(
      'acknowledged',
    )
    expect((await resolveAlert(database, id, 'lead', NOW)).state).toBe('resolved')
    await expect(resolveAlert(database, id, 'lead', NOW)).rejects.toThrow(ConflictError)
    const events = await database.db
      .selectFrom('eventLog')
      .select('action')
      .where('subjectId', '=', id)
      .orderBy('seq')
      .execute()
    expect(events.map((e) => e.action)).toEqual([
      'alert.raise',
      'alert.acknowledge',
      'alert.resolve',
    ])
  })

  it('cools down: a signal within the cooldown joins the resolved alert; a later one raises a new alert', async () => {
    const { database } = get()
    const within = await runMonitors(database, { asOf: '2026-11-09', now: NOW })
    expect(within.newAlerts).toEqual([])
    expect(within.attachedToExisting).toBeGreaterThanOrEqual(1)
    const later = await runMonitors(database, { asOf: '2026-11-21', now: NOW })
    expect(later.newAlerts).toHaveLength(1)
    const alert = await getAlert(database, later.newAlerts[0] as string)
    expect(alert).toMatchObject({ firstPeriod: '2026-11-20', slice: eu, state: 'open' })
  })

  it('raises an alert when a target turns missed, once', async () => {
    const { database } = get()
    await setTarget(
      database,
      {
        targetId: 'eu-errors',
        metric: 'error_rate',
        scope: { region: 'EU' },
        period: '2026-11',
        threshold: 0.02,
      },
      'lead',
      NOW,
    )
    const run = await runMonitors(database, {
      asOf: '2026-11-25',
      now: NOW,
      monitorIds: ['targets-missed'],
    })
    expect(run.newAlerts).toHaveLength(1)
    const alert = await getAlert(database, run.newAlerts[0] as string)
    expect(alert).toMatchObject({
      rule: 'target_missed',
      metric: 'error_rate',
      slice: { target: 'eu-errors', region: 'EU' },
    })
    const again = await runMonitors(database, {
      asOf: '2026-11-25',
      now: NOW,
      monitorIds: ['targets-missed'],
    })
    expect(again.newAlerts).toEqual([])
  })

  it('honours a stored override: a switched-off default does not run', async () => {
    const { database } = get()
    await setMonitor(
      database,
      { id: 'error-rate-daily', name: 'off', metric: 'error_rate', enabled: false },
      'lead',
      NOW,
    )
    const run = await runMonitors(database, { asOf: '2026-11-24', now: NOW })
    expect(run.monitors).toBe(3)
  })

  it('serves alerts, monitors and actions over the API with their permissions', async () => {
    const { database } = get()
    const ctx = await createContext(parseConfig({}), {
      database,
      logger: pino({ level: 'silent' }),
      clock: { now: () => NOW },
    })
    const app = createApp(ctx)
    const viewer = await authHeaders(database, 'viewer')
    const lead = await authHeaders(database, 'quality_lead')
    const euOnly = await authHeaders(database, 'viewer', { regions: ['NA'] })
    const list = await app.request('/v1/alerts?state=all', { headers: viewer })
    expect(list.status).toBe(200)
    const body = (await list.json()) as {
      alerts: { alertId: string; state: string; rule: string }[]
      counts: Record<string, number>
    }
    expect(body.alerts.length).toBeGreaterThanOrEqual(3)
    expect(body.counts.resolved).toBe(1)
    const hidden = (await (
      await app.request('/v1/alerts?state=all', { headers: euOnly })
    ).json()) as { alerts: unknown[] }
    expect(hidden.alerts).toEqual([])
    const open = body.alerts.find((a) => a.state === 'open' && a.rule !== 'target_missed') as {
      alertId: string
    }
    const denied = await app.request(`/v1/alerts/${open.alertId}/acknowledge`, {
      method: 'POST',
      headers: viewer,
    })
    expect(denied.status).toBe(403)
    const acked = await app.request(`/v1/alerts/${open.alertId}/acknowledge`, {
      method: 'POST',
      headers: { ...lead, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'on it' }),
    })
    expect(acked.status).toBe(200)
    expect(((await acked.json()) as { state: string; note: string }).state).toBe('acknowledged')
    const missing = await app.request('/v1/alerts/al-nothere/resolve', {
      method: 'POST',
      headers: lead,
    })
    expect(missing.status).toBe(404)

    const monitors = (await (await app.request('/v1/monitors', { headers: viewer })).json()) as {
      monitors: { id: string; source: string }[]
      lastRun: unknown
    }
    expect(monitors.monitors.map((m) => [m.id, m.source])).toContainEqual([
      'error-rate-daily',
      'overridden',
    ])
    expect(monitors.lastRun).not.toBeNull()
    const bad = await app.request('/v1/monitors/volume-watch', {
      method: 'PUT',
      headers: { ...lead, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', metric: 'volume' }),
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /monitors chart rates and scores/,
    )
    const run = await app.request('/v1/monitors/run', {
      method: 'POST',
      headers: { ...lead, 'content-type': 'application/json' },
      body: JSON.stringify({ asOf: '2026-11-21' }),
    })
    expect(run.status).toBe(200)
    expect(((await run.json()) as { newAlerts: string[] }).newAlerts).toEqual([])
    const runDenied = await app.request('/v1/monitors/run', { method: 'POST', headers: viewer })
    expect(runDenied.status).toBe(403)

    const created = await app.request('/v1/actions', {
      method: 'POST',
      headers: { ...lead, 'content-type': 'application/json' },
      body: JSON.stringify({
        fromAlert: open.alertId,
        owner: 'eu-lead',
        dueDate: '2026-11-10',
        hypothesis: 'a guideline gap on spam',
        rootCause: 'guideline_gap',
      }),
    })
    expect(created.status).toBe(201)
    const action = (await created.json()) as {
      actionId: string
      metric: string
      scope: Record<string, string>
      overdue: boolean
      status: string
    }
    expect(action).toMatchObject({ metric: 'error_rate', scope: eu, overdue: true, status: 'open' })
    const overdue = (await (
      await app.request('/v1/actions?overdue=true', { headers: viewer })
    ).json()) as { actions: { actionId: string }[] }
    expect(overdue.actions.map((a) => a.actionId)).toEqual([action.actionId])
    const badCause = await app.request('/v1/actions', {
      method: 'POST',
      headers: { ...lead, 'content-type': 'application/json' },
      body: JSON.stringify({
        metric: 'error_rate',
        owner: 'x',
        dueDate: '2026-12-01',
        hypothesis: 'h',
        rootCause: 'no_such_cause',
      }),
    })
    expect(badCause.status).toBe(400)
  })
})
