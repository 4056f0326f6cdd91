/**
 * The HTTP API: an app factory over the context. One `onError` turns AppErrors into
 * `{ error: { code, message, details? } }` with the mapped status; anything else is logged with
 * its stack and answered with a generic 500 (no stack trace, no SQL ever reaches a client).
 */
import { isUtf8 } from 'node:buffer'
import { randomUUID } from 'node:crypto'
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { Context } from '../context.js'
import { AppError, ValidationError, type FieldIssue } from '../domain/errors.js'
import { clipInput, quoteInput } from '../domain/quote-input.js'
import { findLoneSurrogates } from '../domain/unicode-text.js'
import { issuesFromZod } from '../domain/zod-issues.js'
import {
  authenticate,
  DEFAULT_SECURITY_OPTIONS,
  ingestKey,
  type AuthVariables,
  type SecurityOptions,
} from './auth.js'
import { accessChanges } from '../engine/access/access-changes.js'
import { createTokenUseRecorder } from '../engine/access/tokens.js'
import { readDataVersion } from '../engine/status/read-data-version.js'
import { translateDatabaseError } from '../store/translate-error.js'
import { errorBody, STATUS_BY_CODE, type ErrorBody } from './errors.js'
import { ResponseCache } from './response-cache.js'
import { serveWebApp } from './static.js'
import { rateLimit, TokenBucketLimiter } from './rate-limit.js'
import { registerIngestRoutes } from './routes/ingest/index.js'
import { registerMonitoringRoutes } from './routes/monitors/index.js'
import { registerQualityRoutes } from './routes/reports/index.js'
import { registerSessionRoutes } from './routes/session/index.js'
import { registerSystemRoutes } from './routes/system/index.js'
import { registerTokenRoutes } from './routes/tokens/index.js'
import { registerUserRoutes } from './routes/users/index.js'
import { registerWorkflowRoutes } from './routes/tasks/workflow-routes.js'

export interface AppEnv {
  Variables: { requestId: string } & AuthVariables
}

export type App = OpenAPIHono<AppEnv>

/** Request bodies above this size are refused with 413 (ingest batches are split by clients). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Request ids a caller may choose: short, and nothing that needs escaping. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Retry-After of a 503 `unavailable`: a PostgreSQL restart takes about a second. */
export const RETRY_AFTER_SECONDS = 1

export interface AppOptions {
  /** Session lifetime and rate limits; defaults in DEFAULT_SECURITY_OPTIONS. */
  security?: Partial<SecurityOptions>
  /** The dashboard's GET cache (src/server/response-cache.ts); default a new one, null: none. */
  responseCache?: ResponseCache | null
}

