/**
 * Monitors: GET /v1/monitors, PUT|DELETE /v1/monitors/{monitorId}, POST /v1/monitors/run; and the
 * registration of every monitoring route (alerts, webhooks, corrective actions).
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { deliverDueAlerts } from '../../../engine/alerts/deliver-alerts.js'
import { measureOpenActions } from '../../../engine/actions/corrective-actions.js'
import { deleteMonitor, listMonitors, setMonitor } from '../../../engine/monitoring/monitors.js'
import { defaultAsOf, runMonitors } from '../../../engine/monitoring/run-monitors.js'
import { findLastMonitorRun } from '../../../store/monitor-store.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'
import { registerActionRoutes } from '../actions/index.js'
import { registerAlertRoutes } from '../alerts/index.js'
import { issuesFromZod } from '../../../domain/zod-issues.js'

const json = (description: string, schema: z.ZodType = z.record(z.string(), z.unknown())) => ({
  description,
  content: { 'application/json': { schema } },
})

const monitorId = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/)

const listRoute = createRoute({
  method: 'get',
  path: '/v1/monitors',
  summary: 'The active monitors (the defaults and stored ones) and the last run',
  responses: { 200: json('monitors') },
})

const putRoute = createRoute({
  method: 'put',
  path: '/v1/monitors/{monitorId}',
  summary:
    'Creates or replaces a monitor (a default is overridden; enabled: false switches it off)',
  request: {
    params: z.object({ monitorId }),
    body: { content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
  },
  responses: { 200: json('the stored monitor') },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/monitors/{monitorId}',
  summary: 'Deletes a custom monitor, or restores an overridden default',
  request: { params: z.object({ monitorId }) },
  responses: { 204: { description: 'deleted' } },
})

const runRoute = createRoute({
  method: 'post',
  path: '/v1/monitors/run',
  summary: 'Runs the monitors as of a date (idempotent), then delivers due alerts',
  request: {
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.object({
            asOf: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/)
              .optional()
              .openapi({ description: 'default: today (UTC)' }),
            from: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/)
              .optional()
              .openapi({ description: 'backfill: judge as of every day from here' }),
            monitors: z.array(monitorId).max(200).optional(),
            falseAlarmRate: z.number().gt(0).lt(1).optional(),
          }),
        },
      },
    },
  },
  responses: { 200: json('the run summary') },
})

export function registerMonitoringRoutes(app: App, ctx: Context): void {
  app.on('GET', ['/v1/monitors'], requirePermission('alerts:read'))
  app.on(['PUT', 'DELETE'], ['/v1/monitors/:monitorId'], requirePermission('monitors:write'))
  app.on('POST', ['/v1/monitors/run'], requirePermission('monitors:write'))
  app.openapi(runRoute, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>
    const parsed = runRoute.request.body.content['application/json'].schema.safeParse(body ?? {})
    if (!parsed.success) {
      return c.json(
        {
          error: {
            code: 'validation_failed',
            message: 'the request is not valid',
            details: issuesFromZod(parsed.error),
          },
        },
        400,
      ) as never
    }
    const now = ctx.clock.now()
    const asOf = parsed.data.asOf ?? defaultAsOf(now)
    const summary = await runMonitors(ctx.database, {
      asOf,
      from: parsed.data.from,
      monitorIds: parsed.data.monitors,
      falseAlarmRate: parsed.data.falseAlarmRate,
      now,
      actor: c.get('principal').userId,
    })
    const actionsMeasured = await measureOpenActions(ctx.database, {
      asOf,
      now,
      actor: c.get('principal').userId,
    })
    // Best effort: a failing receiver is logged in the delivery log and retried later.
    const delivery = await deliverDueAlerts(ctx.database, { now: () => ctx.clock.now() }).catch(
      () => null,
    )
    return c.json({ ...summary, actionsMeasured, delivery }, 200)
  })
  app.openapi(listRoute, async (c) => {
    const [entries, lastRun] = await Promise.all([
      listMonitors(ctx.database),
      findLastMonitorRun(ctx.database.db),
    ])
    return c.json(
      {
        monitors: entries.map((e) => ({ ...e.monitor, source: e.source })),
        lastRun: lastRun ?? null,
      },
      200,
    )
  })
  app.openapi(putRoute, async (c) => {
    const { monitorId: id } = c.req.valid('param')
    const body = c.req.valid('json')
    const entry = await setMonitor(
      ctx.database,
      { ...body, id },
      c.get('principal').userId,
      ctx.clock.now(),
    )
    return c.json({ ...entry.monitor, source: entry.source }, 200)
  })
  app.openapi(deleteRoute, async (c) => {
    await deleteMonitor(ctx.database, c.req.valid('param').monitorId, c.get('principal').userId)
    return c.body(null, 204)
  })
  registerAlertRoutes(app, ctx)
  registerActionRoutes(app, ctx)
}
