/**
 * Authentication and authorisation. Every /v1 request is authenticated by either
 * - a bearer token (`Authorization: Bearer assay_…`), for integrations and scripts: no cookie, so
 *   no CSRF exposure and no CSRF check; or
 * - a sign-in session cookie (`assay_session`, httpOnly, SameSite=Strict), for the web app: every
 *   unsafe method (POST, PUT, PATCH, DELETE) must also carry `x-csrf-token`, the token returned by
 *   sign-in and by GET /v1/session, and must not be marked `Sec-Fetch-Site: cross-site`.
 * A bearer header wins when both are sent. A token's `last_used_at` is kept current to the minute.
 * Then the route's rule in ROUTE_PERMISSIONS is enforced:
 * `public` (no credential), `authenticated` (any principal) or one permission.
 */
import { createHash } from 'node:crypto'
import type { Context as HonoContext, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { matchedRoutes } from 'hono/route'
import type { Context } from '../context.js'
import { hasPermission, type Permission, type Principal } from '../domain/access.js'
import { AppError } from '../domain/errors.js'
import {
  authenticateSession,
  DEFAULT_SESSION_TTL_MS,
  isValidCsrfToken,
} from '../engine/access/sessions.js'
import { authenticateTokenCredential, type TokenUseRecorder } from '../engine/access/tokens.js'
import type { TokenBucketOptions } from './rate-limit.js'

export const SESSION_COOKIE = 'assay_session'
export const CSRF_HEADER = 'x-csrf-token'

/** How the request proved who it is. */
export type Credential =
  { kind: 'token'; tokenId: string } | { kind: 'session'; sessionId: string; expiresAt: Date }

export interface AuthVariables {
  principal: Principal
  credential: Credential
}

/** Who a credential proved to be. */
export interface Authenticated {
  principal: Principal
  credential: Credential
}

/**
 * A memory of successful authentications, valid for one data version (ResponseCache.principals
 * in response-cache.ts): keyed by a hash of the credential, never holding unknown credentials.
 */
export interface PrincipalMemo {
  /** The data version now; a remembered authentication counts only at the version it was made. */
  version(): Promise<string>
  recall(key: string, version: string, now: Date): Authenticated | undefined
  remember(key: string, version: string, found: Authenticated, expiresAt: Date | null): void
}

/** `public`: no credential; `authenticated`: any principal; a permission; or any one of several. */
export type RouteRule = Permission | { anyOf: readonly Permission[] } | 'public' | 'authenticated'

/**
 * The rule of every route, keyed `METHOD /path` exactly as Hono lists it in `app.routes` (path
 * parameters as `:name`). The one table of who may call what: test/security/route-permissions.test.ts
 * fails for a route without a rule, and checks each rule against every role with real requests.
 */
export const ROUTE_PERMISSIONS: Record<string, RouteRule> = {
  'GET /v1/health': 'public',
  'GET /v1/openapi.json': 'public',
  'GET /v1/status': 'status:read',
  'POST /v1/session': 'public',
  'GET /v1/session': 'authenticated',
  'DELETE /v1/session': 'authenticated',
  'GET /v1/tokens': 'authenticated',
  'POST /v1/tokens': 'authenticated',
  'DELETE /v1/tokens/:tokenId': 'authenticated',
  'GET /v1/users': 'users:admin',
  'POST /v1/users': 'users:admin',
  'POST /v1/users/:userId/disable': 'users:admin',
  // ingest
  'POST /v1/decisions': 'decisions:ingest',
  'POST /v1/audits': 'audits:ingest',
  'POST /v1/ratings': 'ratings:ingest',
  // sampling plans and samples
  'POST /v1/plans/size': 'plans:read',
  'POST /v1/plans': 'plans:write',
  'GET /v1/plans': 'plans:read',
  'GET /v1/plans/:planId': 'plans:read',
  'POST /v1/samples': 'samples:draw',
  // audit tasks
  'POST /v1/tasks/next': 'tasks:work',
  'GET /v1/tasks': 'tasks:work',
  'GET /v1/tasks/rubric': 'tasks:work',
  'GET /v1/tasks/agreement': 'metrics:read',
  'POST /v1/tasks/assign': 'tasks:assign',
  'PUT /v1/tasks/auditors/:userId': 'tasks:assign',
  'GET /v1/tasks/:taskId': 'tasks:work',
  'POST /v1/tasks/:taskId/verdict': 'tasks:work',
  // disputes and feedback (reading someone else's feedback also needs feedback:read-all, checked by the route)
  'POST /v1/disputes': 'disputes:file',
  'GET /v1/disputes': 'disputes:settle',
  'GET /v1/disputes/:disputeId': 'disputes:settle',
  'POST /v1/disputes/:disputeId/settlement': 'disputes:settle',
  'GET /v1/feedback': { anyOf: ['feedback:read-own', 'feedback:read-all'] },
  // metrics, targets, reports
  'GET /v1/metrics': 'metrics:read',
  'GET /v1/metrics/:metric': 'metrics:read',
  'GET /v1/audits': 'decisions:read',
  'GET /v1/targets': 'metrics:read',
  'PUT /v1/targets/:targetId': 'targets:write',
  'DELETE /v1/targets/:targetId': 'targets:write',
  'GET /v1/report': 'reports:read',
  // monitors, alerts, webhooks, improvement actions
  'GET /v1/monitors': 'alerts:read',
  'PUT /v1/monitors/:monitorId': 'monitors:write',
  'DELETE /v1/monitors/:monitorId': 'monitors:write',
  'POST /v1/monitors/run': 'monitors:write',
  'GET /v1/alerts': 'alerts:read',
  'GET /v1/alerts/:alertId': 'alerts:read',
  'POST /v1/alerts/:alertId/acknowledge': 'alerts:write',
  'POST /v1/alerts/:alertId/resolve': 'alerts:write',
  // The webhook guard is registered for GET/PUT/DELETE on both paths, so Hono lists all six.
  'GET /v1/webhooks': 'monitors:write',
  'PUT /v1/webhooks': 'monitors:write',
  'DELETE /v1/webhooks': 'monitors:write',
  'GET /v1/webhooks/:webhookId': 'monitors:write',
  'PUT /v1/webhooks/:webhookId': 'monitors:write',
  'DELETE /v1/webhooks/:webhookId': 'monitors:write',
  'GET /v1/actions': 'alerts:read',
  'GET /v1/actions/:actionId': 'alerts:read',
  'POST /v1/actions': 'actions:write',
  'PATCH /v1/actions/:actionId': 'actions:write',
}

/** Whether `principal` passes `rule` (public and authenticated rules pass any principal). */
export function isAllowedByRule(principal: Principal, rule: RouteRule): boolean {
  if (rule === 'public' || rule === 'authenticated') return true
  if (typeof rule === 'object')
    return rule.anyOf.some((permission) => hasPermission(principal, permission))
  return hasPermission(principal, rule)
}

/**
 * Whether a registered route is an endpoint rather than middleware: `app.use` registers ALL, and
 * `app.on(METHOD, '/x/*', mw)` a wildcard path; neither answers requests by itself.
 */
export function isEndpoint(route: { method: string; path: string }): boolean {
  return route.method !== 'ALL' && !route.path.includes('*')
}

/** `METHOD /path` of the route that will answer this request, or undefined when none matches. */
export function matchedRouteKey(c: HonoContext): string | undefined {
  const route = matchedRoutes(c).find(isEndpoint)
  return route === undefined ? undefined : `${route.method} ${route.path}`
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Looks the credential up through `memo` when there is one (a failed version read: straight). */
async function findThroughMemo(
  memo: PrincipalMemo | undefined,
  key: string,
  now: Date,
  find: () => Promise<{ found: Authenticated; expiresAt: Date | null } | undefined>,
): Promise<Authenticated | undefined> {
  let version: string | undefined
  if (memo !== undefined) {
    version = await memo.version().catch(() => undefined)
    const remembered = version === undefined ? undefined : memo.recall(key, version, now)
    if (remembered !== undefined) return remembered
  }
  const result = await find()
  if (result !== undefined && memo !== undefined && version !== undefined)
    memo.remember(key, version, result.found, result.expiresAt)
  return result?.found
}

const memoKey = (kind: string, secret: string) =>
  `${kind}:${createHash('sha256').update(secret).digest('base64')}`

async function authenticateRequest(
  ctx: Context,
  c: HonoContext,
  memo: PrincipalMemo | undefined,
): Promise<Authenticated> {
  const header = c.req.header('authorization')
  const now = ctx.clock.now()
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (match === null)
      throw new AppError('unauthenticated', 'the Authorization header must be: Bearer <token>')
    const token = match[1] ?? ''
    const found = await findThroughMemo(memo, memoKey('token', token), now, async () => {
      const result = await authenticateTokenCredential(ctx.database, token, now)
      if (result === undefined) return undefined
      return {
        found: {
          principal: result.principal,
          credential: { kind: 'token', tokenId: result.tokenId },
        },
        expiresAt: result.expiresAt,
      }
    })
    if (found === undefined)
      throw new AppError('unauthenticated', 'the API token is unknown, revoked or expired')
    return found
  }
  const sessionId = getCookie(c, SESSION_COOKIE)
  if (sessionId === undefined) {
    throw new AppError(
      'unauthenticated',
      'sign in (POST /v1/session) or send an API token: Authorization: Bearer <token>',
    )
  }
  const found = await findThroughMemo(memo, memoKey('session', sessionId), now, async () => {
    const result = await authenticateSession(ctx.database, sessionId, now)
    if (result === undefined) return undefined
    const credential: Credential = { kind: 'session', sessionId, expiresAt: result.expiresAt }
    return { found: { principal: result.principal, credential }, expiresAt: result.expiresAt }
  })
  if (found === undefined)
    throw new AppError('unauthenticated', 'the session has expired or ended; sign in again')
  if (!SAFE_METHODS.has(c.req.method)) {
    if (c.req.header('sec-fetch-site') === 'cross-site') {
      throw new AppError('forbidden', 'cross-site requests with a session cookie are refused')
    }
    if (!isValidCsrfToken(sessionId, c.req.header(CSRF_HEADER))) {
      throw new AppError(
        'forbidden',
        `missing or wrong ${CSRF_HEADER} header: send the csrfToken from sign-in or GET /v1/session`,
      )
    }
  }
  return found
}

/**
 * Authenticates the request and enforces its route's rule. A route missing from ROUTE_PERMISSIONS
 * still needs a principal and its own `requirePermission`; the route-permission test fails for it.
 * With `memo`, a credential seen before at the same data version is not looked up again.
 */
export function authenticate(
  ctx: Context,
  memo?: PrincipalMemo,
  tokenUses?: TokenUseRecorder,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const key = matchedRouteKey(c)
    const rule = key === undefined ? undefined : ROUTE_PERMISSIONS[key]
    if (rule === 'public') return next()
    const { principal, credential } = await authenticateRequest(ctx, c, memo)
    c.set('principal', principal)
    c.set('credential', credential)
    // A write at most once a minute per token (remembered authentications included); a failure
    // (the database restarting) costs the request nothing.
    if (credential.kind === 'token' && tokenUses !== undefined)
      await tokenUses.noteUse(credential.tokenId, ctx.clock.now()).catch((error: unknown) => {
        ctx.logger.debug({ err: error }, 'could not record the use of an API token')
      })
    if (rule !== undefined && !isAllowedByRule(principal, rule)) {
      if (typeof rule === 'object') {
        throw new AppError(
          'forbidden',
          `this needs one of the ${rule.anyOf.join(', ')} permissions, which your roles (${principal.roles.join(', ')}) do not have`,
        )
      }
      assertPermission(principal, rule as Permission)
    }
    return next()
  }
}

