/**
 * Every route the app serves has a rule in ROUTE_PERMISSIONS, and every rule holds in practice:
 * each route is requested with each role's token (and with none), and must be allowed or denied
 * exactly as the rule says. A new route without a rule fails here, and so does a SECURITY.md whose
 * generated route × role table no longer matches the routes.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { ROLES, type Role } from '../../src/domain/access.js'
import {
  ROUTE_PERMISSIONS,
  isAllowedByRule,
  isEndpoint,
  type RouteRule,
} from '../../src/server/auth.js'
import { permissionTable, withPermissionTable } from '../../src/server/permission-table.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { makeApp } from './helpers.js'

/** Pinned by hand: the routes where a wrong rule would hurt most. */
const PINNED: Record<string, readonly Role[] | 'public'> = {
  'GET /v1/health': 'public',
  'POST /v1/session': 'public',
  'GET /v1/session': ROLES,
  'GET /v1/users': ['admin'],
  'POST /v1/users': ['admin'],
  'POST /v1/users/:userId/disable': ['admin'],
  'POST /v1/tokens': ROLES,
  'GET /v1/status': ['admin', 'quality_lead', 'auditor', 'arbitrator', 'viewer', 'ingest'],
  'POST /v1/decisions': ['admin', 'ingest'],
  'POST /v1/audits': ['admin', 'ingest'],
  'POST /v1/ratings': ['admin', 'ingest'],
  'POST /v1/disputes/:disputeId/settlement': ['admin', 'arbitrator'],
}

function allowedRoles(rule: RouteRule): readonly Role[] | 'public' {
  if (rule === 'public') return 'public'
  return ROLES.filter((role) =>
    isAllowedByRule({ userId: 'x', roles: [role], regions: null, sites: null }, rule),
  )
}

/** A concrete URL for a route pattern: every `:param` (with or without a regex) becomes `probe`. */
function concrete(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+(\{[^}]*\})?\??/g, 'probe')
}

const PERMISSION_DENIAL = /^this needs (the|one of the) /

describeEachBackend('route permissions', (get) => {
  const routesOf = async () => {
    const { app } = await makeApp(get().database, { security: { ingestRateLimit: null } })
    const keys = [...new Set(app.routes.filter(isEndpoint).map((r) => `${r.method} ${r.path}`))]
    return { app, keys }
  }

  it('documents every route × role in SECURITY.md exactly as generated from the route list', async () => {
    const { app } = await routesOf()
    const document = readFileSync(join(import.meta.dirname, '..', '..', 'SECURITY.md'), 'utf8')
    const table = permissionTable(app.routes)
    expect(table.split('\n').length).toBeGreaterThan(40)
    expect(
      withPermissionTable(document, table) === document,
      'SECURITY.md has an out-of-date route table: run npm run docs:permissions',
    ).toBe(true)
  })

  it('has a rule for every route, and no rule for a route that does not exist', async () => {
    const { keys } = await routesOf()
    const missing = keys.filter((key) => !(key in ROUTE_PERMISSIONS))
    expect(
      missing,
      'routes without a rule: add them to ROUTE_PERMISSIONS in src/server/auth.ts',
    ).toEqual([])
    const stale = Object.keys(ROUTE_PERMISSIONS).filter((key) => !keys.includes(key))
    expect(stale, 'rules for routes that do not exist').toEqual([])
    for (const key of keys.filter((k) => !k.split(' ')[1]?.startsWith('/v1/'))) {
      expect(ROUTE_PERMISSIONS[key], `${key} is outside /v1, where no credential is checked`).toBe(
        'public',
      )
    }
  })

  it('matches the pinned table for the sensitive routes', () => {
    for (const [key, expected] of Object.entries(PINNED)) {
      const rule = ROUTE_PERMISSIONS[key]
      expect(rule, key).toBeDefined()
      expect(allowedRoles(rule as RouteRule), key).toEqual(expected)
    }
  })

  it('allows and denies every route × role exactly as its rule says', async () => {
    const { app, keys } = await routesOf()
    const headers = new Map<Role, Record<string, string>>()
    for (const role of ROLES) headers.set(role, await authHeaders(get().database, role))
    const wrong: string[] = []
    for (const key of keys) {
      const rule = ROUTE_PERMISSIONS[key]
      if (rule === undefined) continue
      const [method = 'GET', path = '/'] = key.split(' ')
      const send = (extra: Record<string, string>) =>
        app.request(concrete(path), {
          method,
          headers: { 'content-type': 'application/json', ...extra },
          ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
        })
      const anonymous = await send({})
      if (rule === 'public') {
        if (anonymous.status === 401 || anonymous.status === 403)
          wrong.push(`${key} public but answered ${anonymous.status}`)
        continue
      }
      if (anonymous.status !== 401)
        wrong.push(`${key} without a credential answered ${anonymous.status}, not 401`)
      const allowed = allowedRoles(rule)
      for (const role of ROLES) {
        const res = await send(headers.get(role) ?? {})
        const body = res.headers.get('content-type')?.includes('json')
          ? ((await res.json()) as { error?: { code: string; message: string } })
          : {}
        const deniedByPermission =
          res.status === 403 && PERMISSION_DENIAL.test(body.error?.message ?? '')
        const shouldAllow = allowed !== 'public' && allowed.includes(role)
        if (res.status === 401) wrong.push(`${key} as ${role}: 401`)
        else if (shouldAllow && deniedByPermission)
          wrong.push(`${key} as ${role}: denied (${body.error?.message}) but the rule allows it`)
        else if (!shouldAllow && !deniedByPermission)
          wrong.push(`${key} as ${role}: answered ${res.status} but the rule denies it`)
      }
    }
    expect(wrong).toEqual([])
  })
})
