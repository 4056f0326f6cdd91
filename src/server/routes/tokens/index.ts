/**
 * The caller's own API tokens: list, create (shown once), revoke. A token can carry only
 * permissions its creator holds, so a scoped token cannot mint a broader one. An admin
 * (users:admin) may revoke anyone's token.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { hasPermission } from '../../../domain/access.js'
import { parseDuration } from '../../../engine/access/parse-duration.js'
import {
  createToken,
  listApiTokens,
  revokeApiToken,
  type TokenRow,
} from '../../../engine/access/tokens.js'
import type { App } from '../../app.js'

const tokenSchema = z.object({
  tokenId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z
    .string()
    .nullable()
    .openapi({ description: 'when the token was last used, to within a minute; null: never' }),
  permissions: z.array(z.string()).nullable(),
})

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString())

function toJson(row: TokenRow) {
  return {
    tokenId: row.tokenId,
    name: row.name,
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    lastUsedAt: iso(row.lastUsedAt),
    permissions: row.permissions,
  }
}

const listRoute = createRoute({
  method: 'get',
  path: '/v1/tokens',
  summary: "The caller's API tokens (never their secrets)",
  responses: {
    200: {
      description: 'tokens',
      content: { 'application/json': { schema: z.object({ tokens: z.array(tokenSchema) }) } },
    },
  },
})

const createTokenRoute = createRoute({
  method: 'post',
  path: '/v1/tokens',
  summary: 'Create an API token for the caller; the secret is in this response only',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            name: z.string().min(1).max(200).optional(),
            expires: z.string().optional().describe('lifetime such as 30d, 12h, 2w'),
            permissions: z
              .array(z.string())
              .min(1)
              .optional()
              .describe("a subset of the caller's permissions"),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'created',
      content: {
        'application/json': {
          schema: z.object({
            tokenId: z.string(),
            token: z.string(),
            expiresAt: z.string().nullable(),
            permissions: z.array(z.string()).nullable(),
          }),
        },
      },
    },
  },
})

const revokeRoute = createRoute({
  method: 'delete',
  path: '/v1/tokens/{tokenId}',
  summary: 'Revoke an API token',
  request: { params: z.object({ tokenId: z.string().min(1).max(100) }) },
  responses: {
    200: { description: 'revoked', content: { 'application/json': { schema: tokenSchema } } },
  },
})

export function registerTokenRoutes(app: App, ctx: Context): void {
  app.openapi(listRoute, async (c) => {
    const rows = await listApiTokens(ctx.database, c.get('principal').userId)
    return c.json({ tokens: rows.map(toJson) }, 200)
  })

  app.openapi(createTokenRoute, async (c) => {
    const body = c.req.valid('json')
    const principal = c.get('principal')
    const now = ctx.clock.now()
    const created = await createToken(
      ctx.database,
      {
        userId: principal.userId,
        name: body.name,
        expiresAt:
          body.expires === undefined
            ? null
            : new Date(now.getTime() + parseDuration(body.expires, 'expires')),
        permissions: body.permissions ?? principal.permissions ?? null,
      },
      { issuer: principal },
    )
    return c.json({ ...created, expiresAt: iso(created.expiresAt) }, 201)
  })

  app.openapi(revokeRoute, async (c) => {
    const principal = c.get('principal')
    const row = await revokeApiToken(ctx.database, c.req.valid('param').tokenId, {
      actor: principal.userId,
      now: ctx.clock.now(),
      owner: hasPermission(principal, 'users:admin') ? undefined : principal.userId,
    })
    return c.json(toJson(row), 200)
  })
}
