/**
 * The server of load.bench.ts, run as its own process: what `assay serve` runs (the context from
 * the environment, `initStore`, `createApp`, @hono/node-server, no scheduled monitors), except
 * that the response cache can be varied from the environment to compare designs:
 *   BENCH_LOAD_CACHE=off                   no response cache (the server before it)
 *   BENCH_LOAD_PRINCIPAL_TTL_MS=<ms>       remember authentications that long (default 0: off,
 *                                          as in `assay serve`)
 * Prints `listening http://host:port` once it listens; SIGUSR2 restarts its event-loop delay
 * histogram; on SIGTERM it prints the histogram, waits for background refreshes and stops.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { serve } from '@hono/node-server'
import { parseConfig, readEnv } from '../src/config.js'
import { createContext } from '../src/context.js'
import { initStore } from '../src/engine/setup/init-store.js'
import { createApp } from '../src/server/app.js'
import { ResponseCache } from '../src/server/response-cache.js'

const ctx = await createContext(parseConfig(readEnv()))
await initStore(ctx.database)
const responseCache =
  process.env.BENCH_LOAD_CACHE === 'off'
    ? null
    : new ResponseCache(
        process.env.BENCH_LOAD_PRINCIPAL_TTL_MS === undefined
          ? {}
          : { principalTtlMs: Number(process.env.BENCH_LOAD_PRINCIPAL_TTL_MS) },
      )
const app = createApp(ctx, { responseCache })
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  console.log(`listening http://127.0.0.1:${info.port}`)
})
// How long requests waited for the event loop (a refresh's synchronous work shows here).
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()
process.on('SIGUSR2', () => loopDelay.reset())
process.once('SIGTERM', () => {
  loopDelay.disable()
  const ms = (ns: number) => (ns / 1e6).toFixed(0)
  console.log(
    `event-loop delay p50 ${ms(loopDelay.percentile(50))} / p99 ${ms(loopDelay.percentile(99))} / max ${ms(loopDelay.max)} ms`,
  )
  server.close(() => {
    // A background refresh may still be computing: let it finish before the pool closes.
    void (responseCache?.settled() ?? Promise.resolve()).then(() => ctx.destroy())
  })
})
