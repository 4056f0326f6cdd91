/**
 * `assay serve` stops cleanly: `serveUntilStopped` resolves only once the response cache's
 * background refreshes are done, so closing the database afterwards never meets a query still
 * running ("Cannot use a pool after calling end"). On PostgreSQL only: the test holds a refresh
 * back with a table lock from a second connection, which the single-connection PGlite cannot take.
 */
import pg from 'pg'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createContext, type Context } from '../../src/context.js'
import { serveUntilStopped } from '../../src/cli/commands/serve.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { ResponseCache } from '../../src/server/response-cache.js'
import { authHeaders } from '../helpers/auth.js'
import { openTestDatabase, type TestDatabase } from '../helpers/db.js'

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('serveUntilStopped [postgres]', () => {
  let test: TestDatabase
  let ctx: Context
  const logged: string[] = []

  beforeAll(async () => {
    test = await openTestDatabase('postgres', 'serve-shutdown')
    await initStore(test.database)
    ctx = await createContext(parseConfig({}), {
      database: test.database,
      logger: pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) }),
    })
  })
  afterAll(async () => {
    await test?.close()
  })

  it('waits for background refreshes before it resolves', { timeout: 60_000 }, async () => {
    const headers = await authHeaders(test.database, 'viewer')
    // Fresh for 0 ms: every answer after the first is stale, and starts a background refresh.
    const cache = new ResponseCache({ ttlMs: 0, staleMs: 600_000, versionMaxAgeMs: 600_000 })
    const stop = new AbortController()
    let port = 0
    let listening = () => {}
    const started = new Promise<void>((resolve) => {
      listening = resolve
    })
    const stopped = serveUntilStopped(ctx, '127.0.0.1', 0, {
      signal: stop.signal,
      responseCache: cache,
      onListening: (p) => {
        port = p
        listening()
      },
    }).then(() => 'stopped' as const)
    await started
    const get = () => fetch(`http://127.0.0.1:${port}/v1/targets`, { headers })
    const first = await get()
    expect(first.headers.get('x-assay-cache')).toBe('miss')
    await first.text()

    // Hold the refresh back: its query of targets waits for this lock.
    const blocker = new pg.Client({ connectionString: test.url })
    await blocker.connect()
    try {
      await blocker.query('begin')
      await blocker.query('lock table targets in access exclusive mode')
      const second = await get()
      expect(second.headers.get('x-assay-cache')).toBe('stale')
      await second.text()
      stop.abort()
      // The server has stopped listening, but the refresh is still running.
      expect(await Promise.race([stopped, later(1000).then(() => 'waiting')])).toBe('waiting')
      await blocker.query('commit')
    } finally {
      await blocker.end()
    }
    expect(await stopped).toBe('stopped')
    expect(cache.stats.computed).toBe(2)
    expect(cache.stats.stored).toBe(2)
    // Closing now is safe; nothing was logged as failed.
    await ctx.destroy()
    expect(logged.filter((line) => /"level":(50|60)/.test(line))).toEqual([])
  })
})
