/** Sampling plans: store a version (YAML or JSON), list, read, and size a sample. */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { NotFoundError } from '../../../domain/errors.js'
import { listSamplingPlans, findSamplingPlan } from '../../../engine/sampling/plans.js'
import { planSampleSize, savePlan } from '../../../engine/sampling/plans.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'
import { clipInput } from '../../../domain/quote-input.js'

const planJson = z
  .object({
    planId: z.string(),
    version: z.number(),
    name: z.string(),
    salt: z.string(),
    createdAt: z.string(),
    plan: z.any(),
  })
  .openapi('SamplingPlan')

type PlanLike = {
  planId: string
  version: number
  name: string
  salt: string
  createdAt: Date
  plan: unknown
}
const toJson = (p: PlanLike) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() })

const saveRoute = createRoute({
  method: 'post',
  path: '/v1/plans',
  summary:
    'Store a sampling plan; a changed document for an existing name becomes its next version',
  middleware: [requirePermission('plans:write')],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            yaml: z
              .string()
              .optional()
              .describe('the plan as YAML (see the README, QA sampling and the audit workflow)'),
            document: z
              .record(z.string(), z.unknown())
              .optional()
              .describe('the plan as a JSON object'),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'stored (or unchanged)',
      content: {
        'application/json': { schema: z.object({ created: z.boolean(), plan: planJson }) },
      },
    },
  },
})

const listRoute = createRoute({
  method: 'get',
  path: '/v1/plans',
  summary: 'The latest version of every sampling plan',
  middleware: [requirePermission('plans:read')],
  responses: {
    200: {
      description: 'plans',
      content: { 'application/json': { schema: z.object({ plans: z.array(planJson) }) } },
    },
  },
})

const getRoute = createRoute({
  method: 'get',
  path: '/v1/plans/{planId}',
  summary: 'A sampling plan (latest version, or ?version=)',
  middleware: [requirePermission('plans:read')],
  request: {
    params: z.object({ planId: z.string() }),
    query: z.object({ version: z.coerce.number().int().positive().optional() }),
  },
  responses: {
    200: { description: 'the plan', content: { 'application/json': { schema: planJson } } },
  },
})

const sizeRoute = createRoute({
  method: 'post',
  path: '/v1/plans/size',
  summary:
    'How many audits for a margin of error (normal approximation, finite population correction)',
  middleware: [requirePermission('plans:read')],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            margin: z.number().gt(0).lt(1),
            confidence: z.number().gt(0).lt(1).optional(),
            population: z.number().int().positive().optional(),
            p: z.number().gt(0).lt(1).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'the sample size',
      content: {
        'application/json': {
          schema: z.object({
            margin: z.number(),
            confidence: z.number().optional(),
            p: z.number().optional(),
            population: z.number().optional(),
            sampleSize: z.number(),
            achievedMargin: z.number(),
          }),
        },
      },
    },
  },
})

export function registerPlanRoutes(app: App, ctx: Context): void {
  app.openapi(sizeRoute, (c) => c.json(planSampleSize(c.req.valid('json')), 200))
  app.openapi(saveRoute, async (c) => {
    const body = c.req.valid('json')
    const { stored, created } = await savePlan(
      ctx.database,
      body.yaml !== undefined
        ? { yaml: body.yaml, source: 'yaml' }
        : { document: body.document ?? {}, source: 'document' },
      { actor: c.get('principal').userId },
    )
    return c.json({ created, plan: toJson(stored) }, 201)
  })
  app.openapi(listRoute, async (c) =>
    c.json({ plans: (await listSamplingPlans(ctx.database)).map(toJson) }, 200),
  )
  app.openapi(getRoute, async (c) => {
    const { planId } = c.req.valid('param')
    const plan = await findSamplingPlan(ctx.database, planId, c.req.valid('query').version)
    if (plan === undefined) throw new NotFoundError(`no sampling plan ${clipInput(planId)}`)
    return c.json(toJson(plan), 200)
  })
}
