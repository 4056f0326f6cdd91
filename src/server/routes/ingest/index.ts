/** Ingest routes: POST /v1/decisions, /v1/audits, /v1/ratings. */
import type { Context } from '../../../context.js'
import type { App } from '../../app.js'
import { registerPostRecords } from './post-records.js'

export function registerIngestRoutes(app: App, ctx: Context): void {
  registerPostRecords(app, ctx, 'decisions')
  registerPostRecords(app, ctx, 'audits')
  registerPostRecords(app, ctx, 'ratings')
}