function assertPermission(principal: Principal, permission: Permission): void {
  if (!hasPermission(principal, permission)) {
    const scoped = principal.permissions != null ? ' or this API token is not scoped to it' : ''
    throw new AppError(
      'forbidden',
      `this needs the ${permission} permission, which your roles (${principal.roles.join(', ')}) do not have${scoped}`,
    )
  }
}

/** Answers 403 unless the principal has `permission`. */
export function requirePermission(
  permission: Permission,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    assertPermission(c.get('principal'), permission)
    return next()
  }
}

/** A key for per-credential rate limits: the API token, else the user. */
export function credentialKey(c: HonoContext<{ Variables: AuthVariables }>): string | undefined {
  const credential = c.get('credential') as Credential | undefined
  if (credential === undefined) return undefined
  return credential.kind === 'token'
    ? `token:${credential.tokenId}`
    : `user:${c.get('principal').userId}`
}

/** Security settings of one app instance (limits are per process). */
export interface SecurityOptions {
  /** How long a sign-in session lasts. */
  sessionTtlMs: number
  /** Sign-in attempts allowed per minute for one user id, and separately for one client address. */
  signInAttemptsPerMinute: number
  /** The per-credential limit on POST /v1/decisions, /v1/audits, /v1/ratings; null: none. */
  ingestRateLimit: TokenBucketOptions | null
}

export const DEFAULT_SECURITY_OPTIONS: SecurityOptions = {
  sessionTtlMs: DEFAULT_SESSION_TTL_MS,
  signInAttemptsPerMinute: 10,
  // A burst of 60 batches, then 10 a second, per API token.
  ingestRateLimit: { capacity: 60, refillPerSecond: 10 },
}

const INGEST_PATH = /^\/v1\/(decisions|audits|ratings)(\/|$)/

/** The rate-limit key of an ingest request (POST to an ingest path), else undefined. */
export function ingestKey(c: HonoContext<{ Variables: AuthVariables }>): string | undefined {
  return c.req.method === 'POST' && INGEST_PATH.test(c.req.path) ? credentialKey(c) : undefined
}
