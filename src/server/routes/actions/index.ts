/**
 * Corrective actions: GET /v1/actions (overdue=true for the Overview), POST /v1/actions (from an
 * alert or a Pareto row), GET /v1/actions/{actionId} (with its measured effect), PATCH
 * /v1/actions/{actionId}.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import {
  findActions,
  getAction,
  openAction,
  updateActionFields,
} from '../../../engine/actions/corrective-actions.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'
import { clipInputs } from '../../../domain/quote-input.js'

const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
})
const actionId = z.string().min(1).max(64)
const STATUSES = ['open', 'too_early', 'effective', 'not_effective', 'closed'] as const

const listRoute = createRoute({
  method: 'get',
  path: '/v1/actions',
  summary: 'Corrective actions by due date (overdue=true: open actions past their due date)',
  request: {
    query: z.object({
      status: z
        .string()
        .max(100)
        .optional()
        .openapi({ description: `comma-separated: ${STATUSES.join(', ')}` }),
      overdue: z.enum(['true', 'false']).optional(),
      alertId: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
    }),
  },
  responses: { 200: json('actions') },
})

const createActionRoute = createRoute({
  method: 'post',
  path: '/v1/actions',
  summary:
    'Opens a corrective action (fromAlert or fromPareto prefill scope, metric and root cause)',
  request: {
    body: { content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
  },
  responses: { 201: json('the action') },
})

const getRoute = createRoute({
  method: 'get',
  path: '/v1/actions/{actionId}',
  summary:
    'One corrective action with its effect: before vs after the intervention, interval, test, status',
  request: { params: z.object({ actionId }) },
  responses: { 200: json('the action') },
})

const patchRoute = createRoute({
  method: 'patch',
  path: '/v1/actions/{actionId}',
  summary: 'Updates an action (owner, due date, intervention date, …; closed: true closes it)',
  request: {
    params: z.object({ actionId }),
    body: { content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
  },
  responses: { 200: json('the action') },
})

export function registerActionRoutes(app: App, ctx: Context): void {
  app.on('GET', ['/v1/actions', '/v1/actions/:actionId'], requirePermission('alerts:read'))
  app.on(['POST'], ['/v1/actions'], requirePermission('actions:write'))
  app.on(['PATCH'], ['/v1/actions/:actionId'], requirePermission('actions:write'))
  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query')
    const statuses = query.status
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    const bad = statuses?.filter((s) => !(STATUSES as readonly string[]).includes(s)) ?? []
    if (bad.length > 0) {
      return c.json(
        {
          error: {
            code: 'validation_failed',
            message: `unknown status ${clipInputs(bad)}`,
            details: [{ path: 'status', message: `use ${STATUSES.join(', ')}` }],
          },
        },
        400,
      ) as never
    }
    const actions = await findActions(
      ctx.database,
      {
        statuses: statuses as (typeof STATUSES)[number][] | undefined,
        overdue: query.overdue === 'true',
        alertId: query.alertId,
        limit: query.limit,
        reader: c.get('principal'),
      },
      ctx.clock.now(),
    )
    return c.json({ actions }, 200)
  })
  app.openapi(createActionRoute, async (c) => {
    const action = await openAction(
      ctx.database,
      c.req.valid('json'),
      c.get('principal').userId,
      ctx.clock.now(),
    )
    return c.json(action as unknown as Record<string, unknown>, 201)
  })
  app.openapi(getRoute, async (c) => {
    const action = await getAction(ctx.database, c.req.valid('param').actionId, {
      now: ctx.clock.now(),
      reader: c.get('principal'),
    })
    return c.json(action as unknown as Record<string, unknown>, 200)
  })
  app.openapi(patchRoute, async (c) => {
    const action = await updateActionFields(
      ctx.database,
      c.req.valid('param').actionId,
      c.req.valid('json'),
      c.get('principal').userId,
      ctx.clock.now(),
      { reader: c.get('principal') },
    )
    return c.json(action as unknown as Record<string, unknown>, 200)
  })
}
