/** Draw (or only plan, with dryRun) a plan's sample for a period. */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { drawSample } from '../../../engine/sampling/draw-sample.js'
import { getSamplingPlan } from '../../../engine/sampling/plans.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'

const drawRoute = createRoute({
  method: 'post',
  path: '/v1/samples',
  summary:
    'Draw a sample for a period (batch: exact quotas; stream: the hash rule replayed); dryRun only plans it',
  middleware: [requirePermission('samples:draw')],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            planId: z.string().min(1),
            planVersion: z.number().int().positive().optional(),
            period: z
              .string()
              .optional()
              .describe(
                '2026-W10, 2026-03-01 or 2026-03-01..2026-03-07; default the last complete period',
              ),
            method: z.enum(['batch', 'stream']).optional(),
            dryRun: z.boolean().optional(),
            confidence: z.number().gt(0).lt(1).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'per stratum: volume, sample size, expected margin of error; and what was drawn',
      content: { 'application/json': { schema: z.any().openapi('SampleReport') } },
    },
  },
})

export function registerSampleRoutes(app: App, ctx: Context): void {
  app.openapi(drawRoute, async (c) => {
    const body = c.req.valid('json')
    const plan = await getSamplingPlan(ctx.database, body.planId, body.planVersion)
    const report = await drawSample(ctx.database, plan, {
      period: body.period,
      method: body.method,
      dryRun: body.dryRun,
      confidence: body.confidence,
      now: ctx.clock.now(),
    })
    return c.json(report, 200)
  })
}
