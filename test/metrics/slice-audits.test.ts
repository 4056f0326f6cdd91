/**
 * GET /v1/audits: the drill-down from a metric slice to its final verdicts — only the slice's rows,
 * keyset pagination with an opaque cursor, the principal's region scope, 403 without
 * decisions:read, 400 for a malformed cursor or an unknown dimension.
 */
import { beforeAll, expect, it } from 'vitest'
import type { App } from '../../src/server/app.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { makeApp, manualClock } from '../security/helpers.js'
import { readRawRows, seedMetricsFixture, type RawVerdictRow } from './fixture.js'
import { inPeriod } from './reference.js'

interface Item {
  decisionId: string
  contentId: string
  decidedAt: string
  region: string
  queue: string
  site: string | null
  outcome: string
  verdict: { policy: string; action: string }
}
interface PageBody {
  items: Item[]
  nextCursor: string | null
  slice: Record<string, string | null>
}

describeEachBackend('slice audits (GET /v1/audits)', (get) => {
  let app: App
  let lead: Record<string, string>
  let rows: RawVerdictRow[]
  const expected = (pred: (r: RawVerdictRow) => boolean) =>
    rows
      .filter((r) => !r.isAppeal && inPeriod(r, '2026-11-01', '2026-12-01') && pred(r))
      .map((r) => r.decisionId)
      .sort()

  beforeAll(async () => {
    await seedMetricsFixture(get().database)
    rows = await readRawRows(get().database)
    ;({ app } = await makeApp(get().database, {
      clock: manualClock(new Date('2026-11-26T12:00:00Z')),
    }))
    lead = await authHeaders(get().database, 'quality_lead')
  })

  const fetchAll = async (query: string, headers = lead) => {
    const ids: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await app.request(
        `/v1/audits?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        { headers },
      )
      expect(res.status).toBe(200)
      const body = (await res.json()) as PageBody
      ids.push(...body.items.map((i) => i.decisionId))
      cursor = body.nextCursor
      pages += 1
    } while (cursor !== null && pages < 100)
    return { ids, pages }
  }

  it("returns only the slice's final verdicts, newest first", async () => {
    const res = await app.request('/v1/audits?period=2026-11&region=emea&queue=video&limit=500', {
      headers: lead,
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as PageBody
    const want = expected((r) => r.decision.region === 'emea' && r.decision.queue === 'video')
    expect(want.length).toBeGreaterThan(5)
    expect(body.items.map((i) => i.decisionId).sort()).toEqual(want)
    expect(body.items.every((i) => i.region === 'emea' && i.queue === 'video')).toBe(true)
    expect(body.slice).toEqual({ region: 'emea', queue: 'video' })
    const times = body.items.map((i) => i.decidedAt)
    expect([...times].sort().reverse()).toEqual(times)
    expect(body.items[0]).toMatchObject({ contentId: expect.any(String) })
    expect(body.nextCursor).toBeNull()
  })

  it('matches a missing value with (none) and filters by the metric denominator', async () => {
    const none = await fetchAll('period=2026-11&site=(none)&limit=500')
    expect(none.ids.sort()).toEqual(expected((r) => r.decision.site === null))
    const all = await fetchAll('period=2026-11&region=apac&limit=500')
    const precision = await fetchAll('period=2026-11&region=apac&metric=precision&limit=500')
    expect(precision.ids.length).toBeGreaterThan(0)
    expect(precision.ids.length).toBeLessThan(all.ids.length)
  })

  it('pages through a slice with the cursor, every row exactly once', async () => {
    const want = expected((r) => r.decision.region === 'amer')
    const paged = await fetchAll('period=2026-11&region=amer&limit=7')
    expect(paged.pages).toBe(Math.ceil(want.length / 7))
    expect(paged.ids.length).toBe(want.length)
    expect([...paged.ids].sort()).toEqual(want)
  })

  it("keeps to the principal's regions", async () => {
    const scoped = await authHeaders(get().database, 'quality_lead', { regions: ['emea'] })
    const { ids } = await fetchAll('period=2026-11&queue=live&limit=500', scoped)
    expect(ids.sort()).toEqual(
      expected((r) => r.decision.queue === 'live' && r.decision.region === 'emea'),
    )
  })

  it('refuses viewers and moderators with 403', async () => {
    for (const role of ['viewer', 'moderator'] as const) {
      const res = await app.request('/v1/audits?region=emea', {
        headers: await authHeaders(get().database, role),
      })
      expect(res.status, role).toBe(403)
    }
  })

  it('answers 400 validation_failed for a malformed cursor or an unknown dimension', async () => {
    for (const query of [
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('["yesterday", 3]').toString('base64url')}`,
      'region=emea&colour=red',
    ]) {
      const res = await app.request(`/v1/audits?period=2026-11&${query}`, { headers: lead })
      expect(res.status, query).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'validation_failed',
      )
    }
  })
})
