/**
 * Availability and integrity when PostgreSQL or Assay fails, on a real PostgreSQL server:
 * - PostgreSQL restarted (`pg_ctl restart -m fast`, then `-m immediate`, a crash-restart) while a
 *   real `assay serve` process answers reads: every answer is 2xx or a retryable 503
 *   (`unavailable` + Retry-After), never a 500 or a hang, the process stays up and recovers alone.
 * - PostgreSQL restarted twice while clients post decision batches and re-send on 503 or a lost
 *   connection: every acknowledged decision is stored exactly once, roll-ups count each once.
 * - `assay serve` killed with SIGKILL mid-batch: no acknowledged row is lost; re-sending completes.
 * - Two auditors (two connections) racing for the same task: exactly one gets it.
 *
 * The shared server at 5432 is never touched: the suite runs its own cluster
 * (test/helpers/private-postgres.ts), which needs root; without it the suite is skipped, saying why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../src/engine/access/tokens.js'
import { DEFAULT_LEASE_MINUTES } from '../../src/engine/audits/work-tasks.js'
import { runDemo } from '../../src/engine/demo/run-demo.js'
import { insertTasks, leaseTask } from '../../src/store/audit-workflow-store.js'
import { openDatabase, type Database } from '../../src/store/db.js'
import { authHeaders } from '../helpers/auth.js'
import {
  privatePostgresUnavailableReason,
  startPrivatePostgres,
  type PrivatePostgres,
  type RestartMode,
} from '../helpers/private-postgres.js'
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.js'
import { generateDecisions } from '../ingest/helpers/generate-decisions.js'
import { compareRollups } from '../ingest/helpers/rollups.js'

const UNAVAILABLE = privatePostgresUnavailableReason()
if (UNAVAILABLE !== undefined)
  console.warn(`test/security/pg-restart.test.ts skipped: ${UNAVAILABLE}`)

const BATCH_ROWS = 500
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Answer {
  /** performance.now() when the request was sent, and how long until its body was read. */
  sentAt: number
  ms: number
  status: number | 'timeout' | 'network'
  body?: unknown
  retryAfter?: string | null
  error?: string
}

const isSuccess = (a: Answer) => typeof a.status === 'number' && a.status >= 200 && a.status < 300

async function send(url: string, init: RequestInit, timeoutMs: number): Promise<Answer> {
  const sentAt = performance.now()
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON: kept as text for the failure message
    }
    const retryAfter = res.headers.get('retry-after')
    return { sentAt, ms: performance.now() - sentAt, status: res.status, body, retryAfter }
  } catch (error) {
    const e = error as Error & { cause?: unknown }
    return {
      sentAt,
      ms: performance.now() - sentAt,
      status: e.name === 'TimeoutError' ? 'timeout' : 'network',
      error: String(e.cause ?? e),
    }
  }
}

