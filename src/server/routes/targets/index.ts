/** Targets: GET /v1/targets (with status), PUT /v1/targets/{targetId}, DELETE /v1/targets/{targetId}. */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { evaluateTargets } from '../../../engine/targets/evaluate-targets.js'
import { removeTarget, setTarget } from '../../../engine/targets/set-target.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'

const targetSchema = z.object({
  targetId: z.string(),
  metric: z.string(),
  scope: z.record(z.string(), z.string()),
  period: z.string(),
  threshold: z.number(),
  direction: z.enum(['at_least', 'at_most']),
  name: z.string().nullable(),
  createdBy: z.string().nullable(),
  updatedAt: z.string(),
})

const serialise = <T extends { updatedAt: Date }>(t: T) => ({
  ...t,
  updatedAt: t.updatedAt.toISOString(),
})

const listRoute = createRoute({
  method: 'get',
  path: '/v1/targets',
  summary: 'Every target with its status (met / missed / inconclusive), judged on the interval',
  request: { query: z.object({ confidence: z.coerce.number().gt(0.5).lt(1).optional() }) },
  responses: {
    200: {
      description: 'targets and status',
      content: {
        'application/json': {
          schema: z.object({ targets: z.array(z.record(z.string(), z.unknown())) }),
        },
      },
    },
  },
})

const putRoute = createRoute({
  method: 'put',
  path: '/v1/targets/{targetId}',
  summary: 'Creates or replaces a target',
  request: {
    params: z.object({ targetId: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/) }),
    body: {
      content: {
        'application/json': {
          schema: z.object({
            metric: z.string(),
            scope: z.record(z.string(), z.string()).optional(),
            period: z.string().optional(),
            threshold: z.number(),
            direction: z.enum(['at_least', 'at_most']).optional(),
            name: z.string().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'the stored target',
      content: { 'application/json': { schema: targetSchema } },
    },
  },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/targets/{targetId}',
  summary: 'Deletes a target',
  request: { params: z.object({ targetId: z.string() }) },
  responses: { 204: { description: 'deleted' } },
})

export function registerTargetRoutes(app: App, ctx: Context): void {
  app.on('GET', ['/v1/targets'], requirePermission('metrics:read'))
  app.on(['PUT', 'DELETE'], ['/v1/targets/*'], requirePermission('targets:write'))
  app.openapi(listRoute, async (c) => {
    const { confidence } = c.req.valid('query')
    const results = await evaluateTargets(ctx.database, c.get('principal'), {
      now: ctx.clock.now(),
      confidence,
    })
    return c.json({ targets: results.map((r) => ({ ...r, target: serialise(r.target) })) }, 200)
  })
  app.openapi(putRoute, async (c) => {
    const { targetId } = c.req.valid('param')
    const body = c.req.valid('json')
    const target = await setTarget(
      ctx.database,
      { ...body, targetId },
      c.get('principal').userId,
      ctx.clock.now(),
    )
    return c.json(serialise(target), 200)
  })
  app.openapi(deleteRoute, async (c) => {
    await removeTarget(ctx.database, c.req.valid('param').targetId, c.get('principal').userId)
    return c.body(null, 204)
  })
}
