import type { Command } from 'commander'
import { serve } from '@hono/node-server'
import { createContext, type Context } from '../../context.js'
import { initStore } from '../../engine/setup/init-store.js'
import { startMonitorSchedule } from '../../engine/monitoring/schedule.js'
import { createApp } from '../../server/app.js'
import { ResponseCache } from '../../server/response-cache.js'
import { addStoreOptions, configFrom, type StoreFlags } from '../shared.js'

interface ServeFlags extends StoreFlags {
  port?: string
  host?: string
  monitorInterval?: string
}

export interface ServeOptions {
  /** Stops the server when aborted; SIGINT and SIGTERM always do. */
  signal?: AbortSignal
  /** The response cache the app uses (createApp's default: a new one; null: none). */
  responseCache?: ResponseCache | null
  /** Called once listening, with the port (useful with port 0). */
  onListening?: (port: number) => void
}

/**
 * Serves the API and the web app until SIGINT/SIGTERM (or `options.signal`), then stops cleanly:
 * the server stops accepting connections, requests still being handled finish (even those whose
 * client has gone), and the response cache's background work — refreshes of stale entries, a read
 * of the data version — settles. Only then does it resolve, so the caller may close the database
 * (before, a refresh still running met a closed pool: "Cannot use a pool after calling end").
 */
export async function serveUntilStopped(
  ctx: Context,
  host: string,
  port: number,
  options: ServeOptions = {},
): Promise<void> {
  const cache = options.responseCache === undefined ? new ResponseCache() : options.responseCache
  const app = createApp(ctx, { responseCache: cache })
  const handling = new Set<Promise<unknown>>()
  const fetch = (request: Request) => {
    const answer = Promise.resolve(app.fetch(request))
    handling.add(answer)
    const done = () => handling.delete(answer)
    answer.then(done, done)
    return answer
  }
  await new Promise<void>((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, (info) => {
      console.log(
        `Assay is serving ${ctx.database.location} at http://${host}:${info.port}/ (web app at /, API under /v1, Ctrl-C to stop)`,
      )
      options.onListening?.(info.port)
    })
    server.on('error', reject)
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      options.signal?.removeEventListener('abort', stop)
      server.close(() => resolve())
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    if (options.signal?.aborted === true) stop()
    else options.signal?.addEventListener('abort', stop, { once: true })
  })
  while (handling.size > 0) await Promise.allSettled([...handling])
  await cache?.settled()
}

export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer from 0 to 65535 (got ${value})`)
  return port
}

export function registerServe(program: Command): void {
  addStoreOptions(
    program
      .command('serve')
      .description('serve the HTTP API over the store')
      .option('--port <port>', 'port to listen on (default 8080, or ASSAY_PORT)')
      .option('--host <host>', 'interface to listen on (default 127.0.0.1, or ASSAY_HOST)')
      .option(
        '--monitor-interval <minutes>',
        'run the monitors every N minutes while serving (default 15; 0: off)',
        '15',
      ),
  ).action(async (flags: ServeFlags) => {
    const config = configFrom(flags, { port: parsePort(flags.port) })
    const minutes = Number(flags.monitorInterval ?? '15')
    if (!(Number.isFinite(minutes) && minutes >= 0))
      throw new Error(
        `--monitor-interval must be a number of minutes ≥ 0 (got ${flags.monitorInterval})`,
      )
    const ctx = await createContext(config)
    let schedule: ReturnType<typeof startMonitorSchedule> | undefined
    try {
      await initStore(ctx.database)
      if (minutes > 0) schedule = startMonitorSchedule(ctx, { intervalMs: minutes * 60_000 })
      await serveUntilStopped(ctx, flags.host ?? config.host, config.port)
    } finally {
      await schedule?.stop()
      await ctx.destroy()
    }
  })
}
