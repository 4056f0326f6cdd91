/**
 * Sampling benchmarks:
 * - streaming draw: `drawStreaming` over in-memory decisions, per decision (target < 1 µs);
 * - batch draw: an exact-quota stratified draw (proportional, 12 strata) over a one-week period
 *   of 10,000,000 decisions on PostgreSQL, in a throwaway database (target < 10 s); decisions are
 *   generated in SQL with generate_series. `ASSAY_BENCH_DECISIONS` changes the count.
 */
import { sql } from 'kysely'
import { Bench } from 'tinybench'
import { validatePlan } from '../src/domain/sampling/plan.js'
import type { SamplingDecision } from '../src/domain/sampling/stratum.js'
import { drawSample } from '../src/engine/sampling/draw-sample.js'
import { compileStreamingPlan, drawStreaming } from '../src/engine/sampling/draw-streaming.js'
import { savePlan } from '../src/engine/sampling/plans.js'
import { initStore } from '../src/engine/setup/init-store.js'
import { openDatabase } from '../src/store/db.js'
import { createThrowawayPostgres } from '../test/helpers/db.js'
import { describeMachine, peakRssMiB, report } from './machine.js'

console.log(describeMachine())

// --- streaming ---------------------------------------------------------------------------------
const REGIONS = ['EU', 'NA', 'APAC', 'LATAM']
const QUEUES = ['reports', 'proactive', 'appeals']
const decisions: SamplingDecision[] = Array.from({ length: 100_000 }, (_, i) => ({
  decision_id: `dec-${i.toString(36)}-${(i * 2654435761) % 1_000_003}`,
  region: REGIONS[i % 4]!,
  queue: QUEUES[i % 3]!,
  actor_type: i % 10 === 0 ? 'machine' : 'human',
  actor_id: `mod-${i % 500}`,
  policy: 'hate_speech',
  action: 'remove',
  attributes: { market: `m${i % 7}` },
}))
const tiers = new Map([['hate_speech', 2]])
const plan = validatePlan({
  name: 'bench',
  strata: ['region', 'queue', 'attributes.market'],
  allocation: { method: 'fixed_rate', rate: 0.02 },
})
const compiled = compileStreamingPlan(
  { planId: 'bench', version: 1, salt: 'bench-salt', plan },
  tiers,
)
let sampled = 0
let cpuMicros = 0
let runs = 0
const bench = new Bench({ time: 2000 })
bench.add('drawStreaming, 100,000 decisions', () => {
  const before = process.cpuUsage()
  sampled = drawStreaming(compiled, decisions).length
  const used = process.cpuUsage(before)
  cpuMicros += used.user + used.system
  runs += 1
})
await bench.run()
const task = bench.tasks[0]!
const meanMs = task.result?.latency?.mean ?? Number.NaN
report(
  'streaming draw per decision (3 strata fields, hash rule)',
  `${((meanMs * 1e6) / decisions.length).toFixed(0)} ns wall, ${((cpuMicros * 1e3) / runs / decisions.length).toFixed(0)} ns CPU (target < 1000 ns); ${sampled} sampled of ${decisions.length}`,
)

// --- batch on PostgreSQL -----------------------------------------------------------------------
const N = Number(process.env.ASSAY_BENCH_DECISIONS ?? 10_000_000)
const pg = await createThrowawayPostgres('bench_sampling')
const database = await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 4 })
try {
  await database.migrateOrThrow()
  await initStore(database)
  const generateStart = performance.now()
  // Batches of 1M rows keep each statement's memory and WAL bounded.
  for (let from = 1; from <= N; from += 1_000_000) {
    const to = Math.min(N, from + 999_999)
    await sql`
      insert into decisions (decision_id, content_id, decided_at, region, queue, actor_type, actor_id, policy, action)
      select 'd' || g, 'c' || g, '2026-03-02T00:00:00Z'::timestamptz + (g % 604800) * interval '1 second',
             (array['EU','NA','APAC','LATAM'])[1 + g % 4], (array['reports','proactive','appeals'])[1 + (g / 4) % 3],
             case when g % 10 = 0 then 'machine' else 'human' end, 'mod-' || (g % 2000),
             (array['none','hate_speech','spam','harassment'])[1 + (g / 12) % 4],
             (array['no_action','remove','remove','restrict'])[1 + (g / 12) % 4]
      from generate_series(${from}::int, ${to}::int) g`.execute(database.db)
  }
  await sql`analyze decisions`.execute(database.db)
  report(
    `generated ${N.toLocaleString('en')} decisions in SQL`,
    `${((performance.now() - generateStart) / 1000).toFixed(1)} s`,
  )

  const { stored } = await savePlan(database, {
    document: {
      name: 'bench-batch',
      strata: ['region', 'queue'],
      allocation: { method: 'proportional', total: 10_000 },
      exclusions: { already_audited: true },
    },
  })
  const start = performance.now()
  const result = await drawSample(database, stored, {
    period: '2026-W10',
    now: new Date('2026-03-10T00:00:00Z'),
  })
  const seconds = (performance.now() - start) / 1000
  report(
    `batch draw, 12 strata, ${N.toLocaleString('en')} decisions (PostgreSQL)`,
    `${seconds.toFixed(2)} s (target < 10 s); ${result.result?.sampled} sampled, ${result.result?.tasksCreated} tasks`,
  )

  const { stored: withMinimum } = await savePlan(database, {
    document: {
      name: 'bench-batch-min',
      strata: ['region', 'queue'],
      allocation: { method: 'proportional', total: 10_000 },
      min_per_moderator: 8,
      exclusions: { already_audited: false },
    },
  })
  const startMin = performance.now()
  const resultMin = await drawSample(database, withMinimum, {
    period: '2026-W10',
    now: new Date('2026-03-10T00:00:00Z'),
  })
  report(
    `batch draw + minimum 8 per moderator (1,800 moderators)`,
    `${((performance.now() - startMin) / 1000).toFixed(2)} s; ${resultMin.result?.sampled} sampled, ${resultMin.moderators?.added} top-ups`,
  )
} finally {
  await database.destroy()
  await pg.drop()
}
report('peak RSS', `${peakRssMiB().toFixed(0)} MiB`)
