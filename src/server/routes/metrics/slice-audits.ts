/**
 * GET /v1/audits?metric=&period=&<dimension>=<value>…&limit=&cursor= — the drill-down from a metric
 * slice to its audited decisions with their final verdicts, newest first, keyset-paginated. Every
 * other query parameter is a slice dimension (region, queue, attributes.market, day, …), checked
 * against the metrics' allow-list; `(none)` matches a missing value. Scoped to the principal's
 * regions and sites like the metric queries.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import {
  listSliceAudits,
  MAX_SLICE_AUDIT_LIMIT,
} from '../../../engine/metrics/list-slice-audits.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'

const RESERVED = new Set(['metric', 'period', 'limit', 'cursor'])

const sliceAuditsRoute = createRoute({
  method: 'get',
  path: '/v1/audits',
  summary: 'The audited decisions of one slice with their final verdicts (metric drill-down)',
  middleware: [requirePermission('decisions:read')] as const,
  request: {
    query: z.object({
      metric: z.string().max(64).optional().openapi({
        description: "only the verdicts in this metric's denominator",
      }),
      period: z.string().max(40).optional().openapi({
        description: 'as for GET /v1/metrics/{metric} (default month)',
      }),
      limit: z.coerce.number().int().min(1).max(MAX_SLICE_AUDIT_LIMIT).optional(),
      cursor: z.string().max(500).optional().openapi({ description: 'nextCursor of a page' }),
    }),
  },
  responses: {
    200: {
      description:
        'a page of final verdicts; any other query parameter is a slice dimension, e.g. region=EU',
      content: {
        'application/json': {
          schema: z.object({
            metric: z.string().nullable(),
            period: z.object({ from: z.string(), to: z.string(), label: z.string() }),
            slice: z.record(z.string(), z.string().nullable()),
            items: z.array(z.record(z.string(), z.unknown())),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
  },
})

export function registerSliceAuditRoutes(app: App, ctx: Context): void {
  app.openapi(sliceAuditsRoute, async (c) => {
    const query = c.req.valid('query')
    const slice: Record<string, string> = {}
    for (const [key, value] of Object.entries(c.req.query()))
      if (!RESERVED.has(key)) slice[key] = value
    const result = await listSliceAudits(ctx.database, c.get('principal'), {
      ...query,
      slice,
      now: ctx.clock.now(),
    })
    return c.json({ ...result, items: result.items as unknown as Record<string, unknown>[] }, 200)
  })
}
