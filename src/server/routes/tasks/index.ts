/**
 * Audit tasks. An auditor leases the next task and sees it blind (no policy, action, actor, site
 * or score of the original decision); submitting the verdict reveals the original with the
 * derived outcome. Quality leads assign open tasks and set auditor profiles.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import { verdictSchema } from '../../../domain/audit/verdict.js'
import { assignOpenTasks, setAuditorProfile } from '../../../engine/audits/assign-tasks.js'
import { secondQaAgreement } from '../../../engine/audits/feedback.js'
import { auditRubric } from '../../../engine/audits/rubric.js'
import {
  getTaskView,
  leaseNextTask,
  listMyTasks,
  submitVerdict,
} from '../../../engine/audits/work-tasks.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'

const blindItemSchema = z
  .object({
    contentId: z.string(),
    contentType: z.string().nullable(),
    language: z.string().nullable(),
    region: z.string(),
    queue: z.string(),
    decidedAt: z.string(),
    attributes: z
      .record(z.string(), z.string())
      .describe('only attributes that cannot reveal the decision'),
  })
  .openapi('BlindItem')

const blindTaskSchema = z
  .object({
    taskId: z.string(),
    kind: z.enum(['qa', 'second_qa']),
    status: z.enum(['assigned', 'leased']),
    leaseExpiresAt: z.string().nullable(),
    item: blindItemSchema,
  })
  .openapi('BlindTask')

const revealedTaskSchema = z
  .object({
    taskId: z.string(),
    kind: z.enum(['qa', 'second_qa']),
    status: z.literal('completed'),
    item: blindItemSchema,
    verdict: z.object({
      auditId: z.string(),
      policy: z.string(),
      action: z.string(),
      severity: z.string().nullable(),
      rootCause: z.string().nullable(),
      comment: z.string().nullable(),
      auditedAt: z.string(),
    }),
    original: z.object({
      decisionId: z.string(),
      actorType: z.string(),
      actorId: z.string(),
      site: z.string().nullable(),
      policy: z.string(),
      action: z.string(),
      score: z.number().nullable(),
    }),
    outcome: z.enum([
      'correct',
      'false_positive',
      'false_negative',
      'wrong_policy',
      'wrong_action',
    ]),
    matchRule: z.enum(['both', 'policy', 'action']),
  })
  .openapi('RevealedTask')

const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
})
const taskParam = z.object({ taskId: z.string().min(1) })

const nextRoute = createRoute({
  method: 'post',
  path: '/v1/tasks/next',
  summary: 'Lease the next task (or get the one you hold), blind',
  middleware: [requirePermission('tasks:work')],
  responses: {
    200: json(
      'the leased task, or null when the queue has nothing for you',
      z.object({ task: blindTaskSchema.nullable() }),
    ),
  },
})

const mineRoute = createRoute({
  method: 'get',
  path: '/v1/tasks',
  summary: 'Your tasks: blind until you submit, revealed after',
  middleware: [requirePermission('tasks:work')],
  responses: {
    200: json(
      'tasks',
      z.object({ tasks: z.array(z.union([blindTaskSchema, revealedTaskSchema])) }),
    ),
  },
})

const rubricRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/rubric',
  summary: 'The verdict rubric from the taxonomy (the same for every task)',
  middleware: [requirePermission('tasks:work')],
  responses: { 200: json('rubric', z.any().openapi('Rubric')) },
})

const agreementRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/agreement',
  summary: 'Agreement between first and second QA audits (same policy and action)',
  middleware: [requirePermission('metrics:read')],
  responses: {
    200: json(
      'agreement',
      z.object({ pairs: z.number(), agreements: z.number(), rate: z.number().nullable() }),
    ),
  },
})

const assignRoute = createRoute({
  method: 'post',
  path: '/v1/tasks/assign',
  summary: 'Assign every open unassigned task to an eligible auditor, balanced by load',
  middleware: [requirePermission('tasks:assign')],
  responses: { 200: json('how many were assigned', z.object({ assigned: z.number() })) },
})

const profileRoute = createRoute({
  method: 'put',
  path: '/v1/tasks/auditors/{userId}',
  summary: "Set an auditor's languages and site (assignment matches on them)",
  middleware: [requirePermission('tasks:assign')],
  request: {
    params: z.object({ userId: z.string().min(1) }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            languages: z.array(z.string()).nullable().optional(),
            site: z.string().nullable().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: json(
      'the profile',
      z.object({
        userId: z.string(),
        languages: z.array(z.string()).nullable(),
        site: z.string().nullable(),
      }),
    ),
  },
})

const getRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/{taskId}',
  summary: 'One of your tasks: blind until you submit, revealed after',
  middleware: [requirePermission('tasks:work')],
  request: { params: taskParam },
  responses: { 200: json('the task', z.union([blindTaskSchema, revealedTaskSchema])) },
})

const verdictRoute = createRoute({
  method: 'post',
  path: '/v1/tasks/{taskId}/verdict',
  summary: 'Submit your verdict; the answer reveals the original decision and the derived outcome',
  middleware: [requirePermission('tasks:work')],
  request: {
    params: taskParam,
    body: { required: true, content: { 'application/json': { schema: verdictSchema } } },
  },
  responses: {
    201: json('the verdict, the original decision and the outcome', revealedTaskSchema),
  },
})

export function registerTaskRoutes(app: App, ctx: Context): void {
  app.openapi(nextRoute, async (c) =>
    c.json(
      { task: (await leaseNextTask(ctx.database, c.get('principal'), ctx.clock.now())) ?? null },
      200,
    ),
  )
  app.openapi(mineRoute, async (c) =>
    c.json({ tasks: await listMyTasks(ctx.database, c.get('principal'), ctx.clock.now()) }, 200),
  )
  app.openapi(rubricRoute, async (c) => c.json(await auditRubric(ctx.database), 200))
  app.openapi(agreementRoute, async (c) =>
    c.json(await secondQaAgreement(ctx.database, c.get('principal')), 200),
  )
  app.openapi(assignRoute, async (c) =>
    c.json({ assigned: await assignOpenTasks(ctx.database, { now: ctx.clock.now() }) }, 200),
  )
  app.openapi(profileRoute, async (c) => {
    const body = c.req.valid('json')
    return c.json(
      await setAuditorProfile(
        ctx.database,
        { userId: c.req.valid('param').userId, ...body },
        ctx.clock.now(),
        c.get('principal').userId,
      ),
      200,
    )
  })
  app.openapi(getRoute, async (c) =>
    c.json(
      await getTaskView(
        ctx.database,
        c.get('principal'),
        c.req.valid('param').taskId,
        ctx.clock.now(),
      ),
      200,
    ),
  )
  app.openapi(verdictRoute, async (c) => {
    const revealed = await submitVerdict(
      ctx.database,
      c.get('principal'),
      c.req.valid('param').taskId,
      c.req.valid('json'),
      ctx.clock.now(),
    )
    return c.json(revealed, 201)
  })
}
