/** User administration (users:admin): list, create, disable. */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { ROLES } from '../../../domain/access.js'
import { createUser, disableUser, listUsers, type UserRow } from '../../../engine/access/users.js'
import type { App } from '../../app.js'

const userSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  regions: z.array(z.string()).nullable(),
  sites: z.array(z.string()).nullable(),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
})

function toJson(user: UserRow) {
  return {
    userId: user.userId,
    displayName: user.displayName,
    roles: user.roles,
    regions: user.regions,
    sites: user.sites,
    createdAt: new Date(user.createdAt).toISOString(),
    disabledAt: user.disabledAt === null ? null : new Date(user.disabledAt).toISOString(),
  }
}

const listRoute = createRoute({
  method: 'get',
  path: '/v1/users',
  summary: 'Every user with roles and scopes',
  responses: {
    200: {
      description: 'users',
      content: { 'application/json': { schema: z.object({ users: z.array(userSchema) }) } },
    },
  },
})

const createUserRoute = createRoute({
  method: 'post',
  path: '/v1/users',
  summary: 'Create a user',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            userId: z.string(),
            displayName: z.string().min(1).max(200).optional(),
            roles: z.array(z.enum(ROLES)).min(1),
            regions: z.array(z.string()).nullable().optional(),
            sites: z.array(z.string()).nullable().optional(),
            password: z.string().optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: 'created', content: { 'application/json': { schema: userSchema } } },
  },
})

const disableRoute = createRoute({
  method: 'post',
  path: '/v1/users/{userId}/disable',
  summary: 'Disable a user: their tokens stop working and their sessions end',
  request: { params: z.object({ userId: z.string().min(1).max(128) }) },
  responses: {
    200: { description: 'disabled', content: { 'application/json': { schema: userSchema } } },
  },
})

export function registerUserRoutes(app: App, ctx: Context): void {
  app.openapi(listRoute, async (c) =>
    c.json({ users: (await listUsers(ctx.database)).map(toJson) }, 200),
  )

  app.openapi(createUserRoute, async (c) => {
    const user = await createUser(ctx.database, c.req.valid('json'), c.get('principal').userId)
    return c.json(toJson(user), 201)
  })

  app.openapi(disableRoute, async (c) => {
    const user = await disableUser(
      ctx.database,
      c.req.valid('param').userId,
      c.get('principal').userId,
      ctx.clock.now(),
    )
    return c.json(toJson(user), 200)
  })
}
