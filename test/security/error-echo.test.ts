/**
 * Error messages quote at most the first 80 characters of what a client sent. Every route (from
 * `app.routes`) gets a 4,000-character value in each path parameter, each query parameter, each
 * body field and as a body key, each ingest record field, and in the headers; no answer (errors,
 * and the per-row rejects of ingest) may carry more than 80 characters of it in a row.
 */
import { beforeAll, expect, it } from 'vitest'
import { MAX_QUOTED_CHARACTERS } from '../../src/domain/quote-input.js'
import type { App } from '../../src/server/app.js'
import { isEndpoint } from '../../src/server/auth.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { EXAMPLES, RECORD_ROUTES, seedStore } from './fuzz-seed.js'
import { makeApp, manualClock } from './helpers.js'

/** URL-safe, and no word of any message is a run of x and Q. */
const LONG = 'xQ'.repeat(2_000)
const RUN = new RegExp(`[xQ]{${MAX_QUOTED_CHARACTERS + 1},}`)
/** Query names the routes read, beyond the ones their OpenAPI document lists. */
const COMMON_QUERY = ['period', 'by', 'status', 'state', 'metric', 'monitor', 'format', 'grain']

interface Probe {
  what: string
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}

function routesOf(app: App) {
  const doc = app.getOpenAPIDocument({ openapi: '3.0.0', info: { title: 'echo', version: '0' } })
  const keys = [...new Set(app.routes.filter(isEndpoint).map((r) => `${r.method} ${r.path}`))]
  return keys.map((key) => {
    const [method = 'GET', path = '/'] = key.split(' ')
    const operation = (
      doc.paths?.[path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')] as Record<string, unknown> | undefined
    )?.[method.toLowerCase()] as
      | {
          parameters?: { in: string; name: string }[]
          requestBody?: {
            content?: Record<string, { schema?: { properties?: Record<string, unknown> } }>
          }
        }
      | undefined
    const fields = Object.keys(
      operation?.requestBody?.content?.['application/json']?.schema?.properties ?? {},
    )
    const query = (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)
    return { key, method, path, fields, query }
  })
}

/** Every way one route can be handed LONG. */
function probesFor(route: ReturnType<typeof routesOf>[number]): Probe[] {
  const { key, method, path } = route
  const concrete = path.replace(/:[A-Za-z0-9_]+/g, 'fuzz-target')
  const probes: Probe[] = []
  if (path.includes(':'))
    probes.push({ what: 'path parameters', method, path: path.replace(/:[A-Za-z0-9_]+/g, LONG) })
  for (const name of new Set([...route.query, ...COMMON_QUERY]))
    probes.push({ what: `query ${name}`, method, path: `${concrete}?${name}=${LONG}` })
  const json = (what: string, body: unknown): Probe => ({
    what,
    method,
    path: concrete,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const records = RECORD_ROUTES[key]
  if (records !== undefined) {
    for (const field of records.fields)
      probes.push(json(`record field ${field}`, [{ ...records.example, [field]: LONG }]))
    probes.push(json('record key', [{ ...records.example, [LONG]: 'v' }]))
  } else if (method !== 'GET') {
    const example = EXAMPLES[key] ?? {}
    for (const field of new Set([...route.fields, ...Object.keys(example)])) {
      probes.push(json(`body field ${field}`, { ...example, [field]: LONG }))
      probes.push(json(`body field ${field} as a list`, { ...example, [field]: [LONG] }))
      probes.push(json(`body field ${field} as a key`, { ...example, [field]: { [LONG]: 'v' } }))
    }
    probes.push(json('body key', { ...example, [LONG]: 'v' }))
    probes.push({
      what: 'content type',
      method,
      path: concrete,
      headers: { 'content-type': `application/${LONG}` },
      body: '{}',
    })
  }
  return probes
}

describeEachBackend('error messages quote little of the input', (get) => {
  const clock = manualClock(new Date('2026-03-20T12:00:00.000Z'))
  let app: App
  let admin: Record<string, string>

  beforeAll(async () => {
    const { database } = get()
    ;({ app } = await makeApp(database, {
      clock,
      security: { ingestRateLimit: null, signInAttemptsPerMinute: 1_000_000 },
    }))
    await seedStore(database, clock.now())
    admin = await authHeaders(database, 'admin', { userId: 'seed-admin' })
  })

  it(
    'quotes at most 80 characters of any value sent to any route',
    { timeout: 300_000 },
    async () => {
      const probes: Probe[] = routesOf(app).flatMap(probesFor)
      probes.push(
        { what: 'an unknown route', method: 'GET', path: `/v1/${LONG}` },
        {
          what: 'a bearer token',
          method: 'GET',
          path: '/v1/status',
          headers: { authorization: `Bearer ${LONG}` },
        },
        {
          what: 'an authorization header',
          method: 'GET',
          path: '/v1/status',
          headers: { authorization: LONG },
        },
        {
          what: 'a request id',
          method: 'GET',
          path: `/v1/${LONG}`,
          headers: { 'x-request-id': LONG },
        },
        {
          what: 'an ingest content type',
          method: 'POST',
          path: '/v1/decisions',
          headers: { 'content-type': `application/${LONG}` },
          body: '[]',
        },
      )
      expect(probes.length).toBeGreaterThan(200)
      const failures: string[] = []
      for (const probe of probes) {
        const res = await app.request(probe.path, {
          method: probe.method,
          headers: { ...admin, ...probe.headers },
          ...(probe.body === undefined ? {} : { body: probe.body }),
        })
        // Successful answers may show what was stored; errors, and ingest's rejects, quote little.
        const text =
          res.status >= 400
            ? await res.text()
            : probe.what.startsWith('record')
              ? JSON.stringify(((await res.json()) as { rejects: unknown }).rejects)
              : ''
        const run = RUN.exec(text)
        if (run !== null)
          failures.push(
            `${probe.method} ${probe.path.slice(0, 60)} (${probe.what}): ${res.status} quotes ${run[0].length} characters: ${text.slice(0, 200)}`,
          )
      }
      expect(failures, failures.join('\n')).toEqual([])
    },
  )
})
