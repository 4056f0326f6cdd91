/**
 * Alerts: GET /v1/alerts, GET /v1/alerts/{alertId}, POST /v1/alerts/{alertId}/acknowledge and
 * /resolve; webhooks: GET /v1/webhooks, PUT|DELETE /v1/webhooks/{webhookId}. A principal limited
 * to some regions or sites sees only the alerts on those slices.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { isWithinScope, type Principal } from '../../../domain/access.js'
import { NotFoundError, ValidationError } from '../../../domain/errors.js'
import { isWellFormedText, LONE_SURROGATE_MESSAGE } from '../../../domain/unicode-text.js'
import {
  acknowledgeAlert,
  countAlertsByState,
  findAlerts,
  getAlert,
  parseStates,
  resolveAlert,
} from '../../../engine/alerts/alert-state.js'
import { findWebhooks, removeWebhook, setWebhook } from '../../../engine/alerts/webhooks.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'

const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
})
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const alertId = z.string().min(1).max(64)
const noteBody = {
  required: false,
  content: { 'application/json': { schema: z.object({ note: z.string().max(2000).optional() }) } },
}

/** Whether the principal's region / site limits allow this slice. */
export function isVisibleTo(
  principal: Pick<Principal, 'regions' | 'sites'>,
  slice: Record<string, string | null>,
): boolean {
  return isWithinScope(principal, slice)
}

const listRoute = createRoute({
  method: 'get',
  path: '/v1/alerts',
  summary: 'Alerts, newest first (default: open and acknowledged), with counts by state',
  request: {
    query: z.object({
      state: z
        .string()
        .max(60)
        .optional()
        .openapi({ description: 'comma-separated: open, acknowledged, resolved; or all' }),
      metric: z.string().max(64).optional(),
      monitor: z.string().max(64).optional(),
      from: day
        .optional()
        .openapi({ description: 'alerts on periods from this day (the Trends chart range)' }),
      to: day.optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      cursor: z.string().max(500).optional(),
    }),
  },
  responses: { 200: json('alerts') },
})

const getRoute = createRoute({
  method: 'get',
  path: '/v1/alerts/{alertId}',
  summary: 'One alert with its evidence, signals and delivery log',
  request: { params: z.object({ alertId }) },
  responses: { 200: json('the alert') },
})

const ackRoute = createRoute({
  method: 'post',
  path: '/v1/alerts/{alertId}/acknowledge',
  summary: 'Acknowledges an open alert',
  request: { params: z.object({ alertId }), body: noteBody },
  responses: { 200: json('the alert') },
})

const resolveRoute = createRoute({
  method: 'post',
  path: '/v1/alerts/{alertId}/resolve',
  summary: 'Resolves an open or acknowledged alert',
  request: { params: z.object({ alertId }), body: noteBody },
  responses: { 200: json('the alert') },
})

const webhookId = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/)

const listWebhooksRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  summary: 'Webhooks that receive alerts',
  responses: { 200: json('webhooks') },
})

const putWebhookRoute = createRoute({
  method: 'put',
  path: '/v1/webhooks/{webhookId}',
  summary: 'Creates or replaces a webhook (format json or slack; minSeverity)',
  request: {
    params: z.object({ webhookId }),
    body: {
      content: {
        'application/json': {
          schema: z.object({
            url: z.string().max(2000),
            format: z.enum(['json', 'slack']).optional(),
            minSeverity: z.enum(['critical', 'major', 'minor']).optional(),
            enabled: z.boolean().optional(),
          }),
        },
      },
    },
  },
  responses: { 200: json('the webhook') },
})

const deleteWebhookRoute = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{webhookId}',
  summary: 'Deletes a webhook',
  request: { params: z.object({ webhookId }) },
  responses: { 204: { description: 'deleted' } },
})

async function noteOf(c: { req: { json(): Promise<unknown> } }): Promise<string | undefined> {
  const body = (await c.req.json().catch(() => ({}))) as { note?: unknown } | null
  if (typeof body?.note !== 'string') return undefined
  if (!isWellFormedText(body.note))
    throw new ValidationError('the request is not valid', [
      { path: 'note', message: LONE_SURROGATE_MESSAGE },
    ])
  return body.note
}

export function registerAlertRoutes(app: App, ctx: Context): void {
  app.on('GET', ['/v1/alerts', '/v1/alerts/:alertId'], requirePermission('alerts:read'))
  app.on(
    'POST',
    ['/v1/alerts/:alertId/acknowledge', '/v1/alerts/:alertId/resolve'],
    requirePermission('alerts:write'),
  )
  app.on(
    ['GET', 'PUT', 'DELETE'],
    ['/v1/webhooks', '/v1/webhooks/:webhookId'],
    requirePermission('monitors:write'),
  )

  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query')
    const states =
      query.state === 'all' ? undefined : (parseStates(query.state) ?? ['open', 'acknowledged'])
    const principal = c.get('principal')
    const [page, counts] = await Promise.all([
      findAlerts(ctx.database, {
        states,
        metric: query.metric,
        monitorId: query.monitor,
        from: query.from,
        to: query.to,
        limit: query.limit,
        cursor: query.cursor,
      }),
      countAlertsByState(ctx.database.db),
    ])
    return c.json(
      {
        alerts: page.alerts.filter((a) => isVisibleTo(principal, a.slice)),
        nextCursor: page.nextCursor,
        counts,
      },
      200,
    )
  })
  app.openapi(getRoute, async (c) => {
    const alert = await getAlert(ctx.database, c.req.valid('param').alertId)
    if (!isVisibleTo(c.get('principal'), alert.slice))
      throw new NotFoundError(`no alert ${alert.alertId}`)
    return c.json(alert as unknown as Record<string, unknown>, 200)
  })
  app.openapi(ackRoute, async (c) => {
    const { alertId: id } = c.req.valid('param')
    const alert = await acknowledgeAlert(
      ctx.database,
      id,
      c.get('principal').userId,
      ctx.clock.now(),
      await noteOf(c),
    )
    return c.json(alert as unknown as Record<string, unknown>, 200)
  })
  app.openapi(resolveRoute, async (c) => {
    const { alertId: id } = c.req.valid('param')
    const alert = await resolveAlert(
      ctx.database,
      id,
      c.get('principal').userId,
      ctx.clock.now(),
      await noteOf(c),
    )
    return c.json(alert as unknown as Record<string, unknown>, 200)
  })
  app.openapi(listWebhooksRoute, async (c) =>
    c.json({ webhooks: await findWebhooks(ctx.database) }, 200),
  )
  app.openapi(putWebhookRoute, async (c) => {
    const webhook = await setWebhook(
      ctx.database,
      { ...c.req.valid('json'), webhookId: c.req.valid('param').webhookId },
      c.get('principal').userId,
    )
    return c.json(webhook as unknown as Record<string, unknown>, 200)
  })
  app.openapi(deleteWebhookRoute, async (c) => {
    await removeWebhook(ctx.database, c.req.valid('param').webhookId, c.get('principal').userId)
    return c.body(null, 204)
  })
}
