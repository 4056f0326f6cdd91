import { gunzipSync } from 'node:zlib'
import { pino } from 'pino'
import { beforeAll, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createContext, type Context } from '../../src/context.js'
import { disableUser } from '../../src/engine/access/users.js'
import { createToken, createUser, revokeApiToken } from '../../src/engine/access/tokens.js'
import { setTarget } from '../../src/engine/targets/set-target.js'
import { createApp, type App } from '../../src/server/app.js'
import {
  acceptsGzip,
  normalizedQuery,
  ResponseCache,
  scopeKey,
  type ResponseCacheOptions,
} from '../../src/server/response-cache.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { seedMetricsFixture } from '../metrics/fixture.js'

const NOW = new Date('2026-11-26T12:00:00Z')
const REPORT = '/v1/report?period=2026-11&by=region'

type Headers = Record<string, string>

describeEachBackend('response cache', (get) => {
  let ctx: Context
  let lead: Headers
  let viewer: Headers
  beforeAll(async () => {
    const { database } = get()
    await seedMetricsFixture(database, { seed: 5 })
    ctx = await createContext(parseConfig({}), {
      database,
      logger: pino({ level: 'silent' }),
      clock: { now: () => NOW },
    })
    lead = await authHeaders(database, 'quality_lead')
    viewer = await authHeaders(database, 'viewer')
  })

  /**
   * An app with its own cache; `clock.ms` drives the cache's TTL. The store's data version is read
   * once and kept (unless a test asks for versionMaxAgeMs: 0): PostgreSQL publishes the table
   * counters of earlier writes up to ~10 s late, which would make "hit" expectations flaky; writes
   * through the app are seen at once either way.
   */
  const makeApp = (options: Partial<ResponseCacheOptions> = {}) => {
    const clock = { ms: 1_000_000 }
    const cache = new ResponseCache({
      versionMaxAgeMs: Number.POSITIVE_INFINITY,
      now: () => clock.ms,
      ...options,
    })
    const app: App = createApp(ctx, { responseCache: cache })
    const call = async (path: string, headers: Headers, init: RequestInit = {}) => {
      const res = await app.request(path, { ...init, headers: { ...headers, ...init.headers } })
      return { status: res.status, cache: res.headers.get('x-assay-cache'), body: await res.text() }
    }
    return { app, cache, clock, call }
  }
  const putTarget = (threshold: number) => ({
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metric: 'accuracy', threshold }),
  })

  it('answers a repeated GET from the cache, with the same body', async () => {
    const { cache, call } = makeApp()
    const first = await call(REPORT, viewer)
    const second = await call(REPORT, viewer)
    expect(first).toMatchObject({ status: 200, cache: 'miss' })
    expect(second).toMatchObject({ status: 200, cache: 'hit' })
    expect(second.body).toBe(first.body)
    // The parameters' order does not matter.
    expect((await call('/v1/report?by=region&period=2026-11', viewer)).cache).toBe('hit')
    expect(cache.stats).toMatchObject({ hits: 2, misses: 1, computed: 1, stored: 1 })
  })

  it('answers fresh data after a write through the API', async () => {
    const { call } = makeApp()
    const before = await call('/v1/targets', viewer)
    expect((await call('/v1/targets', viewer)).cache).toBe('hit')
    expect(before.body).not.toContain('cache-test-a')
    const put = await call('/v1/targets/cache-test-a', lead, putTarget(0.9))
    expect(put.status).toBe(200)
    const after = await call('/v1/targets', viewer)
    expect(after.cache).toBe('miss')
    expect(after.body).toContain('cache-test-a')
    // A refused write (403) changes nothing, so it keeps the cache.
    const refused = await call('/v1/targets/cache-test-b', viewer, putTarget(0.9))
    expect(refused.status).toBe(403)
    expect((await call('/v1/targets', viewer)).cache).toBe('hit')
  })

  it('answers fresh data after a write made outside this server (event log at once, any table within seconds)', async () => {
    const { call } = makeApp({ versionMaxAgeMs: 0 })
    const path = '/v1/targets'
    // Until the counters of the earlier writes are published, answers may still be misses.
    const settled = Date.now() + 20_000
    while ((await call(path, viewer)).cache !== 'hit' && Date.now() < settled)
      await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await call(path, viewer)).cache).toBe('hit')
    // A change that appends to the event log (here: a new user) is seen by the next request.
    await createUser(get().database, { userId: `cache-user-${Date.now()}`, roles: ['viewer'] })
    expect((await call(path, viewer)).cache).toBe('miss')
    // A direct write that appends no event (a target set by the CLI or another server) is seen
    // once PostgreSQL publishes its table counters (at most ~10 s after the writer goes idle).
    await setTarget(
      get().database,
      { targetId: 'cache-test-direct', metric: 'accuracy', threshold: 0.7 },
      'cli:test',
      NOW,
    )
    const deadline = Date.now() + 20_000
    let latest = await call(path, viewer)
    while (!latest.body.includes('cache-test-direct') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      latest = await call(path, viewer)
    }
    expect(latest.body).toContain('cache-test-direct')
  }, 30_000)

  it('never shares entries between a regional user and an unscoped one', async () => {
    const { call } = makeApp()
    const apac = await authHeaders(get().database, 'viewer', { regions: ['apac'] })
    const everyone = await call(REPORT, viewer)
    const regional = await call(REPORT, apac)
    expect(everyone.cache).toBe('miss')
    expect(regional.cache).toBe('miss')
    const regions = (body: string) =>
      (JSON.parse(body) as { slices: { value: string }[] }).slices.map((s) => s.value).sort()
    expect(regions(regional.body)).toEqual(['apac'])
    expect(regions(everyone.body)).toEqual(['amer', 'apac', 'emea'])
    expect((await call(REPORT, apac)).body).toBe(regional.body)
    expect((await call(REPORT, viewer)).body).toBe(everyone.body)
    // Another unscoped viewer is another user: no entry of the first is served to them.
    const otherViewer = await authHeaders(get().database, 'viewer')
    expect((await call(REPORT, otherViewer)).cache).toBe('miss')
  })

  it('never caches an error', async () => {
    const { cache, call } = makeApp()
    const path = '/v1/metrics/error_rate?by=nope&period=2026-11'
    const answers = [
      await call(path, viewer),
      await call(path, viewer),
      ...(await Promise.all([call(path, viewer), call(path, viewer), call(path, viewer)])),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(400)
      expect(answer.cache).not.toBe('hit')
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'validation_failed' } })
    }
    expect(cache.stats.stored).toBe(0)
    expect(cache.size).toBe(0)
  })

  it('computes concurrent identical misses once (single-flight)', async () => {
    const { cache, call } = makeApp()
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call('/v1/report?period=2026-11&by=queue', viewer)),
    )
    expect(cache.stats.computed).toBe(1)
    expect(cache.stats.coalesced).toBe(5)
    expect(answers.map((a) => a.cache).sort()).toEqual(['hit', 'hit', 'hit', 'hit', 'hit', 'miss'])
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect(answer.body).toBe(answers[0]?.body)
    }
  })

  it('expires entries after the TTL, answering stale ones while one refresh runs', async () => {
    const { cache, clock, call } = makeApp({ ttlMs: 30_000, staleMs: 30_000 })
    const path = '/v1/metrics/accuracy?by=region&period=last-28d'
    expect((await call(path, viewer)).cache).toBe('miss')
    clock.ms += 29_999
    expect((await call(path, viewer)).cache).toBe('hit')
    clock.ms += 1
    expect((await call(path, viewer)).cache).toBe('stale')
    // The refresh runs in the background; once stored, the entry is fresh again.
    await cache.settled()
    expect(cache.stats).toMatchObject({ computed: 2, stored: 2 })
    expect((await call(path, viewer)).cache).toBe('hit')
    // Past TTL + stale window, the old entry is not answered at all.
    clock.ms += 60_000
    expect((await call(path, viewer)).cache).toBe('miss')
    // Nor is an expired entry of an older data version, even within the stale window.
    clock.ms += 30_001
    const put = await call('/v1/targets/cache-test-stale', lead, putTarget(0.8))
    expect(put.status).toBe(200)
    expect((await call(path, viewer)).cache).toBe('miss')
  })

  it('keeps at most maxEntries entries, dropping the least recently used', async () => {
    const { cache, call } = makeApp({ maxEntries: 2 })
    const paths = ['/v1/targets', '/v1/alerts', '/v1/actions']
    await call(paths[0] as string, viewer)
    await call(paths[1] as string, viewer)
    expect((await call(paths[0] as string, viewer)).cache).toBe('hit') // now most recent
    await call(paths[2] as string, viewer) // evicts /v1/alerts
    expect(cache.size).toBe(2)
    expect((await call(paths[0] as string, viewer)).cache).toBe('hit')
    expect((await call(paths[1] as string, viewer)).cache).toBe('miss')
  })

  it('remembers an authentication (when asked to) until the token is revoked, through the API or not', async () => {
    const { database } = get()
    const userId = `cache-token-user-${Date.now()}`
    await createUser(database, { userId, roles: ['viewer'] })
    const bearer = async () => {
      const { token, tokenId } = await createToken(database, { userId })
      return { tokenId, headers: { authorization: `Bearer ${token}` } }
    }
    // Through the API: the DELETE moves this server's version at once.
    const kept = makeApp({ principalTtlMs: 30_000 })
    const first = await bearer()
    expect((await kept.call('/v1/targets', first.headers)).status).toBe(200)
    expect((await kept.call('/v1/alerts', first.headers)).status).toBe(200)
    expect(kept.cache.stats.principalHits).toBe(1)
    const revoke = await kept.call(`/v1/tokens/${first.tokenId}`, first.headers, {
      method: 'DELETE',
    })
    expect(revoke.status).toBeLessThan(300)
    expect((await kept.call('/v1/targets', first.headers)).status).toBe(401)
    // Outside this server (the CLI): the revocation's event moves the store's version.
    const fresh = makeApp({ versionMaxAgeMs: 0, principalTtlMs: 30_000 })
    const second = await bearer()
    expect((await fresh.call('/v1/targets', second.headers)).status).toBe(200)
    await revokeApiToken(database, second.tokenId, { actor: 'cli:test', now: new Date() })
    expect((await fresh.call('/v1/targets', second.headers)).status).toBe(401)
    // And a user disabled outside this server is refused at once too.
    const third = await bearer()
    expect((await fresh.call('/v1/targets', third.headers)).status).toBe(200)
    await disableUser(database, userId, 'cli:test', new Date())
    expect((await fresh.call('/v1/targets', third.headers)).status).toBe(401)
  })

  it('forgets a remembered token at its expiry; remembers for 30 s by default, none when set to 0', async () => {
    const clock = { now: NOW }
    const timed = await createContext(parseConfig({}), {
      database: get().database,
      logger: pino({ level: 'silent' }),
      clock: { now: () => clock.now },
    })
    const cache = new ResponseCache({
      versionMaxAgeMs: Number.POSITIVE_INFINITY,
      principalTtlMs: 30_000,
    })
    const app = createApp(timed, { responseCache: cache })
    const userId = `cache-expiry-${Date.now()}`
    await createUser(get().database, { userId, roles: ['viewer'] })
    const { token } = await createToken(get().database, {
      userId,
      expiresAt: new Date(NOW.getTime() + 60_000),
    })
    const headers = { authorization: `Bearer ${token}` }
    expect((await app.request('/v1/alerts', { headers })).status).toBe(200)
    expect((await app.request('/v1/alerts', { headers })).status).toBe(200)
    expect(cache.stats.principalHits).toBe(1)
    clock.now = new Date(NOW.getTime() + 60_000)
    expect((await app.request('/v1/alerts', { headers })).status).toBe(401)
    expect(new ResponseCache().principals).toBeDefined()
    expect(new ResponseCache({ principalTtlMs: 0 }).principals).toBeUndefined()
  })

  it('sends the stored body gzipped to clients that accept gzip', async () => {
    const { app } = makeApp()
    const plain = await app.request(REPORT, { headers: viewer })
    const text = await plain.text()
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(plain.headers.get('vary')).toContain('accept-encoding')
    for (const accept of ['gzip, deflate, br', 'br;q=1, gzip;q=0.5']) {
      const zipped = await app.request(REPORT, {
        headers: { ...viewer, 'accept-encoding': accept },
      })
      expect(zipped.headers.get('x-assay-cache')).toBe('hit')
      expect(zipped.headers.get('content-encoding')).toBe('gzip')
      const bytes = Buffer.from(await zipped.arrayBuffer())
      expect(bytes.byteLength).toBeLessThan(text.length)
      expect(gunzipSync(bytes).toString('utf8')).toBe(text)
    }
    expect(acceptsGzip('gzip;q=0, br')).toBe(false)
    expect(acceptsGzip('identity')).toBe(false)
    expect(acceptsGzip('*')).toBe(true)
    expect(acceptsGzip(undefined)).toBe(false)
  })

  it('keys on the scope, not on the order of roles, regions or sites', () => {
    const base = { userId: 'u', roles: ['viewer' as const], regions: ['b', 'a'], sites: null }
    expect(scopeKey(base)).toBe(scopeKey({ ...base, regions: ['a', 'b'] }))
    expect(scopeKey(base)).not.toBe(scopeKey({ ...base, regions: ['a'] }))
    expect(scopeKey(base)).not.toBe(scopeKey({ ...base, regions: null }))
    expect(scopeKey(base)).not.toBe(scopeKey({ ...base, sites: [] }))
    expect(scopeKey(base)).not.toBe(scopeKey({ ...base, permissions: ['metrics:read'] }))
    expect(normalizedQuery('http://x/p?b=2&a=1&b=1')).toBe('a=1&b=2&b=1')
    expect(normalizedQuery('http://x/p?by=region%2Cqueue')).toBe(
      normalizedQuery('http://x/p?by=region,queue'),
    )
  })
})