export function createApp(ctx: Context, options: AppOptions = {}): App {
  const security: SecurityOptions = { ...DEFAULT_SECURITY_OPTIONS, ...options.security }
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      // Every validated input (body, query, path) is also checked for unpaired surrogates, which
      // would reach the store as U+FFFD: as parsed, or as sent when the schema refused it
      // (@hono/zod-validator passes the input as `data` then, though the hook's type omits it).
      const surrogates = findLoneSurrogates((result as { data?: unknown }).data)
      if (result.success && surrogates.length === 0) return undefined
      const issues: FieldIssue[] = result.success ? [] : issuesFromZod(result.error)
      for (const issue of surrogates)
        if (!issues.some((i) => i.path === issue.path)) issues.push(issue)
      return c.json(errorBody('validation_failed', 'the request is not valid', issues), 400)
    },
  })

  app.use('*', async (c, next) => {
    // A caller's id is kept when it is a plausible id (it is echoed in headers and error messages).
    const incoming = c.req.header('x-request-id')
    c.set(
      'requestId',
      incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID(),
    )
    await next()
    // Set on the response as it is: c.header() after the handler makes Hono rebuild the response
    // around its body (≈ 15 % of a cached answer's CPU).
    try {
      c.res.headers.set('x-request-id', c.get('requestId'))
    } catch {
      c.header('x-request-id', c.get('requestId'))
    }
  })
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json<ErrorBody>(
          {
            error: {
              code: 'payload_too_large',
              message: `request body is larger than ${MAX_BODY_BYTES} bytes; split it`,
            },
          },
          413,
        ),
    }),
  )

  const cache = options.responseCache === undefined ? new ResponseCache() : options.responseCache
  app.use('/v1/*', authenticate(ctx, cache?.principals, createTokenUseRecorder(ctx.database)))
  if (security.ingestRateLimit !== null) {
    const ingestLimiter = new TokenBucketLimiter(security.ingestRateLimit, () =>
      ctx.clock.now().getTime(),
    )
    app.use('/v1/*', rateLimit(ingestLimiter, ingestKey, 'ingest requests for this API token'))
  }
  // A body that is not UTF-8 (a surrogate encoded on its own, stray bytes) would be decoded with
  // U+FFFD in place of the bad bytes and stored altered: refused whole instead. isUtf8 is SIMD
  // fast, and Hono's json()/text() read the body cached here.
  app.use('/v1/*', async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || c.req.raw.body === null) return next()
    if (!isUtf8(await c.req.arrayBuffer()))
      throw new ValidationError(
        'the request body is not valid UTF-8 (an unpaired surrogate or stray bytes): send UTF-8 text',
      )
    return next()
  })
  if (cache !== null) {
    const dependencies = {
      readDataVersion: () => readDataVersion(ctx.database),
      accessVersion: () => accessChanges(ctx.database),
      fetch: app.fetch,
    }
    app.use('/v1/*', cache.middleware(dependencies))
  }

  app.onError((error, c) => {
    if (error instanceof AppError) {
      const body = errorBody(error.code, error.message, error.details)
      // A dependency is briefly down (the database restarting): tell clients when to try again.
      if (error.code === 'unavailable') c.header('Retry-After', String(RETRY_AFTER_SECONDS))
      return c.json(body, STATUS_BY_CODE[error.code])
    }
    // zod-openapi's media-type gate for a required body answers 415; Hono's validators answer 400
    // (`Malformed JSON in request body`): both are the client's input, never a 500.
    if (error instanceof HTTPException && error.status === 415) {
      return c.json<ErrorBody>(
        {
          error: {
            code: 'validation_failed',
            message: `unsupported content type ${quoteInput(c.req.header('content-type') ?? '')}: send application/json`,
          },
        },
        400,
      )
    }
    if (error instanceof HTTPException && error.status === 400) {
      return c.json<ErrorBody>(
        { error: { code: 'validation_failed', message: `malformed body: ${error.message}` } },
        400,
      )
    }
    if (error instanceof SyntaxError) {
      return c.json<ErrorBody>(
        { error: { code: 'validation_failed', message: `malformed JSON body: ${error.message}` } },
        400,
      )
    }
    // A store query the database refused for the request's values (NUL in text, a number out of
    // range, a duplicate key): Kysely's errors reach here untranslated.
    const translated = translateDatabaseError(error)
    if (translated instanceof AppError && translated.code !== 'internal') {
      ctx.logger.warn({ err: error, requestId: c.get('requestId') }, translated.message)
      if (translated.code === 'unavailable') c.header('Retry-After', String(RETRY_AFTER_SECONDS))
      const body: ErrorBody = { error: { code: translated.code, message: translated.message } }
      return c.json(body, STATUS_BY_CODE[translated.code])
    }
    ctx.logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error')
    return c.json<ErrorBody>(
      { error: { code: 'internal', message: `internal error (request id ${c.get('requestId')})` } },
      500,
    )
  })
  app.notFound((c) =>
    c.json<ErrorBody>(
      {
        error: {
          code: 'not_found',
          message: `no route for ${clipInput(c.req.method)} ${clipInput(c.req.path)}`,
        },
      },
      404,
    ),
  )

  registerSystemRoutes(app, ctx)
  registerSessionRoutes(app, ctx, security)
  registerTokenRoutes(app, ctx)
  registerUserRoutes(app, ctx)
  registerIngestRoutes(app, ctx)
  registerWorkflowRoutes(app, ctx)
  registerQualityRoutes(app, ctx)
  registerMonitoringRoutes(app, ctx)

  app.doc('/v1/openapi.json', { openapi: '3.0.0', info: { title: 'Assay API', version: '0.1.0' } })
  // The web app, after every /v1 route: it never answers /v1 paths (src/server/static.ts).
  app.use('*', serveWebApp())
  return app
}
