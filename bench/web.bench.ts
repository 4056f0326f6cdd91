/**
 * Page-load benchmark of the web app: every page in headless Chromium against `createApp` over a
 * demo store (default 1,000,000 decisions, built once into bench/.data/web-<n> and reused).
 * For each page: the browser's navigation timing (responseEnd, domContentLoaded, load) and the
 * time until the page's last API response has arrived (resource timing), median of 3 loads.
 * The goal (issue "The web app"): every page under 1 s.
 *
 * Usage: npm run bench:web [-- <decisions>]   (ASSAY_BENCH_DATA_DIR to use another store)
 */
import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { pino } from 'pino'
import { sql } from 'kysely'
import { parseConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { setPassword } from '../src/engine/access/users.js'
import { runDemo } from '../src/engine/demo/run-demo.js'
import { setTarget } from '../src/engine/targets/set-target.js'
import { createApp } from '../src/server/app.js'
import { openDatabase } from '../src/store/db.js'
import { assertWebBuilt, launchBrowser, PASSWORD, signIn } from '../test/web/browser.js'

const decisions = Number(process.argv[2] ?? 1_000_000)
const dataDir =
  process.env.ASSAY_BENCH_DATA_DIR ?? join(process.cwd(), 'bench', '.data', `web-${decisions}`)
const budgetMs = 1000

const PAGES: { user: string; path: string; ready: string }[] = [
  { user: 'lead', path: '/', ready: 'Targets by region' },
  {
    user: 'lead',
    path: '/explore?metric=accuracy&by=region,queue&period=last-28d',
    ready: 'Slices',
  },
  { user: 'lead', path: '/trends?metric=error_rate&bucket=day', ready: 'Signals' },
  { user: 'lead', path: '/root-causes?period=last-28d', ready: 'Root causes' },
  { user: 'lead', path: '/targets', ready: 'Targets' },
  { user: 'lead', path: '/plans', ready: 'Sampling plans' },
  { user: 'auditor-1', path: '/audit', ready: 'Audit workspace' },
  { user: 'arbitrator-1', path: '/disputes', ready: 'Open disputes' },
]

assertWebBuilt()
const fresh = !existsSync(join(dataDir, 'PG_VERSION'))
const database = await openDatabase({ kind: 'embedded', dataDir })
const ctx = await createContext(parseConfig({}), { database, logger: pino({ level: 'silent' }) })
if (fresh) {
  console.log(
    `building a demo store of ${decisions.toLocaleString('en-US')} decisions in ${dataDir} (once)…`,
  )
  await runDemo(database, { decisions })
}
for (const userId of ['lead', 'auditor-1', 'arbitrator-1'])
  await setPassword(database, userId, PASSWORD, 'bench')
const { rows } = await sql<{ n: number }>`select count(*)::int as n from targets`.execute(
  database.db,
)
if (Number(rows[0]?.n ?? 0) === 0) {
  await setTarget(
    database,
    { targetId: 'accuracy-overall', metric: 'accuracy', threshold: 0.93, period: 'last-28d' },
    'bench',
    ctx.clock.now(),
  )
  for (const region of ['NA', 'EU', 'LATAM', 'APAC', 'MENA']) {
    await setTarget(
      database,
      { metric: 'accuracy', scope: { region }, threshold: 0.94, period: 'last-28d' },
      'bench',
      ctx.clock.now(),
    )
  }
}

const app = createApp(ctx, { security: { signInAttemptsPerMinute: 1000 } })
const server: ServerType = await new Promise((resolve) => {
  const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
})
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const browser = await launchBrowser()
const results: {
  page: string
  viewport: number
  domContentLoaded: number
  load: number
  ready: number
}[] = []
try {
  for (const width of [1280, 390]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } })
    const page = await context.newPage()
    let user = ''
    for (const target of PAGES) {
      if (user !== target.user) {
        try {
          await signIn(page, url, target.user)
        } catch (error) {
          await page.screenshot({ path: 'test-artifacts/web/bench-signin-failure.png' })
          throw error
        }
        user = target.user
      }
      const samples: { domContentLoaded: number; load: number; ready: number }[] = []
      for (let i = 0; i < 3; i += 1) {
        await page.goto(`${url}${target.path}`)
        await page.getByRole('heading', { name: target.ready }).first().waitFor({ timeout: 30_000 })
        await page.waitForLoadState('networkidle')
        const timing = await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
          const api = (
            performance.getEntriesByType('resource') as PerformanceResourceTiming[]
          ).filter((r) => r.name.includes('/v1/'))
          const dataEnd = Math.max(0, ...api.map((r) => r.responseEnd))
          return { domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, dataEnd }
        })
        // "ready": navigation start to the last API response of the page (rendering it takes a few ms more).
        samples.push({
          domContentLoaded: timing.domContentLoaded,
          load: timing.load,
          ready: Math.max(timing.load, timing.dataEnd),
        })
      }
      const median = (key: 'domContentLoaded' | 'load' | 'ready') =>
        samples.map((s) => s[key]).sort((a, b) => a - b)[1] as number
      results.push({
        page: target.path,
        viewport: width,
        domContentLoaded: median('domContentLoaded'),
        load: median('load'),
        ready: median('ready'),
      })
    }
    await context.close()
  }
} finally {
  await browser.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await ctx.destroy()
  await database.destroy()
}

console.log(
  `\nweb pages on ${decisions.toLocaleString('en-US')} decisions (median of 3, ms from navigation start)`,
)
console.log('page'.padEnd(62), 'width', 'DCL'.padStart(6), 'load'.padStart(6), 'ready'.padStart(6))
let over = 0
for (const r of results) {
  if (r.ready > budgetMs) over += 1
  console.log(
    r.page.padEnd(62),
    String(r.viewport).padStart(5),
    ...[r.domContentLoaded, r.load, r.ready].map((v) => v.toFixed(0).padStart(6)),
    r.ready > budgetMs ? ' OVER 1 s' : '',
  )
}
if (over > 0) {
  console.error(`${over} page load(s) over ${budgetMs} ms`)
  process.exitCode = 1
}
