/**
 * Sign-in sessions for the web app: POST signs in (user id + password) and sets the session cookie,
 * GET says who the caller is, DELETE signs out. Sign-in is limited per user id and per client
 * address; every attempt counts, successful or not.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context as HonoContext } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { Context } from '../../../context.js'
import { effectivePermissions, type Principal } from '../../../domain/access.js'
import { csrfTokenFor, signIn, signOut } from '../../../engine/access/sessions.js'
import type { App } from '../../app.js'
import { SESSION_COOKIE, type Credential, type SecurityOptions } from '../../auth.js'
import { clientAddress, rateLimitedResponse, TokenBucketLimiter } from '../../rate-limit.js'

const whoAmI = z.object({
  userId: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  regions: z.array(z.string()).nullable(),
  sites: z.array(z.string()).nullable(),
  via: z.enum(['session', 'token']),
  /** Send it as x-csrf-token on POST/PUT/PATCH/DELETE; null for token callers, who need none. */
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
})

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) })

const signInRoute = createRoute({
  method: 'post',
  path: '/v1/session',
  summary:
    'Sign in with user id and password; sets the httpOnly session cookie and returns the CSRF token',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            userId: z.string().min(1).max(128),
            password: z.string().min(1).max(1024),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'signed in', content: { 'application/json': { schema: whoAmI } } },
    401: {
      description: 'unknown user or wrong password',
      content: { 'application/json': { schema: errorSchema } },
    },
    429: {
      description: 'too many attempts; see Retry-After',
      content: { 'application/json': { schema: errorSchema } },
    },
  },
})

const whoAmIRoute = createRoute({
  method: 'get',
  path: '/v1/session',
  summary: 'Who the caller is: user id, roles, effective permissions, scopes',
  responses: {
    200: { description: 'the caller', content: { 'application/json': { schema: whoAmI } } },
  },
})

const signOutRoute = createRoute({
  method: 'delete',
  path: '/v1/session',
  summary: 'Sign out: ends the session and clears the cookie',
  responses: { 204: { description: 'signed out' } },
})

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** Secure cookies everywhere but loopback, where plain http is the norm in development. */
function isLoopback(c: HonoContext): boolean {
  const host = new URL(c.req.url).hostname
  return LOOPBACK.has(host) || host.endsWith('.localhost')
}

function describe(principal: Principal, credential: Credential) {
  return {
    userId: principal.userId,
    roles: [...principal.roles],
    permissions: effectivePermissions(principal),
    regions: principal.regions === null ? null : [...principal.regions],
    sites: principal.sites === null ? null : [...principal.sites],
    via: credential.kind,
    csrfToken: credential.kind === 'session' ? csrfTokenFor(credential.sessionId) : null,
    expiresAt: credential.kind === 'session' ? credential.expiresAt.toISOString() : null,
  }
}

export function registerSessionRoutes(app: App, ctx: Context, security: SecurityOptions): void {
  const perMinute = security.signInAttemptsPerMinute
  const byUser = new TokenBucketLimiter(
    { capacity: perMinute, refillPerSecond: perMinute / 60 },
    () => ctx.clock.now().getTime(),
  )
  const byAddress = new TokenBucketLimiter(
    { capacity: perMinute, refillPerSecond: perMinute / 60 },
    () => ctx.clock.now().getTime(),
  )

  app.openapi(signInRoute, async (c) => {
    const { userId, password } = c.req.valid('json')
    for (const [limiter, key] of [
      [byAddress, clientAddress(c)],
      [byUser, userId.toLowerCase()],
    ] as const) {
      const result = limiter.take(key)
      if (!result.allowed)
        return rateLimitedResponse(c, result.retryAfterSeconds, 'sign-in attempts') as never
    }
    const session = await signIn(
      ctx.database,
      { userId, password },
      { now: ctx.clock.now(), ttlMs: security.sessionTtlMs },
    )
    setCookie(c, SESSION_COOKIE, session.sessionId, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: !isLoopback(c),
      path: '/',
      expires: session.expiresAt,
    })
    const credential: Credential = {
      kind: 'session',
      sessionId: session.sessionId,
      expiresAt: session.expiresAt,
    }
    return c.json(describe(session.principal, credential), 200)
  })

  app.openapi(whoAmIRoute, async (c) =>
    c.json(describe(c.get('principal'), c.get('credential')), 200),
  )

  app.openapi(signOutRoute, async (c) => {
    const credential = c.get('credential')
    if (credential.kind === 'session')
      await signOut(ctx.database, credential.sessionId, ctx.clock.now())
    deleteCookie(c, SESSION_COOKIE, {
      path: '/',
      secure: !isLoopback(c),
      httpOnly: true,
      sameSite: 'Strict',
    })
    return c.body(null, 204)
  })
}
