/**
 * GET /v1/report (the quality report in md, html, json or csv), and the registration of every
 * quality route: metrics, targets and reports.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { buildReport } from '../../../engine/reports/build-report.js'
import {
  REPORT_CONTENT_TYPES,
  REPORT_FORMATS,
  renderReport,
} from '../../../engine/reports/render-report.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'
import { registerMetricRoutes } from '../metrics/index.js'
import { registerTargetRoutes } from '../targets/index.js'

const reportRoute = createRoute({
  method: 'get',
  path: '/v1/report',
  summary:
    'The quality report: overall quality with intervals, targets, ranked slices, Pareto, DPMO, confusion matrix, scorecards, trend',
  request: {
    query: z.object({
      period: z.string().max(40).optional(),
      by: z
        .string()
        .max(300)
        .optional()
        .openapi({ description: 'dimensions whose slices are ranked (default region,queue)' }),
      format: z
        .enum(REPORT_FORMATS)
        .optional()
        .openapi({ description: 'json (default), md, html or csv' }),
      metric: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: 'the metric slices are ranked on (default accuracy)' }),
      grain: z.enum(['day', 'week', 'month']).optional(),
      confidence: z.coerce.number().gt(0.5).lt(1).optional(),
    }),
  },
  responses: {
    200: {
      description: 'the report',
      content: {
        'application/json': { schema: z.record(z.string(), z.unknown()) },
        'text/html': { schema: z.string() },
        'text/markdown': { schema: z.string() },
        'text/csv': { schema: z.string() },
      },
    },
  },
})

export function registerQualityRoutes(app: App, ctx: Context): void {
  registerMetricRoutes(app, ctx)
  registerTargetRoutes(app, ctx)
  app.use('/v1/report', requirePermission('reports:read'))
  app.openapi(reportRoute, async (c) => {
    const { format = 'json', by, ...query } = c.req.valid('query')
    const report = await buildReport(ctx.database, c.get('principal'), {
      ...query,
      by: by?.split(','),
      now: ctx.clock.now(),
    })
    if (format === 'json') return c.json(report as unknown as Record<string, unknown>, 200)
    return c.body(renderReport(report, format), 200, {
      'content-type': REPORT_CONTENT_TYPES[format],
    }) as never
  })
}
