import type { Command } from 'commander'
import { serve } from '@hono/node-server'
import { createContext, type Context } from '../../context.js'
import { initStore } from '../../engine/setup/init-store.js'
import { startMonitorSchedule } from '../../engine/monitoring/schedule.js'
import { createApp } from '../../server/app.js'
import { addStoreOptions, configFrom, type StoreFlags } from '../shared.js'

interface ServeFlags extends StoreFlags {
  port?: string
  host?: string
  monitorInterval?: string
}

/** Serves the API (and, later, the web app) until SIGINT/SIGTERM, then closes cleanly. */
export async function serveUntilStopped(ctx: Context, host: string, port: number): Promise<void> {
  const app = createApp(ctx)
  await new Promise<void>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      console.log(
        `Assay is serving ${ctx.database.location} at http://${host}:${info.port}/ (web app at /, API under /v1, Ctrl-C to stop)`,
      )
    })
    server.on('error', reject)
    const stop = () => {
      server.close(() => resolve())
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
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
