/**
 * HTTP load test of the dashboard API (security issue: "100 concurrent connections for 30 s on a
 * 1,000,000-decision PostgreSQL store: zero errors, p99 latency under 100 ms").
 *
 * Store: the PostgreSQL database `assay_bench_load` on DATABASE_URL's server (default
 * 127.0.0.1:5432) with the demo organisation (`assay demo`, default 1,000,000 decisions), targets
 * and one monitor run. Built once (~2–3 min) and marked by a comment on the database naming the
 * size and a hash of the migrations; a re-run with both unchanged reuses it, otherwise (or with
 * no marker) it is built again.
 *
 * Server: load-server.ts as a child process (its own event loop, as in production): what
 * `assay serve` runs, scheduled monitors off, on a free port; BENCH_LOAD_CACHE=off runs it without
 * the response cache, BENCH_LOAD_PRINCIPAL_TTL_MS=0 without remembered authentications (see
 * src/server/response-cache.ts). Requests carry an API token of the demo quality lead. Every
 * request the dashboard pages make is called once first (cold, uncached: printed), then autocannon
 * runs 100 connections, each cycling through the same mix (Overview, Explore, Trends, Root causes,
 * Targets, drill-down).
 *
 * Goal: zero errors (connection errors, timeouts, non-2xx) and p99 < 100 ms; otherwise the run
 * exits non-zero. The machine has other work on it, so the load average is printed too.
 *
 * Usage: npm run bench -- load
 *   BENCH_LOAD_SECONDS (default 30), BENCH_LOAD_CONNECTIONS (100), BENCH_LOAD_DECISIONS (1000000)
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import pg from 'pg'
import { createToken, revokeApiToken } from '../src/engine/access/tokens.js'
import { runDemo } from '../src/engine/demo/run-demo.js'
import { defaultAsOf, runMonitors } from '../src/engine/monitoring/run-monitors.js'
import { setTarget } from '../src/engine/targets/set-target.js'
import { openDatabase } from '../src/store/db.js'
import { ADMIN_URL } from '../test/helpers/db.js'
import { describeMachine, report } from './machine.js'

const DATABASE = 'assay_bench_load'
const decisions = Number(process.env.BENCH_LOAD_DECISIONS ?? 1_000_000)
const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 30)
const connections = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 100)
const P99_BUDGET_MS = 100
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The migrations' sources: a store migrated by other versions of them is built again. */
const migrationsDir = join(root, 'src/store/migrations')
const schemaHash = createHash('sha256')
  .update(
    readdirSync(migrationsDir)
      .sort()
      .map((name) => readFileSync(join(migrationsDir, name), 'utf8'))
      .join('\0'),
  )
  .digest('hex')
  .slice(0, 12)
const MARKER = `assay bench load: demo organisation, ${decisions} decisions, schema ${schemaHash}`

function urlOf(database: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${database}`
  return url.toString()
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Creates and fills the store unless a store of this size is already there (the marker says so). */
async function ensureStore(url: string): Promise<void> {
  const marker = await withAdmin(async (client) => {
    const { rows } = await client.query<{ marker: string | null }>(
      `select shobj_description(oid, 'pg_database') as marker from pg_database where datname = $1`,
      [DATABASE],
    )
    return rows.length === 0 ? undefined : rows[0]?.marker
  })
  if (marker === MARKER) {
    console.log(`reusing ${DATABASE} (${decisions.toLocaleString('en-US')} decisions)`)
    return
  }
  console.log(
    `building ${DATABASE}: demo organisation with ${decisions.toLocaleString('en-US')} decisions (once; several minutes)…`,
  )
  const started = performance.now()
  await withAdmin(async (client) => {
    await client.query(`drop database if exists ${DATABASE} with (force)`)
    await client.query(`create database ${DATABASE}`)
  })
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 })
  try {
    await database.migrateOrThrow()
    await runDemo(database, { decisions })
    const now = new Date()
    await setTarget(
      database,
      { targetId: 'accuracy-overall', metric: 'accuracy', threshold: 0.93, period: 'last-28d' },
      'bench',
      now,
    )
    for (const region of ['NA', 'EU', 'LATAM', 'APAC', 'MENA']) {
      await setTarget(
        database,
        { metric: 'accuracy', scope: { region }, threshold: 0.94, period: 'last-28d' },
        'bench',
        now,
      )
    }
    // Alerts for the Overview and Trends pages, as the scheduled monitors would have raised them.
    await runMonitors(database, { asOf: defaultAsOf(now), now, actor: 'bench' })
    await database.withConnection((c) => c.query('vacuum analyze'))
  } finally {
    await database.destroy()
  }
  await withAdmin((client) =>
    client.query(`comment on database ${DATABASE} is '${MARKER.replace(/'/g, "''")}'`),
  )
  report(
    'build the store (setup, not measured)',
    `${((performance.now() - started) / 1000).toFixed(0)} s`,
  )
}