/** A 503 as the API promises it: code `unavailable`, a message, and a Retry-After in seconds. */
function isRetryable503(a: Answer): boolean {
  const error = (a.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
  return (
    a.status === 503 &&
    error?.code === 'unavailable' &&
    typeof error.message === 'string' &&
    /^\d+$/.test(a.retryAfter ?? '')
  )
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

interface IngestResult {
  received: number
  inserted: number
  duplicates: number
  rejected: number
}

/** What a fleet of ingest clients saw: the acknowledged batches and every failed attempt. */
interface IngestRun {
  acked: Map<number, IngestResult>
  attempts: number
  /** Requests sent and not yet answered. */
  inFlight: number
  failures: Answer[]
  /** Batches acknowledged only after at least one failed attempt. */
  retried: Set<number>
}

const newRun = (): IngestRun => ({
  acked: new Map(),
  attempts: 0,
  inFlight: 0,
  failures: [],
  retried: new Set(),
})

/**
 * Posts the batches with one worker per token, each re-sending its batch on 503, 429 or a lost
 * connection (honouring Retry-After, up to 1 s) until it is acknowledged. With
 * `stopOnNetworkError` a worker gives up at the first lost connection (the server is gone).
 * Any other answer fails the run.
 */
async function ingestBatches(
  baseUrl: string,
  tokens: Record<string, string>[],
  batches: { index: number; body: string }[],
  run: IngestRun,
  options: { stopOnNetworkError?: boolean } = {},
): Promise<void> {
  const queue = [...batches]
  const worker = async (headers: Record<string, string>) => {
    for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
      for (let attempt = 1; ; attempt++) {
        run.attempts += 1
        run.inFlight += 1
        const answer = await send(
          `${baseUrl}/v1/decisions`,
          {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: batch.body,
          },
          30_000,
        )
        run.inFlight -= 1
        if (isSuccess(answer)) {
          run.acked.set(batch.index, answer.body as IngestResult)
          if (attempt > 1) run.retried.add(batch.index)
          break
        }
        run.failures.push(answer)
        if (answer.status === 'network' && options.stopOnNetworkError === true) return
        if (attempt >= 40 || !['network', 'timeout', 503, 429].includes(answer.status))
          throw new Error(
            `batch ${batch.index} answered ${answer.status} (attempt ${attempt}): ${JSON.stringify(answer.body ?? answer.error)}`,
          )
        const retryAfterMs = Number(answer.retryAfter ?? '0') * 1000
        await sleep(Math.min(Math.max(retryAfterMs, 100), 1000))
      }
    }
  }
  await Promise.all(tokens.map(worker))
}

/** `count` decisions in batches of BATCH_ROWS as JSON bodies; batch b holds ids d-<prefix><b·500…>. */
function decisionBatches(prefix: string, count: number): { index: number; body: string }[] {
  const batches: { index: number; body: string }[] = []
  let rows: Record<string, string>[] = []
  for (const generated of generateDecisions(count, { idPrefix: prefix, seed: prefix.length })) {
    // JSON records leave out what a CSV row has as an empty field.
    rows.push(Object.fromEntries(Object.entries(generated).filter(([, value]) => value !== '')))
    if (rows.length === BATCH_ROWS) {
      batches.push({ index: batches.length, body: JSON.stringify(rows) })
      rows = []
    }
  }
  return batches
}

const idsOfBatches = (prefix: string, indexes: Iterable<number>): string[] =>
  [...indexes].flatMap((b) =>
    Array.from({ length: BATCH_ROWS }, (_, i) => `d-${prefix}${b * BATCH_ROWS + i}`),
  )

describe.skipIf(UNAVAILABLE !== undefined)(
  'PostgreSQL restarts and Assay crashes [private PostgreSQL cluster]',
  () => {
    let cluster: PrivatePostgres | undefined
    let database: Database
    let server: ServeProcess | undefined
    const figures: Record<string, unknown> = {}

    const countRows = async (where = 'true', params: unknown[] = []) =>
      (
        await database.withConnection((c) =>
          c.query<{ n: number; distinct_ids: number }>(
            `select count(*)::int as n, count(distinct decision_id)::int as distinct_ids from decisions where ${where}`,
            params,
          ),
        )
      ).rows[0] as { n: number; distinct_ids: number }

    const volumeTotal = async () =>
      (
        await database.withConnection((c) =>
          c.query<{ n: number }>(
            'select coalesce(sum(decisions), 0)::int as n from decision_volume_daily',
          ),
        )
      ).rows[0]?.n

    const serverFailure = () => `\nassay serve log:\n${server?.stderr().slice(-4000) ?? ''}`

    beforeAll(async () => {
      cluster = await startPrivatePostgres()
      database = await openDatabase({ kind: 'postgres', url: cluster.url, poolSize: 4 })
      await database.migrateOrThrow()
      // Audits and decisions over eight weeks, so that metrics and the report do real work.
      await runDemo(database, { decisions: 10_000, seed: 7 })
      server = await startServeProcess(cluster.url)
    })

    afterAll(async () => {
      try {
        await server?.stop()
        await database?.destroy()
      } finally {
        await cluster?.destroy()
        console.info(`pg-restart figures: ${JSON.stringify(figures, null, 1)}`)
      }
    })

    it('answers reads with 2xx or a retryable 503 through restarts, never a 500 or a hang, and recovers by itself', async () => {
      const { baseUrl } = server as ServeProcess
      const headers = await authHeaders(database, 'admin')
      const paths = [
        '/v1/status',
        '/v1/metrics/accuracy?period=last-28d',
        '/v1/report?period=last-28d',
      ]
      for (const path of paths) {
        const answer = await send(`${baseUrl}${path}`, { headers }, 20_000)
        expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200)
      }

      const answers: (Answer & { path: string })[] = []
      let firing = true
      const client = async (offset: number) => {
        for (let i = offset; firing; i++) {
          const path = paths[i % paths.length] as string
          answers.push({ path, ...(await send(`${baseUrl}${path}`, { headers }, 10_000)) })
          await sleep(2)
        }
      }
      const clients = [0, 1, 2, 3, 4, 5].map(client)
      const restarts: Record<string, number | string>[] = []
      for (const mode of ['fast', 'immediate'] as RestartMode[]) {
        await sleep(800)
        const began = performance.now()
        const restartMs = await (cluster as PrivatePostgres).restart(mode)
        const back = performance.now()
        await waitUntil(
          `a successful read after the ${mode} restart`,
          () => answers.some((a) => a.sentAt >= back && isSuccess(a)),
          20_000,
        )
        await sleep(300)
        const firstSuccess = answers
          .filter((a) => a.sentAt >= back && isSuccess(a))
          .reduce((min, a) => Math.min(min, a.sentAt + a.ms), Infinity)
        const lastFailure = answers
          .filter((a) => !isSuccess(a))
          .reduce((max, a) => Math.max(max, a.sentAt + a.ms), back)
        restarts.push({
          mode,
          restartMs: Math.round(restartMs),
          requestsDuringRestart: answers.filter((a) => a.sentAt + a.ms >= began && a.sentAt <= back)
            .length,
          firstSuccessAfterMs: Math.round(firstSuccess - back),
          lastFailureAfterMs: Math.round(lastFailure - back),
        })
      }
      await sleep(300)
      firing = false
      await Promise.all(clients)

      const unavailable = answers.filter((a) => a.status === 503)
      figures.serving = {
        requests: answers.length,
        ok: answers.filter(isSuccess).length,
        unavailable: unavailable.length,
        restarts,
      }
      const bad = answers.filter((a) => !isSuccess(a) && !isRetryable503(a))
      expect(
        bad.slice(0, 5).map((a) => ({ ...a, body: JSON.stringify(a.body).slice(0, 300) })),
        `answers other than 2xx or a retryable 503${serverFailure()}`,
      ).toEqual([])
      // The restarts did hit requests in flight (else this test proves nothing).
      expect(unavailable.length).toBeGreaterThan(0)
      expect(server?.isRunning(), serverFailure()).toBe(true)
      // Recovered: nothing broken is left in the pool.
      for (let i = 0; i < 30; i++) {
        const path = paths[i % paths.length] as string
        const answer = await send(`${baseUrl}${path}`, { headers }, 10_000)
        expect(answer.status, `${path} after the restarts${serverFailure()}`).toBe(200)
      }
    })

    it('stores every acknowledged decision exactly once when PostgreSQL restarts twice mid-ingest', async () => {
      const { baseUrl } = server as ServeProcess
      const tokens = await Promise.all([1, 2, 3, 4].map(() => authHeaders(database, 'ingest')))
      const batches = decisionBatches('rst-', 160 * BATCH_ROWS)
      const before = await countRows()
      const run = newRun()
      const ingest = ingestBatches(baseUrl, tokens, batches, run)
      ingest.catch(() => undefined)
      const restarts: Record<string, number | string>[] = []
      for (const [mode, after] of [
        ['fast', 30],
        ['immediate', 90],
      ] as const) {
        await waitUntil(`${after} acknowledged batches`, () => run.acked.size >= after, 60_000)
        const attemptsBefore = run.attempts
        const ms = await (cluster as PrivatePostgres).restart(mode)
        restarts.push({
          mode,
          atBatch: after,
          restartMs: Math.round(ms),
          attemptsDuringRestart: run.attempts - attemptsBefore,
        })
      }
      await ingest

      const stored = await countRows(`decision_id like 'd-rst-%'`)
      const all = await countRows()
      const acked = [...run.acked.values()]
      figures.ingest = {
        batches: batches.length,
        attempts: run.attempts,
        failedAttempts: run.failures.length,
        byStatus: Object.fromEntries(
          [...new Set(run.failures.map((f) => f.status))].map((s) => [
            s,
            run.failures.filter((f) => f.status === s).length,
          ]),
        ),
        retriedBatches: run.retried.size,
        // A batch whose commit reached PostgreSQL but whose answer did not reach the client.
        committedBeforeFailure: [...run.retried].filter(
          (b) => (run.acked.get(b)?.duplicates ?? 0) > 0,
        ).length,
        rowsAcknowledged: run.acked.size * BATCH_ROWS,
        rowsStored: stored.n,
        restarts,
      }
      // The restarts hit batches in flight, and each of those got a retryable 503 (never a 500, and
      // never a dropped connection: the server stays up).
      expect(run.failures.length).toBeGreaterThan(0)
      expect(
        run.failures.filter((f) => !isRetryable503(f) && f.status !== 429),
        serverFailure(),
      ).toEqual([])
      expect(run.acked.size).toBe(batches.length)
      for (const result of acked) {
        expect(result.received).toBe(BATCH_ROWS)
        expect(result.rejected).toBe(0)
        expect(result.inserted + result.duplicates).toBe(BATCH_ROWS)
      }
      expect(stored).toEqual({
        n: batches.length * BATCH_ROWS,
        distinct_ids: batches.length * BATCH_ROWS,
      })
      expect(all.n).toBe(before.n + batches.length * BATCH_ROWS)
      expect(await volumeTotal()).toBe(all.n)
      const rollups = await compareRollups(database)
      expect(rollups.storedVolume).toEqual(rollups.expectedVolume)
      expect(rollups.storedBuckets).toEqual(rollups.expectedBuckets)
      expect(server?.isRunning(), serverFailure()).toBe(true)
    })

    it('loses no acknowledged decision when assay serve is killed (SIGKILL) mid-batch', async () => {
      const url = (cluster as PrivatePostgres).url
      // 500-row requests written 200 rows per transaction: a kill can land between two of them.
      const env = { ASSAY_BATCH_SIZE: '200' }
      const tokens = await Promise.all([1, 2].map(() => authHeaders(database, 'ingest')))
      const batches = decisionBatches('kill-', 40 * BATCH_ROWS)
      const victim = await startServeProcess(url, env)
      const run = newRun()
      const ingest = ingestBatches(victim.baseUrl, tokens, batches, run, {
        stopOnNetworkError: true,
      })
      ingest.catch(() => undefined)
      // Killed while both clients wait for an answer: those batches are cut off mid-request.
      await waitUntil(
        '12 acknowledged batches and two in flight',
        () => run.acked.size >= 12 && run.inFlight === 2,
        60_000,
      )
      await sleep(15)
      const cutOff = run.inFlight
      await victim.kill()
      await ingest
      expect(cutOff).toBeGreaterThan(0)
      const acknowledged = [...run.acked.keys()]
      const afterKill = await countRows(`decision_id like 'd-kill-%'`)
      const ackedStored = await countRows('decision_id = any($1)', [
        idsOfBatches('kill-', acknowledged),
      ])
      expect(ackedStored.n).toBe(acknowledged.length * BATCH_ROWS)
      expect(afterKill.n).toBeGreaterThanOrEqual(ackedStored.n)
      expect(afterKill.n).toBeLessThan(batches.length * BATCH_ROWS)
      // What the killed process did commit is consistent: roll-ups count exactly the stored rows.
      expect(await volumeTotal()).toBe((await countRows()).n)

      // The client re-sends everything it has no acknowledgement for, to a new process.
      const revived = await startServeProcess(url, env)
      try {
        await ingestBatches(
          revived.baseUrl,
          tokens,
          batches.filter((b) => !run.acked.has(b.index)),
          run,
        )
      } finally {
        await revived.stop()
      }
      figures.sigkill = {
        requestsCutOff: cutOff,
        rowsAcknowledgedBeforeKill: ackedStored.n,
        rowsStoredAfterKill: afterKill.n,
        storedButUnacknowledged: afterKill.n - ackedStored.n,
        rowsAfterResend: (await countRows(`decision_id like 'd-kill-%'`)).n,
      }
      expect(run.acked.size).toBe(batches.length)
      expect(await countRows(`decision_id like 'd-kill-%'`)).toEqual({
        n: batches.length * BATCH_ROWS,
        distinct_ids: batches.length * BATCH_ROWS,
      })
      expect(await volumeTotal()).toBe((await countRows()).n)
    })

    it('gives a task to exactly one of two auditors racing for it on two connections', async () => {
      const url = (cluster as PrivatePostgres).url
      const left = await openDatabase({ kind: 'postgres', url, poolSize: 2 })
      const right = await openDatabase({ kind: 'postgres', url, poolSize: 2 })
      // The lease statement itself (leaseNextTask minus "the task you already hold"), so that the
      // same auditors can claim again and again.
      const claim = (connection: Database, auditorId: string) =>
        connection.transaction((trx) =>
          leaseTask(trx, {
            auditorId,
            languages: null,
            site: null,
            now: new Date(),
            leaseMinutesDefault: DEFAULT_LEASE_MINUTES,
          }),
        )
      const auditors = ['racer-a', 'racer-b', ...Array.from({ length: 8 }, (_, k) => `drain-${k}`)]
      for (const userId of auditors) await createUser(database, { userId, roles: ['auditor'] })
      try {
        const open = await database.db
          .selectFrom('auditTasks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('completedAuditId', 'is', null)
          .where('assigneeId', 'is', null)
          .executeTakeFirstOrThrow()
        expect(Number(open.n)).toBe(0)
        const rounds = 100
        const many = 150
        const decisionIds = (
          await database.db
            .selectFrom('decisions')
            .select('decisionId')
            .where('actorId', 'not like', 'racer-%')
            .where('actorId', 'not like', 'drain-%')
            .orderBy('decisionId')
            .limit(rounds + many)
            .execute()
        ).map((d) => d.decisionId)
        // One open task at a time, two auditors on two connections at once: exactly one gets it.
        const wins = { 'racer-a': 0, 'racer-b': 0 }
        for (let round = 0; round < rounds; round++) {
          const created = await insertTasks(database.db, [
            {
              decisionId: decisionIds[round] as string,
              planId: null,
              planVersion: null,
              kind: 'qa',
            },
          ])
          expect(created).toBe(1)
          const [a, b] = await Promise.all([claim(left, 'racer-a'), claim(right, 'racer-b')])
          expect(
            [a, b].filter((t) => t !== undefined),
            `round ${round}`,
          ).toHaveLength(1)
          wins[a === undefined ? 'racer-b' : 'racer-a'] += 1
        }
        // Many open tasks, eight auditors on two connections draining the queue: each task once.
        await insertTasks(
          database.db,
          decisionIds.slice(rounds).map((decisionId) => ({
            decisionId,
            planId: null,
            planVersion: null,
            kind: 'qa' as const,
          })),
        )
        const leased: { taskId: string; auditor: string }[] = []
        await Promise.all(
          auditors.slice(2).map(async (auditor, k) => {
            const connection = k % 2 === 0 ? left : right
            for (let task = await claim(connection, auditor); task !== undefined;) {
              leased.push({ taskId: task.taskId, auditor })
              task = await claim(connection, auditor)
            }
          }),
        )
        expect(new Set(leased.map((l) => l.taskId)).size).toBe(leased.length)
        expect(leased).toHaveLength(many)
        const holders = await database.db
          .selectFrom('auditTasks')
          .select(['taskId', 'assigneeId'])
          .where('assigneeId', 'like', 'drain-%')
          .execute()
        expect(new Map(holders.map((h) => [h.taskId, h.assigneeId]))).toEqual(
          new Map(leased.map((l) => [l.taskId, l.auditor])),
        )
        figures.race = { rounds, wins, drained: leased.length }
      } finally {
        await left.destroy()
        await right.destroy()
      }
    })
  },
)
