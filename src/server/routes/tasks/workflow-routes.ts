/** Registers every route of the QA workflow: plans, samples, tasks, disputes, feedback. */
import type { Context } from '../../../context.js'
import type { App } from '../../app.js'
import { registerDisputeRoutes } from '../disputes/index.js'
import { registerFeedbackRoutes } from '../feedback/index.js'
import { registerPlanRoutes } from '../plans/index.js'
import { registerSampleRoutes } from '../samples/index.js'
import { registerTaskRoutes } from './index.js'

export function registerWorkflowRoutes(app: App, ctx: Context): void {
  registerPlanRoutes(app, ctx)
  registerSampleRoutes(app, ctx)
  registerTaskRoutes(app, ctx)
  registerDisputeRoutes(app, ctx)
  registerFeedbackRoutes(app, ctx)
}
