/** Disputes: a moderator files one against an audit of their own decision; an arbitrator settles it. */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { disputeSchema, settlementSchema } from '../../../domain/audit/verdict.js'
import {
  fileDispute,
  getDisputeForArbitration,
  listDisputes,
  settleDispute,
} from '../../../engine/audits/disputes.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'

const disputeJson = z
  .object({
    disputeId: z.string(),
    auditId: z.string(),
    decisionId: z.string(),
    moderatorId: z.string(),
    reason: z.string(),
    filedAt: z.string(),
    state: z.enum(['open', 'upheld', 'overturned']),
    arbitratorId: z.string().nullable(),
    arbitrationAuditId: z.string().nullable(),
    settlementComment: z.string().nullable(),
    settledAt: z.string().nullable(),
  })
  .openapi('Dispute')

const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
})

const fileRoute = createRoute({
  method: 'post',
  path: '/v1/disputes',
  summary: 'Dispute the first QA audit of one of your decisions, within the dispute window',
  middleware: [requirePermission('disputes:file')],
  request: { body: { required: true, content: { 'application/json': { schema: disputeSchema } } } },
  responses: { 201: json('the dispute', disputeJson) },
})

const listRoute = createRoute({
  method: 'get',
  path: '/v1/disputes',
  summary: 'Disputes to settle (state=open, the default), settled or all',
  middleware: [requirePermission('disputes:settle')],
  request: { query: z.object({ state: z.enum(['open', 'settled', 'all']).optional() }) },
  responses: { 200: json('disputes', z.object({ disputes: z.array(disputeJson) })) },
})

const getRoute = createRoute({
  method: 'get',
  path: '/v1/disputes/{disputeId}',
  summary: 'A dispute with the disputed audit and the original decision',
  middleware: [requirePermission('disputes:settle')],
  request: { params: z.object({ disputeId: z.string() }) },
  responses: { 200: json('the dispute', z.any()) },
})

const settleRoute = createRoute({
  method: 'post',
  path: '/v1/disputes/{disputeId}/settlement',
  summary: 'Uphold or overturn (with the correct policy and action); never by the original auditor',
  middleware: [requirePermission('disputes:settle')],
  request: {
    params: z.object({ disputeId: z.string() }),
    body: { required: true, content: { 'application/json': { schema: settlementSchema } } },
  },
  responses: {
    201: json(
      'the settled dispute and the final outcome',
      disputeJson.extend({ outcome: z.string() }),
    ),
  },
})

export function registerDisputeRoutes(app: App, ctx: Context): void {
  app.openapi(fileRoute, async (c) =>
    c.json(
      await fileDispute(ctx.database, c.get('principal'), c.req.valid('json'), ctx.clock.now()),
      201,
    ),
  )
  app.openapi(listRoute, async (c) =>
    c.json(
      {
        disputes: await listDisputes(
          ctx.database,
          c.req.valid('query').state ?? 'open',
          c.get('principal'),
        ),
      },
      200,
    ),
  )
  app.openapi(getRoute, async (c) =>
    c.json(
      await getDisputeForArbitration(
        ctx.database,
        c.req.valid('param').disputeId,
        c.get('principal'),
      ),
      200,
    ),
  )
  app.openapi(settleRoute, async (c) =>
    c.json(
      await settleDispute(
        ctx.database,
        c.get('principal'),
        c.req.valid('param').disputeId,
        c.req.valid('json'),
        ctx.clock.now(),
      ),
      201,
    ),
  )
}
