import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { getAlert } from '../../src/engine/alerts/alert-state.js'
import {
  backoffDelayMs,
  deliverDueAlerts,
  deliverUntilSettled,
} from '../../src/engine/alerts/deliver-alerts.js'
import { setWebhook } from '../../src/engine/alerts/webhooks.js'
import { runMonitors } from '../../src/engine/monitoring/run-monitors.js'
import { describeEachBackend } from '../helpers/db.js'
import { addDays, dayOf, insertAudits, type FixtureAudit } from './fixture.js'

interface Receiver {
  url: string
  requests: { path: string; body: unknown; contentType: string | undefined }[]
  close(): Promise<void>
}

/** A real HTTP receiver on 127.0.0.1 (random port): `/flaky` fails twice then accepts, `/hang` never answers. */
async function startReceiver(): Promise<Receiver> {
  const requests: Receiver['requests'] = []
  let flaky = 0
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? '/'
      requests.push({
        path,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        contentType: req.headers['content-type'],
      })
      if (path === '/hang') return
      if (path === '/flaky' && (flaky += 1) <= 2) {
        res.writeHead(503).end('busy')
        return
      }
      if (path === '/down') {
        res.writeHead(500).end('no')
        return
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function fixture(): FixtureAudit[] {
  const rows: FixtureAudit[] = []
  for (let day = '2026-10-01'; day <= '2026-11-05'; day = addDays(day, 1))
    rows.push(...dayOf(day, 'EU', 'video_review', 40, day === '2026-11-05' ? 20 : 2))
  return rows
}

/** A clock the fake sleep moves: the back-off is real, the waiting is not. */
function fakeTime(start: string) {
  let now = new Date(start).getTime()
  const sleeps: number[] = []
  return {
    now: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms)
      now += ms
    },
    sleeps,
  }
}

