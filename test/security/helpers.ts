/** Shared pieces of the security suites: an app over a test database, cookies, JSON bodies. */
import { pino } from 'pino'
import { parseConfig } from '../../src/config.js'
import { createContext, type Clock, type Context } from '../../src/context.js'
import { createApp, type App, type AppOptions } from '../../src/server/app.js'
import type { Database } from '../../src/store/db.js'

export async function makeApp(
  database: Database,
  options: AppOptions & { clock?: Clock } = {},
): Promise<{ app: App; ctx: Context }> {
  const ctx = await createContext(parseConfig({}), {
    database,
    logger: pino({ level: 'silent' }),
    clock: options.clock,
  })
  return { app: createApp(ctx, options), ctx }
}

/** A clock tests can move. */
export function manualClock(
  start = new Date('2026-11-25T12:00:00.000Z'),
): Clock & { advance(ms: number): void } {
  let now = start.getTime()
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms
    },
  }
}

export function jsonRequest(
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }
}

/** The session cookie's value from a response's Set-Cookie, and the whole header. */
export function sessionCookie(res: Response): { value: string; header: string } {
  const header = res.headers.get('set-cookie') ?? ''
  const match = /assay_session=([^;]*)/.exec(header)
  if (match === null) throw new Error(`no session cookie in ${JSON.stringify(header)}`)
  return { value: match[1] ?? '', header }
}

export async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code
}