/** Starts the server (load-server.ts: what `assay serve` runs) on a free port; resolves with its URL. */
async function startServer(url: string): Promise<{
  base: string
  cpuMs: () => number | undefined
  /** Restarts the server's event-loop delay histogram (after the warm-up). */
  resetLoopDelay: () => void
  /** Stops the server; resolves with what it printed on the way out. */
  stop: () => Promise<string>
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/load-server.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, ASSAY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      output += chunk
      const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match !== null) resolve(match[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)))
  })
  return {
    base,
    cpuMs: () => processCpuMs(child.pid),
    resetLoopDelay: () => child.kill('SIGUSR2'),
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit')
        child.kill('SIGTERM')
        await exited
      }
      return output.split('\n').slice(1).join('\n').trim()
    },
  }
}

/** CPU time (user + system) a process has used, from /proc (Linux; undefined elsewhere). */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // clock ticks of 10 ms
  } catch {
    return undefined
  }
}

interface Load {
  name: string
  path: string
}

/** The requests the dashboard pages make (web/src/pages), with the values they would carry. */
async function dashboardRequests(
  base: string,
  headers: Record<string, string>,
): Promise<{ requests: Load[]; cold: { name: string; ms: number; bytes: number }[] }> {
  const cold: { name: string; ms: number; bytes: number }[] = []
  const get = async (name: string, path: string): Promise<unknown> => {
    const started = performance.now()
    const response = await fetch(`${base}${path}`, { headers })
    const text = await response.text()
    if (response.status !== 200)
      throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 300)}`)
    cold.push({ name, ms: performance.now() - started, bytes: text.length })
    return JSON.parse(text) as unknown
  }
  const requests: Load[] = [
    // Overview
    { name: 'overview report', path: '/v1/report?period=last-7d&grain=day' },
    { name: 'overview alerts', path: '/v1/alerts?state=open&limit=50' },
    { name: 'overview actions', path: '/v1/actions?overdue=true&limit=50' },
    // Explore
    {
      name: 'explore metric',
      path: '/v1/metrics/accuracy?by=region%2Cqueue&period=last-28d&compare=none',
    },
    // Trends
    { name: 'trends metric', path: '/v1/metrics/error_rate?by=day&period=all&compare=none' },
    // Root causes
    {
      name: 'root causes metric',
      path: '/v1/metrics/error_rate?by=root_cause&period=last-28d&compare=none',
    },
    // Targets
    { name: 'targets', path: '/v1/targets' },
  ]
  for (const r of requests) await get(r.name, r.path)
  // Trends asks for the alerts of the chart's range; the drill-down opens the Explore page's worst slice.
  const trends = (await get('trends metric (again)', requests[4]?.path as string)) as {
    period: { from: string; to: string }
  }
  cold.pop()
  const trendAlerts = {
    name: 'trends alerts',
    path: `/v1/alerts?metric=error_rate&from=${trends.period.from}&to=${trends.period.to}&state=all&limit=500`,
  }
  const explore = (await get('explore metric (again)', requests[3]?.path as string)) as {
    slices: { keys: Record<string, string | null>; estimate: number | null }[]
  }
  cold.pop()
  const worst = [...explore.slices].sort((a, b) => (a.estimate ?? 1) - (b.estimate ?? 1))[0]
  const slice = new URLSearchParams()
  for (const [k, v] of Object.entries(worst?.keys ?? {})) slice.set(k, v ?? '(none)')
  slice.set('period', 'last-28d')
  slice.set('metric', 'accuracy')
  slice.set('limit', '50')
  const drill = { name: 'drill-down audits', path: `/v1/audits?${slice.toString()}` }
  for (const r of [trendAlerts, drill]) {
    await get(r.name, r.path)
    requests.push(r)
  }
  return { requests, cold }
}

async function main(): Promise<void> {
  console.log(describeMachine())
  const url = urlOf(DATABASE)
  await ensureStore(url)

  const database = await openDatabase({ kind: 'postgres', url, poolSize: 1 })
  const { token, tokenId } = await createToken(
    database,
    { userId: 'lead', name: 'load bench' },
    { actor: 'bench' },
  )
  // Publish this write's table counters now rather than up to 10 s later, in the middle of the
  // run, where they would (rightly) invalidate every cached response.
  await database.withConnection((c) => c.query('select pg_stat_force_next_flush()'))
  // What the web app's fetch sends (a browser adds Accept-Encoding by itself).
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate, br, zstd',
  }
  const server = await startServer(url)
  let failed = false
  try {
    const { requests, cold } = await dashboardRequests(server.base, headers)
    console.log(`\nfirst call of each request (cold: computed, then cached by the server)`)
    for (const c of cold)
      report(`  ${c.name}`, `${c.ms.toFixed(0)} ms, ${(c.bytes / 1024).toFixed(0)} KiB`)

    const cacheHeaders: Record<string, number> = {}
    const loadBefore = os.loadavg()
    const serverCpuBefore = server.cpuMs()
    const ownCpuBefore = process.cpuUsage()
    server.resetLoopDelay()
    const result = await autocannon({
      url: server.base,
      connections,
      duration: seconds,
      timeout: 10,
      headers,
      requests: requests.map((r) => ({ method: 'GET' as const, path: r.path })),
      setupClient: (client) => {
        // Counts the X-Assay-Cache header of every response (hit, stale, miss).
        ;(client as unknown as NodeJS.EventEmitter).on('headers', (info: { headers: string[] }) => {
          for (let i = 0; i < info.headers.length; i += 2) {
            if (info.headers[i]?.toLowerCase() === 'x-assay-cache') {
              const value = info.headers[i + 1] ?? ''
              cacheHeaders[value] = (cacheHeaders[value] ?? 0) + 1
            }
          }
        })
      },
    })
    const loadAfter = os.loadavg()
    const serverCpu = (server.cpuMs() ?? NaN) - (serverCpuBefore ?? NaN)
    const ownCpu = process.cpuUsage(ownCpuBefore)
    const serverNotes = await server.stop()

    const l = result.latency
    const total = result.requests.total
    const variant =
      process.env.BENCH_LOAD_CACHE === 'off'
        ? 'no response cache'
        : `response cache, remembered authentications ${Number(process.env.BENCH_LOAD_PRINCIPAL_TTL_MS ?? 30_000) > 0 ? 'on' : 'off'}`
    console.log(
      `\nload: ${connections} connections for ${result.duration.toFixed(0)} s, ${requests.length} dashboard requests in turn, ${decisions.toLocaleString('en-US')} decisions on PostgreSQL (${variant})`,
    )
    report(
      'requests',
      `${total.toLocaleString('en-US')} (${result.requests.average.toFixed(0)} req/s mean, ${result.requests.min}–${result.requests.max} per second)`,
    )
    report(
      'latency p50 / p90 / p99 / max',
      `${l.p50} / ${l.p90} / ${l.p99} / ${l.max} ms (mean ${l.mean.toFixed(1)} ms)`,
    )
    report('throughput', `${(result.throughput.average / 1024 ** 2).toFixed(1)} MiB/s`)
    report('non-2xx responses', String(result.non2xx))
    report(
      'errors (connection errors and timeouts) / timeouts',
      `${result.errors} / ${result.timeouts}`,
    )
    report(
      'X-Assay-Cache',
      Object.keys(cacheHeaders).length === 0
        ? 'absent (no response cache)'
        : Object.entries(cacheHeaders)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
    )
    report(
      'CPU per request: server / load generator (this process)',
      `${(serverCpu / total).toFixed(2)} / ${((ownCpu.user + ownCpu.system) / 1000 / total).toFixed(2)} ms`,
    )
    if (serverNotes !== '') report('server', serverNotes)
    report(
      'load average before / after (1 min)',
      `${loadBefore[0]?.toFixed(2)} / ${loadAfter[0]?.toFixed(2)} on ${os.cpus().length} cores`,
    )
    const problems: string[] = []
    if (result.errors > 0 || result.timeouts > 0)
      problems.push(`${result.errors} errors, ${result.timeouts} timeouts`)
    if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx responses`)
    if (total === 0) problems.push('no request completed')
    if (l.p99 >= P99_BUDGET_MS) problems.push(`p99 ${l.p99} ms ≥ ${P99_BUDGET_MS} ms`)
    if (problems.length > 0) {
      failed = true
      console.error(`FAILED: ${problems.join('; ')}`)
    } else {
      console.log(`passed: no errors, p99 ${l.p99} ms < ${P99_BUDGET_MS} ms`)
    }
  } finally {
    await server.stop()
    await revokeApiToken(database, tokenId, { actor: 'bench', now: new Date() })
    await database.destroy()
  }
  if (failed) process.exitCode = 1
}

await main()
