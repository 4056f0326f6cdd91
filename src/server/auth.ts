/**
 * Authentication and authorisation middleware. Every /v1 route except health and the OpenAPI
 * document needs a principal (a bearer token); each route declares the one permission it needs.
 */
import type { MiddlewareHandler } from 'hono'
import type { Context } from '../context.js'
import { hasPermission, type Permission, type Principal } from '../domain/access.js'
import { AppError } from '../domain/errors.js'
import { authenticateToken } from '../engine/access/tokens.js'

export interface AuthVariables {
  principal: Principal
}

const PUBLIC_PATHS = new Set(['/v1/health', '/v1/openapi.json'])

export function authenticate(ctx: Context): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (PUBLIC_PATHS.has(c.req.path)) return next()
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (match === null) throw new AppError('unauthenticated', 'sign in or send an API token: Authorization: Bearer <token>')
    const principal = await authenticateToken(ctx.database, match[1] ?? '', ctx.clock.now())
    if (principal === undefined) throw new AppError('unauthenticated', 'the API token is unknown, revoked or expired')
    c.set('principal', principal)
    return next()
  }
}

/** Answers 403 unless the principal has `permission`. */
export function requirePermission(permission: Permission): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const principal = c.get('principal')
    if (!hasPermission(principal, permission)) {
      throw new AppError('forbidden', `this needs the ${permission} permission, which your roles (${principal.roles.join(', ')}) do not have`)
    }
    return next()
  }
}
