/**
 * The default monitors on the demo organisation (8 weeks ending 2026-11-23), backfilled day by day
 * as a daily cron would have run them:
 * - with the default drift (human errors ×3 in MENA × live_review from 2026-11-02, a slice under 2 %
 *   of audits) and a one-day incident (EU × video_review, 2026-10-20, volume ×2 and errors ×4),
 *   they raise an alert for each, the drift within a week of its onset;
 * - on stores generated without either, over the same period, they raise at most one alert across
 *   ten seeds (false alarms are controlled across slices: README, Monitoring).
 * Size: 400,000 decisions with a 25 % audit rate (≈100,000 audits, the drift slice ≈250 a week) for
 * detection; the false-alarm seeds use 150,000 decisions at the same rate so that ten stores load
 * in about a minute, on PGlite only (the monitors' query and maths are the same on both backends,
 * which the detection test and monitors.test.ts cover).
 */
import { expect, it } from 'vitest'
import { runMonitors } from '../../src/engine/monitoring/run-monitors.js'
import { openTestDatabase, describeEachBackend } from '../helpers/db.js'
import { loadDemoAudits } from './demo-store.js'

const INCIDENT = {
  region: 'EU',
  queue: 'video_review',
  startsAt: new Date('2026-10-20T00:00:00Z'),
  hours: 24,
  volumeFactor: 2,
  errorFactor: 4,
}
const RUN = { from: '2026-09-29', asOf: '2026-11-23', now: new Date('2026-11-23T06:00:00Z') }

describeEachBackend('default monitors on the demo', (get) => {
  it(
    'raise alerts for an injected drift in a small slice (within a week) and for a one-day incident',
    { timeout: 240_000 },
    async () => {
      const { database } = get()
      const loaded = await loadDemoAudits(database, {
        decisions: 400_000,
        seed: 1,
        audit: { targetRate: 0.25 },
        incident: INCIDENT,
      })
      const drift = loaded.options.drift
      expect(drift).toMatchObject({ region: 'MENA', queue: 'live_review', factor: 3 })
      expect((loaded.auditsBySlice.get('MENA|live_review') ?? 0) / loaded.audits).toBeLessThan(0.02)

      const summary = await runMonitors(database, RUN)
      const alerts = await database.db.selectFrom('alerts').selectAll().execute()
      const signals = await database.db.selectFrom('alertSignals').selectAll().execute()
      const firstSignal = (alertId: string) =>
        signals
          .filter((s) => s.alertId === alertId)
          .map((s) => s.asOf)
          .sort()[0] as string
      const inSlice = (region: string, queue: string) =>
        alerts.filter(
          (a) =>
            (a.slice as unknown as Record<string, string>).region === region &&
            (a.slice as unknown as Record<string, string>).queue === queue,
        )

      const driftAlerts = inSlice('MENA', 'live_review')
      expect(driftAlerts.length).toBeGreaterThanOrEqual(1)
      const driftDetected = driftAlerts.map((a) => firstSignal(a.alertId)).sort()[0] as string
      const onset = drift?.startsAt.toISOString().slice(0, 10) as string
      const daysToDetect = (Date.parse(driftDetected) - Date.parse(onset)) / 86_400_000
      expect(daysToDetect).toBeGreaterThan(0)
      expect(daysToDetect).toBeLessThanOrEqual(7)

      const incidentAlerts = inSlice('EU', 'video_review')
      expect(incidentAlerts.map((a) => a.firstPeriod)).toContain('2026-10-20')
      expect(
        firstSignal(incidentAlerts.find((a) => a.firstPeriod === '2026-10-20')?.alertId as string),
      ).toBe('2026-10-21')

      // Nothing else of note: at most one alert outside the two changed slices.
      expect(alerts.length - driftAlerts.length - incidentAlerts.length).toBeLessThanOrEqual(1)
      expect(summary.newAlerts).toHaveLength(alerts.length)
    },
  )
})

it(
  'the default monitors raise at most one alert across ten demo stores without drift or incident [embedded]',
  { timeout: 600_000 },
  async () => {
    const perSeed: { seed: number; alerts: string[]; tests: number }[] = []
    for (let seed = 101; seed <= 110; seed++) {
      const { database, close } = await openTestDatabase('embedded', `false-alarms-${seed}`)
      try {
        await loadDemoAudits(database, {
          decisions: 150_000,
          seed,
          audit: { targetRate: 0.25 },
          drift: null,
          incident: null,
        })
        const summary = await runMonitors(database, RUN)
        const alerts = await database.db.selectFrom('alerts').select('title').execute()
        perSeed.push({ seed, alerts: alerts.map((a) => a.title), tests: summary.tests })
      } finally {
        await close()
      }
    }
    const total = perSeed.reduce((sum, s) => sum + s.alerts.length, 0)
    expect(
      perSeed.every((s) => s.tests > 1000),
      JSON.stringify(perSeed.map((s) => s.tests)),
    ).toBe(true)
    expect(total, JSON.stringify(perSeed.filter((s) => s.alerts.length > 0))).toBeLessThanOrEqual(1)
  },
)
