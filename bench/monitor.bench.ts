/**
 * A monitor run over 1,000 slices × 90 days of a 10,000,000-decision PostgreSQL store (target < 2 s).
 *
 * The store (database `assay_bench_monitor`, built once with server-side SQL and kept for later
 * runs): 10,000,000 decisions spread evenly over 90 days (2026-08-25 … 2026-11-22), 1,000 human
 * moderators in 5 regions × 5 queues, and a 3 % audit sample (≈300,000 QA audits with their
 * inclusion probability, 6 % errors). The monitor: error_rate by actor_id (1,000 slices), daily
 * p-chart, rolling baseline of 62 days + 28 days of history = a 90-day window, judged as of
 * 2026-11-23. Also timed: the default monitor set, and a 7-day backfill of the 1,000-slice monitor.
 * Run: npm run bench -- monitor   (first run builds the store: several minutes)
 */
import pg from 'pg'
import { setMonitor } from '../src/engine/monitoring/monitors.js'
import { runMonitors } from '../src/engine/monitoring/run-monitors.js'
import { initStore } from '../src/engine/setup/init-store.js'
import { openDatabase, type Database } from '../src/store/db.js'
import { ADMIN_URL } from '../test/helpers/db.js'
import { report } from './machine.js'

const NAME = 'assay_bench_monitor'
const DECISIONS = 10_000_000

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL)
  url.pathname = `/${database}`
  return url.toString()
}

async function ensureDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [NAME])
    if (found.rowCount === 0) await client.query(`create database ${NAME}`)
  } finally {
    await client.end()
  }
}

async function build(database: Database): Promise<void> {
  const { rows } = await database.withConnection((c) =>
    c.query<{ n: number }>('select count(*)::int as n from decisions'),
  )
  if (rows[0]?.n === DECISIONS) return
  const started = performance.now()
  const { taxonomy } = await initStore(database)
  await database.withConnection(async (c) => {
    await c.query('truncate audits, audited_decisions, decisions cascade')
    // Evenly spread over 90 days; moderator g % 1000 works in region (m % 5) and queue (m / 5 % 5).
    await c.query(`
      insert into decisions (decision_id, content_id, content_type, decided_at, region, language, queue, site,
                             actor_type, actor_id, policy, action, score, handle_time_ms, policy_version, attributes)
      select 'b' || g, 'c' || g, 'video',
             timestamptz '2026-08-25 00:00:00+00' + ((g::bigint * 7776000) / ${DECISIONS}) * interval '1 second',
             (array['NA','EU','LATAM','APAC','MENA'])[1 + (g % 1000) % 5], 'en',
             (array['video_review','comment_review','live_review','account_review','appeals_review'])[1 + ((g % 1000) / 5) % 5],
             'site-' || ((g % 1000) % 10), 'human', 'mod-' || lpad((g % 1000)::text, 4, '0'),
             'spam', 'remove', null, 30000, 'v1', '{}'
      from generate_series(0, ${DECISIONS - 1}) g`)
    await c.query(`
      insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, severity, root_cause, kind,
                          inclusion_probability, comment, attributes, outcome, taxonomy_version, source)
      select 'a' || d.decision_id, d.decision_id, 'auditor-1', d.decided_at + interval '1 hour',
             case when e then 'none' else 'spam' end, case when e then 'no_action' else 'remove' end,
             case when e then 'major' end, null, 'qa', 0.03, null, '{}',
             case when e then 'false_positive' else 'correct' end, ${taxonomy.version}, 'import'
      from (select decision_id, decided_at, (abs(hashtext(decision_id || 'e')) % 100) < 6 as e
            from decisions where abs(hashtext(decision_id)) % 100 < 3) d`)
    await c.query('analyze')
  })
  report(
    'built the bench store (10,000,000 decisions, 3 % audited)',
    `${((performance.now() - started) / 1000).toFixed(0)} s`,
  )
}

async function timed(
  label: string,
  fn: () => Promise<{ pointsJudged: number; tests: number }>,
  runs = 3,
): Promise<void> {
  await fn() // warm-up: plans and caches
  const times: number[] = []
  let last = { pointsJudged: 0, tests: 0 }
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    last = await fn()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  report(
    label,
    `median ${(times[Math.floor(runs / 2)] as number).toFixed(0)} ms (min ${(times[0] as number).toFixed(0)}, max ${(times.at(-1) as number).toFixed(0)}; ${last.pointsJudged} points judged, ${last.tests} tests)`,
  )
}

async function main(): Promise<void> {
  await ensureDatabase()
  const database = await openDatabase({ kind: 'postgres', url: urlFor(NAME) })
  try {
    await database.migrateOrThrow()
    await build(database)
    const counts = await database.withConnection((c) =>
      c.query<{ decisions: number; audits: number; slices: number }>(
        `select (select count(*)::int from decisions) as decisions, (select count(*)::int from audits) as audits,
                (select count(distinct actor_id)::int from audited_decisions) as slices`,
      ),
    )
    const c = counts.rows[0]
    report(
      'store',
      `${c?.decisions.toLocaleString('en-US')} decisions, ${c?.audits.toLocaleString('en-US')} audits, ${c?.slices} moderators`,
    )
    await setMonitor(
      database,
      {
        id: 'bench-moderators',
        name: 'Error rate per moderator, daily',
        metric: 'error_rate',
        by: ['actor_id'],
        period: 'day',
        baseline: { kind: 'rolling', periods: 62, minPeriods: 7 },
        history: 28,
        minCount: 3,
      },
      'bench',
      new Date(),
    )
    const now = new Date('2026-11-23T06:00:00Z')
    await timed('monitor run: 1,000 slices × 90 days (one monitor)', () =>
      runMonitors(database, { asOf: '2026-11-23', monitorIds: ['bench-moderators'], now }),
    )
    await timed('monitor run: the default set (3 charts + targets)', () =>
      runMonitors(database, {
        asOf: '2026-11-23',
        monitorIds: [
          'error-rate-daily',
          'error-rate-weekly',
          'critical-error-rate-weekly',
          'targets-missed',
        ],
        now,
      }),
    )
    await timed(
      'backfill: 7 as-of days of the 1,000-slice monitor',
      () =>
        runMonitors(database, {
          asOf: '2026-11-23',
          from: '2026-11-17',
          monitorIds: ['bench-moderators'],
          now,
        }),
      1,
    )
  } finally {
    await database.destroy()
  }
}

await main()
