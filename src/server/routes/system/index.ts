/** Health and status routes. */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { getStatus } from '../../../engine/status/get-status.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'

const statusRoute = createRoute({
  method: 'get',
  path: '/v1/status',
  summary: 'What is in the store: counts, date ranges and which store is in use',
  responses: {
    200: {
      description: 'store status',
      content: {
        'application/json': {
          schema: z.object({
            store: z.object({ kind: z.enum(['embedded', 'postgres']), location: z.string() }),
            taxonomyVersion: z.number().nullable(),
            decisions: z.number(),
            audits: z.number(),
            ratings: z.number(),
            decisionRange: z.object({ from: z.string(), to: z.string() }).nullable(),
            auditRange: z.object({ from: z.string(), to: z.string() }).nullable(),
          }),
        },
      },
    },
  },
})

export function registerSystemRoutes(app: App, ctx: Context): void {
  app.get('/v1/health', (c) => c.json({ ok: true }))
  app.use('/v1/status', requirePermission('status:read'))
  app.openapi(statusRoute, async (c) => c.json(await getStatus(ctx.database), 200))
}
