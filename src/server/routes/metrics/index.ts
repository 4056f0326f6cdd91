/**
 * GET /v1/metrics (the metric library), GET /v1/metrics/{metric} (one metric, sliced) and GET
 * /v1/audits (a slice's audited decisions, see slice-audits.ts).
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { evaluateMetric } from '../../../engine/metrics/evaluate-metric.js'
import { loadMetricSetup } from '../../../engine/metrics/metric-setup.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'
import { registerSliceAuditRoutes } from './slice-audits.js'

const estimate = z.object({
  estimate: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  n: z.number(),
  effectiveSampleSize: z.number().nullable(),
  successes: z.number().nullable(),
})

const listRoute = createRoute({
  method: 'get',
  path: '/v1/metrics',
  summary: 'The metric library: the standard metrics and user-defined ones',
  responses: {
    200: {
      description: 'metric definitions',
      content: {
        'application/json': {
          schema: z.object({ metrics: z.array(z.record(z.string(), z.unknown())) }),
        },
      },
    },
  },
})

const evaluateRoute = createRoute({
  method: 'get',
  path: '/v1/metrics/{metric}',
  summary:
    'Evaluates one metric for a period, optionally sliced, with intervals and BH-adjusted comparisons',
  request: {
    params: z.object({ metric: z.string().min(1).max(64) }),
    query: z.object({
      by: z.string().max(300).optional().openapi({
        description: 'comma-separated dimensions, e.g. region,queue or attributes.market',
      }),
      period: z.string().max(40).optional().openapi({
        description:
          'YYYY-MM-DD, YYYY-Www, YYYY-MM, FROM..TO, last-Nd, day, week, month, all (default month)',
      }),
      compare: z.enum(['rest', 'previous', 'none']).optional(),
      confidence: z.coerce.number().gt(0.5).lt(1).optional(),
    }),
  },
  responses: {
    200: {
      description: 'the metric, overall and per slice',
      content: {
        'application/json': {
          schema: z.object({
            metric: z.object({
              code: z.string(),
              name: z.string(),
              kind: z.string(),
              unit: z.string(),
              higher_is_better: z.boolean(),
            }),
            period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
            comparedWith: z
              .object({ from: z.string(), to: z.string(), label: z.string() })
              .nullable(),
            by: z.array(z.string()),
            confidence: z.number(),
            overall: estimate,
            slices: z.array(
              estimate.extend({
                keys: z.record(z.string(), z.string().nullable()),
                comparison: z
                  .object({
                    difference: z.number(),
                    z: z.number(),
                    pValue: z.number(),
                    pAdjusted: z.number(),
                    against: z.string(),
                  })
                  .nullable(),
              }),
            ),
          }),
        },
      },
    },
  },
})

export function registerMetricRoutes(app: App, ctx: Context): void {
  app.use('/v1/metrics', requirePermission('metrics:read'))
  app.use('/v1/metrics/*', requirePermission('metrics:read'))
  app.openapi(listRoute, async (c) => {
    const setup = await loadMetricSetup(ctx.database)
    return c.json({ metrics: setup.library as unknown as Record<string, unknown>[] }, 200)
  })
  app.openapi(evaluateRoute, async (c) => {
    const { metric } = c.req.valid('param')
    const query = c.req.valid('query')
    const result = await evaluateMetric(ctx.database, c.get('principal'), {
      metric,
      ...query,
      now: ctx.clock.now(),
    })
    return c.json(result, 200)
  })
  registerSliceAuditRoutes(app, ctx)
}
