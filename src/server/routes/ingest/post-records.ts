/**
 * POST /v1/decisions, /v1/audits, /v1/ratings: a JSON array of records or NDJSON (one record a
 * line). Answers 200 with what happened to every row, even when some were rejected; 400 only
 * when the body is not an array or NDJSON at all. `POST /v1/decisions?sampleWith=PLAN` (repeatable)
 * samples the new decisions with stored plans as they are stored; an unknown plan answers 400
 * before anything is ingested.
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from '../../../context.js'
import type { Permission } from '../../../domain/access.js'
import { ValidationError } from '../../../domain/errors.js'
import type { RecordKind } from '../../../domain/records.js'
import { ingestRecords, parseJsonLine, type IncomingRow } from '../../../engine/ingest/index.js'
import { compileIngestPlans } from '../../../engine/sampling/compile-ingest-plans.js'
import type { App } from '../../app.js'
import { requirePermission } from '../../auth.js'
import { quoteInput } from '../../../domain/quote-input.js'

const SOURCE = 'request'

export const ingestResponseSchema = z
  .object({
    received: z.number().int(),
    inserted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    sampling: z
      .object({
        samples: z.number().int().openapi({ description: 'new samples written' }),
        tasksCreated: z.number().int().openapi({ description: 'audit tasks created for them' }),
      })
      .optional()
      .openapi({ description: 'present when the request named sampling plans (sampleWith)' }),
    rejects: z.array(
      z.object({
        line: z.number().int().openapi({ description: 'NDJSON line, or array index + 1' }),
        issues: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  })
  .openapi('IngestResult')

export type IngestResponse = z.infer<typeof ingestResponseSchema>

const PERMISSION: Record<RecordKind, Permission> = {
  decisions: 'decisions:ingest',
  audits: 'audits:ingest',
  ratings: 'ratings:ingest',
}

/** Turns a request body into rows; throws ValidationError when it is neither a JSON array nor NDJSON. */
export function rowsFromBody(text: string, contentType: string): IncomingRow[] {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  if (
    type === 'application/x-ndjson' ||
    type === 'application/ndjson' ||
    type === 'application/jsonl'
  ) {
    const rows: IncomingRow[] = []
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).replace(/\r$/, '')
      if (line.trim() === '') continue
      rows.push({ source: SOURCE, line: i + 1, raw: parseJsonLine(line) })
    }
    return rows
  }
  if (type !== 'application/json' && type !== '') {
    throw new ValidationError(
      `content-type must be application/json (an array of records) or application/x-ndjson (got ${quoteInput(type)})`,
    )
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw new ValidationError(`malformed JSON body: ${(error as Error).message}`)
  }
  if (!Array.isArray(body)) {
    throw new ValidationError(
      'the body must be a JSON array of records (or NDJSON with content-type application/x-ndjson)',
    )
  }
  return body.map((raw, index) => ({ source: SOURCE, line: index + 1, raw }))
}

const sampleWithQuery = z.object({
  sampleWith: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({
      description:
        'decisions only: a stored sampling plan id; the new decisions are sampled with it (streaming rule) in the same transaction. Repeatable.',
    }),
})

function routeFor(kind: RecordKind) {
  return createRoute({
    method: 'post',
    path: `/v1/${kind}`,
    summary: `Ingest ${kind} (JSON array or NDJSON); idempotent, rejected rows are reported, not fatal`,
    middleware: [requirePermission(PERMISSION[kind])] as const,
    request: {
      ...(kind === 'decisions' ? { query: sampleWithQuery } : {}),
      body: {
        required: true,
        content: {
          'application/x-ndjson': {
            schema: z.string().openapi({ description: 'one JSON record per line' }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'what happened to each row',
        content: { 'application/json': { schema: ingestResponseSchema } },
      },
      400: { description: 'the body is not a JSON array or NDJSON, or a sampling plan is unknown' },
    },
  })
}

export function registerPostRecords(app: App, ctx: Context, kind: RecordKind): void {
  app.openapi(routeFor(kind), async (c) => {
    const sampleWith = c.req.queries('sampleWith') ?? []
    if (sampleWith.length > 0 && kind !== 'decisions')
      throw new ValidationError('invalid query', [
        { path: 'sampleWith', message: `only decisions are sampled (got ${kind})` },
      ])
    const rows = rowsFromBody(await c.req.text(), c.req.header('content-type') ?? '')
    const sampling = await compileIngestPlans(ctx.database, sampleWith)
    const summary = await ingestRecords(ctx.database, kind, rows, {
      batchSize: ctx.config.batchSize,
      sampling,
    })
    const body: IngestResponse = {
      received: summary.received,
      inserted: summary.inserted,
      duplicates: summary.duplicates,
      rejected: summary.rejected,
      ...(summary.sampling === undefined ? {} : { sampling: summary.sampling }),
      rejects: summary.rejects.map((r) => ({ line: r.line, issues: r.issues })),
    }
    return c.json(body, 200)
  })
}
