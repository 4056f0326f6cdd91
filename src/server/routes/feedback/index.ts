/** Feedback: a moderator's own audited decisions, verdicts, comments and dispute states — nobody else's. */
import { createRoute, z } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { Context } from '../../../context.js'
import { hasPermission } from '../../../domain/access.js'
import { AppError } from '../../../domain/errors.js'
import { readFeedback } from '../../../engine/audits/feedback.js'
import type { App } from '../../app.js'
import type { AuthVariables } from '../../auth.js'

/** feedback:read-own, or feedback:read-all for a quality lead reading someone's feedback. */
const requireFeedback: MiddlewareHandler<{ Variables: AuthVariables }> = async (c, next) => {
  const principal = c.get('principal')
  if (
    !hasPermission(principal, 'feedback:read-own') &&
    !hasPermission(principal, 'feedback:read-all')
  ) {
    throw new AppError(
      'forbidden',
      'this needs the feedback:read-own or feedback:read-all permission',
    )
  }
  return next()
}

const feedbackRoute = createRoute({
  method: 'get',
  path: '/v1/feedback',
  summary:
    'Your audited decisions with final verdicts, comments and dispute states (moderatorId= needs feedback:read-all)',
  middleware: [requireFeedback],
  request: { query: z.object({ moderatorId: z.string().optional() }) },
  responses: {
    200: {
      description: 'feedback',
      content: {
        'application/json': {
          schema: z.object({ moderatorId: z.string(), items: z.array(z.any()) }),
        },
      },
    },
  },
})

export function registerFeedbackRoutes(app: App, ctx: Context): void {
  app.openapi(feedbackRoute, async (c) =>
    c.json(
      await readFeedback(ctx.database, c.get('principal'), c.req.valid('query').moderatorId),
      200,
    ),
  )
}