describeEachBackend('webhook delivery', (get) => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startReceiver()
  })
  afterAll(async () => {
    await receiver.close()
  })

  it('retries a receiver that fails twice with exponential back-off until it accepts, and logs every attempt', async () => {
    const { database } = get()
    await insertAudits(database, fixture())
    await setWebhook(database, { webhookId: 'ops', url: `${receiver.url}/flaky` })
    await setWebhook(database, {
      webhookId: 'slack',
      url: `${receiver.url}/slack`,
      format: 'slack',
      minSeverity: 'major',
    })
    await setWebhook(database, {
      webhookId: 'pager',
      url: `${receiver.url}/pager`,
      minSeverity: 'critical',
    })
    const run = await runMonitors(database, {
      asOf: '2026-11-06',
      now: new Date('2026-11-06T06:00:00Z'),
      monitorIds: ['error-rate-daily'],
    })
    expect(run.newAlerts).toHaveLength(1)
    const alertId = run.newAlerts[0] as string

    const time = fakeTime('2026-11-06T06:00:00Z')
    const result = await deliverUntilSettled(database, {
      now: time.now,
      sleep: time.sleep,
      deadline: new Date('2026-11-07T00:00:00Z'),
      baseDelayMs: 1000,
      maxAttempts: 5,
    })
    expect(result).toMatchObject({ attempted: 4, delivered: 2, failed: 0 })
    expect(time.sleeps).toEqual([1000, 2000])

    const flaky = receiver.requests.filter((r) => r.path === '/flaky')
    expect(flaky).toHaveLength(3)
    expect(flaky[2]?.contentType).toBe('application/json')
    expect(flaky[2]?.body).toMatchObject({
      type: 'assay.alert',
      alert: {
        id: alertId,
        severity: 'major',
        monitorId: 'error-rate-daily',
        metric: 'error_rate',
        firstPeriod: '2026-11-05',
      },
    })
    expect((flaky[2]?.body as { alert: { howUnusual: string } }).alert.howUnusual).toMatch(
      /expected this extreme by chance/,
    )
    const slack = receiver.requests.filter((r) => r.path === '/slack')
    expect(slack).toHaveLength(1)
    expect(slack[0]?.body).toMatchObject({
      text: expect.stringMatching(/^\[MAJOR\] Error rate rose/),
      blocks: [{ type: 'section', text: { type: 'mrkdwn' } }],
    })
    // Below the pager's minimum severity: never queued.
    expect(receiver.requests.filter((r) => r.path === '/pager')).toEqual([])

    const alert = await getAlert(database, alertId)
    const ops = alert.deliveries.find((d) => d.webhookId === 'ops')
    expect(ops).toMatchObject({ status: 'delivered', attempts: 3, lastError: null })
    expect(ops?.log.map((a) => [a.attempt, a.ok, a.statusCode])).toEqual([
      [1, false, 503],
      [2, false, 503],
      [3, true, 200],
    ])
    expect(ops?.log.map((a) => a.attemptedAt.toISOString())).toEqual([
      '2026-11-06T06:00:00.000Z',
      '2026-11-06T06:00:01.000Z',
      '2026-11-06T06:00:03.000Z',
    ])
  })

  it('never lets a failing or hanging receiver block a run; gives up after the last attempt', async () => {
    const { database } = get()
    await database.db.deleteFrom('webhooks').execute()
    await setWebhook(database, { webhookId: 'down', url: `${receiver.url}/down` })
    await setWebhook(database, { webhookId: 'hang', url: `${receiver.url}/hang` })
    await setWebhook(database, { webhookId: 'gone', url: 'http://127.0.0.1:9/nothing' })
    await insertAudits(database, dayOf('2026-11-06', 'EU', 'video_review', 40, 22))
    const started = performance.now()
    const run = await runMonitors(database, {
      asOf: '2026-11-07',
      now: new Date('2026-11-07T06:00:00Z'),
      monitorIds: ['error-rate-daily'],
    })
    expect(performance.now() - started).toBeLessThan(30_000)
    // The open alert of the slice absorbs the new signal: no new alert, so raise one on a new slice.
    expect(run.attachedToExisting + run.newAlerts.length).toBe(1)
    await insertAudits(database, [...fixture().map((r) => ({ ...r, region: 'NA' }))])
    const second = await runMonitors(database, {
      asOf: '2026-11-06',
      now: new Date('2026-11-07T06:00:00Z'),
      monitorIds: ['error-rate-daily'],
    })
    expect(second.newAlerts).toHaveLength(1)

    const time = fakeTime('2026-11-07T06:00:00Z')
    const first = await deliverDueAlerts(database, {
      now: time.now,
      timeoutMs: 300,
      baseDelayMs: 1000,
      maxAttempts: 2,
    })
    expect(first).toMatchObject({ attempted: 3, delivered: 0, retrying: 3, failed: 0 })
    const settled = await deliverUntilSettled(database, {
      now: time.now,
      sleep: time.sleep,
      deadline: new Date('2026-11-08T00:00:00Z'),
      timeoutMs: 300,
      baseDelayMs: 1000,
      maxAttempts: 2,
    })
    expect(settled).toMatchObject({ attempted: 3, failed: 3, delivered: 0 })
    const alert = await getAlert(database, second.newAlerts[0] as string)
    const errors = Object.fromEntries(
      alert.deliveries.map((d) => [
        d.webhookId,
        [d.status, d.log.map((a) => a.statusCode ?? a.error?.split(':')[0])],
      ]),
    )
    expect(errors.down).toEqual(['failed', [500, 500]])
    expect(errors.hang).toEqual(['failed', ['TimeoutError', 'TimeoutError']])
    expect(errors.gone?.[0]).toBe('failed')
  })

  it('doubles the back-off each attempt up to its cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, 30_000, 100_000))).toEqual([
      30_000, 60_000, 100_000, 100_000, 100_000,
    ])
  })
})
