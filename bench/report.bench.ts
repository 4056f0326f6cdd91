/**
 * The standard quality report on PostgreSQL at 1M and 10M decisions with the same number of QA
 * audits (~400,000, as the metrics issue states: the report must not grow with the number of
 * decisions), each size in its own throwaway database, against a baseline that recomputes the
 * same headline figures from the raw CSVs with numpy (pandas and DuckDB are not installed here).
 * Sampling is heavier at 1M (inclusion probabilities ×10) so that both stores hold about the same
 * audits; the report's verdict side is linear in audits, its decision side reads roll-ups only.
 *
 * Data: decisions spread over Oct–Nov 2026 by `generate_series` (hash-derived dimensions), the
 * volume roll-ups filled by INSERT … SELECT … GROUP BY (as ingest keeps them), QA audits drawn
 * with queue-dependent inclusion probabilities, second-QA audits, disputes and arbitrations, so
 * the report reads final verdicts as the triggers derive them (`verdict_facts`). The report covers both months.
 *
 * Expected cost: generation ~3–4 min, CSV export and numpy ~1–2 min; total under ~8 min.
 * BENCH_REPORT_SIZES=1000000 measures one size; BENCH_REPORT_AUDITS sets the QA audits per store
 * (default 400000); BENCH_REPORT_KEEP keeps the databases and BENCH_REPORT_URL=… (with
 * BENCH_REPORT_SIZES set to its size) measures a kept one again.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildReport } from '../src/engine/reports/build-report.js'
import { renderReport } from '../src/engine/reports/render-report.js'
import { initStore } from '../src/engine/setup/init-store.js'
import { openDatabase, type Database } from '../src/store/db.js'
import { createThrowawayPostgres } from '../test/helpers/db.js'
import { describeMachine, peakRssMiB, report } from './machine.js'

const SIZES = (process.env.BENCH_REPORT_SIZES ?? '1000000,10000000').split(',').map(Number)
const START = '2026-10-01T00:00:00Z'
const SPAN_SECONDS = 61 * 86_400
const PERIOD = '2026-10-01..2026-11-30'
const NOW = new Date('2026-12-01T00:00:00Z')
const GAMMA = (1 + 0.01) / (1 - 0.01)
const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 9)
const AUDITS = Number(process.env.BENCH_REPORT_AUDITS ?? 400_000)
/** Mean of the per-queue base inclusion probabilities below (six queues, equally frequent). */
const MEAN_BASE_PI = (0.1 + 0.02 + 4 * 0.04) / 6

/**
 * Appends decisions (from, to] and everything derived from them; QA inclusion probabilities are
 * the per-queue base ones × `scale` (at most 1).
 */
async function generate(
  database: Database,
  from: number,
  to: number,
  total: number,
  scale: number,
): Promise<void> {
  // decided_at grows with i, so the new decisions (and their audits, 6 h later) are a time window,
  // [lo, hi): decision i at START + (i - 1) × span / total, all inside the report's period.
  const lo = `timestamptz '${START}' + make_interval(secs => (${from}::float8 * ${SPAN_SECONDS} / ${total}))`
  const hi = `timestamptz '${START}' + make_interval(secs => (${to}::float8 * ${SPAN_SECONDS} / ${total}))`
  const window = `decided_at >= ${lo} and decided_at < ${hi}`
  const auditWindow = `a.audited_at >= ${lo} + interval '6 hours' and a.audited_at < ${hi} + interval '6 hours'`
  await database.withConnection(async (connection) => {
    const c = {
      query: async (text: string) => {
        const started = performance.now()
        await connection.query(text)
        if (process.env.BENCH_REPORT_VERBOSE !== undefined)
          console.log(
            `  ${((performance.now() - started) / 1000).toFixed(1)} s  ${text.trim().slice(0, 60).replace(/\s+/g, ' ')}`,
          )
      },
    }
    // h is a cheap deterministic hash of i; each dimension reads different bits of it.
    await c.query(`
      insert into decisions (decision_id, content_id, content_type, decided_at, region, language, queue, site, actor_type,
                             actor_id, policy, action, score, handle_time_ms, policy_version, attributes)
      select 'd' || i, 'c' || i, 'video',
             timestamptz '${START}' + make_interval(secs => ((i - 1)::float8 * ${SPAN_SECONDS} / ${total})),
             (array['emea','apac','amer','latam','mena','india'])[1 + (h % 6)],
             'en',
             (array['video','comment','live','image','account','ads'])[1 + (h / 7 % 6)],
             (array['emea','apac','amer','latam','mena','india'])[1 + (h % 6)] || '-site-' || (h / 61 % 2),
             case when h / 401 % 10 < 3 then 'machine' else 'human' end,
             case when h / 401 % 10 < 3 then 'model-v' || (h / 4001 % 3) else 'mod-' || lpad((h / 4001 % 2000)::text, 4, '0') end,
             p.policy,
             case when p.policy = 'none' then 'no_action' else (array['remove','restrict','label'])[1 + (h / 90001 % 3)] end,
             null, 3000 + (h / 7919 % 400) * 50, 'v' || (1 + h / 30011 % 2), '{}'
      from (select i, (i * 2654435761) % 4294967291 as h from generate_series(${from + 1}::bigint, ${to}::bigint) i) g
      cross join lateral (select case when g.h / 13 % 100 < 45 then 'none'
                                      else (array['hate_speech','spam','harassment','adult_nudity','violent_graphic','self_harm','misinformation'])[1 + (g.h / 1301 % 7)] end as policy) p`)
    // QA audits: inclusion probability by queue (×scale); 90 % agree with the decision.
    await c.query(`
      insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, severity, root_cause, kind,
                          inclusion_probability, comment, attributes, outcome, taxonomy_version, source)
      select 'a' || d.i, 'd' || d.i, 'aud-' || (d.h % 60), d.decided_at + interval '6 hours', v.policy, v.action,
             case when v.outcome = 'correct' then null else (array['critical','major','minor','minor'])[1 + (d.h / 3 % 4)] end,
             case when v.outcome = 'correct' then null
                  else (array['policy_misread','guideline_gap','missing_context','language_gap','fatigue','misclick','model_threshold','new_trend'])[1 + (d.h / 5 % 8)] end,
             'qa', d.pi, null, '{}', v.outcome, 1, 'import'
      from (select i, h, x.decided_at, x.policy, x.action, x.queue,
                   least(1, ${scale} * case x.queue when 'live' then 0.1 when 'comment' then 0.02 else 0.04 end) as pi
            from (select substr(decision_id, 2)::bigint as i, (substr(decision_id, 2)::bigint * 2654435761) % 4294967291 as h, *
                  from decisions where ${window}) x) d
      cross join lateral (
        select t.policy, t.action,
               case when t.policy = d.policy and t.action = d.action then 'correct'
                    when d.action <> 'no_action' and t.policy = 'none' then 'false_positive'
                    when d.action = 'no_action' and t.policy <> 'none' then 'false_negative'
                    when t.policy = d.policy then 'wrong_action' else 'wrong_policy' end as outcome
        from (select case when d.h / 17 % 100 >= 10 then d.policy
                          when d.policy = 'none' then 'spam' when d.h % 2 = 0 then 'none' else 'harassment' end as policy,
                     case when d.h / 17 % 100 >= 10 then d.action
                          when d.policy = 'none' then 'remove' when d.h % 2 = 0 then 'no_action' else 'remove' end as action) t
      ) v
      where (d.h / 100003 % 10000) < d.pi * 10000`)
    await c.query(`
      insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, kind, outcome, taxonomy_version, attributes)
      select 's' || a.audit_id, a.decision_id, 'aud-2nd', a.audited_at + interval '1 day',
             case when abs(hashtext(a.audit_id)) % 100 < 88 then a.policy else 'none' end,
             case when abs(hashtext(a.audit_id)) % 100 < 88 then a.action else 'no_action' end, 'second_qa', 'correct', 1, '{}'
      from audits a where a.kind = 'qa' and abs(hashtext(a.audit_id)) % 10 = 0 and ${auditWindow}`)
    await c.query(`
      insert into disputes (dispute_id, audit_id, decision_id, moderator_id, reason, filed_at)
      select 'disp-' || a.audit_id, a.audit_id, a.decision_id, 'mod', 'disagree', a.audited_at + interval '2 hours'
      from audits a where a.kind = 'qa' and a.outcome <> 'correct' and abs(hashtext(a.audit_id || 'x')) % 5 = 0 and ${auditWindow}`)
    await c.query(`
      insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, kind, outcome, taxonomy_version, attributes)
      select 'arb-' || a.audit_id, a.decision_id, 'arb-1', a.audited_at + interval '3 days', x.policy, x.action, 'arbitration', 'correct', 1, '{}'
      from disputes p join audits a on a.audit_id = p.audit_id join decisions x on x.decision_id = a.decision_id
      where abs(hashtext(p.dispute_id)) % 2 = 0 and ${auditWindow}`)
    // Roll-ups of the new decisions, merged into existing cells.
    const range = window
    await c.query(`
      insert into decision_volume_daily
      select (decided_at at time zone 'UTC')::date, region, queue, coalesce(site, ''), actor_type, policy, action,
             count(*), count(handle_time_ms), coalesce(sum(handle_time_ms), 0)
      from decisions where ${range}
      group by 1, 2, 3, 4, 5, 6, 7
      on conflict (day, region, queue, site, actor_type, policy, action) do update set
        decisions = decision_volume_daily.decisions + excluded.decisions,
        handle_time_count = decision_volume_daily.handle_time_count + excluded.handle_time_count,
        handle_time_total_ms = decision_volume_daily.handle_time_total_ms + excluded.handle_time_total_ms`)
    // Each new cell's handle-time sketch (merged into a stored one), and the narrow sketches.
    const buckets = `case when handle_time_ms < 1 then 0 else floor(ln(handle_time_ms) / ln(${GAMMA}))::int + 1 end`
    await c.query(`
      with counted as (
        select (decided_at at time zone 'UTC')::date as day, region, queue, coalesce(site, '') as site, actor_type,
               policy, action, ${buckets} as bucket, count(*) as n
        from decisions where ${range} and handle_time_ms is not null
        group by 1, 2, 3, 4, 5, 6, 7, 8
      ), sketches as (
        select day, region, queue, site, actor_type, policy, action,
               array_agg(bucket order by bucket) as b, array_agg(n order by bucket) as n
        from counted group by 1, 2, 3, 4, 5, 6, 7
      )
      update decision_volume_daily v
      set (handle_time_buckets, handle_time_bucket_counts) =
            (select m.buckets, m.counts from assay_merge_sketch(v.handle_time_buckets, v.handle_time_bucket_counts, s.b, s.n) m)
      from sketches s
      where (v.day, v.region, v.queue, v.site, v.actor_type, v.policy, v.action)
          = (s.day, s.region, s.queue, s.site, s.actor_type, s.policy, s.action)`)
    await c.query(`
      insert into decision_handle_time_scope
      select (decided_at at time zone 'UTC')::date, region, coalesce(site, ''), ${buckets}, count(*)
      from decisions where ${range} and handle_time_ms is not null
      group by 1, 2, 3, 4
      on conflict (day, region, site, bucket) do update set
        count = decision_handle_time_scope.count + excluded.count`)
    for (const table of [
      'decisions',
      'audits',
      'audited_decisions',
      'disputes',
      'decision_volume_daily',
      'decision_handle_time_scope',
    ]) {
      await c.query(`vacuum analyze ${table}`)
    }
  })
}

const BASELINE = String.raw`
import sys, time, json
import numpy as np
t0 = time.perf_counter()
# Byte strings of bounded width: unicode arrays of 10M rows need tens of GB.
dec = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1, dtype='S24', usecols=(0, 3, 4, 6, 7, 8, 9, 10, 11, 13), encoding=None)
ver = np.loadtxt(sys.argv[2], delimiter=',', skiprows=1, dtype='S24', usecols=(0, 2, 4, 5, 6, 7), encoding=None)
t1 = time.perf_counter()
ids, day, region, queue, site, actor_type, actor, policy, action, handle = dec.T
day = day.astype('S10')
handle = handle.astype(np.float64)
vid, vpolicy, severity, root_cause, outcome, pi = ver.T
w = 1.0 / pi.astype(np.float64)
order = np.argsort(ids)
pos = order[np.searchsorted(ids, vid, sorter=order)]
correct = (outcome == b'correct').astype(np.float64)
enforces = action[pos] != b'no_action'
def rate(mask, num):
    return float((w * num * mask).sum() / (w * mask).sum())
res = {}
res['accuracy'] = rate(np.ones_like(w), correct)
res['error_rate'] = 1 - res['accuracy']
res['false_positive_rate'] = rate(enforces, outcome == b'false_positive')
res['false_negative_rate'] = rate(~enforces, outcome == b'false_negative')
res['critical_error_rate'] = rate(np.ones_like(w), (outcome != b'correct') & (severity == b'critical'))
res['n_eff'] = float(w.sum() ** 2 / (w * w).sum())
for name, col in (('region', region), ('queue', queue), ('actor', actor)):
    keys, inv = np.unique(col[pos], return_inverse=True)
    acc = np.bincount(inv, weights=w * correct) / np.bincount(inv, weights=w)
    res['slices_' + name] = len(keys)
for name, col in (('outcome', outcome), ('root_cause', root_cause)):
    keys, inv = np.unique(col[outcome != b'correct'], return_inverse=True)
    res['pareto_' + name] = dict(zip([k.decode() for k in keys.tolist()], np.bincount(inv, weights=w[outcome != b'correct']).round(1).tolist()))
days, counts = np.unique(day, return_counts=True)
res['decisions'] = int(counts.sum())
res['p50'], res['p90'] = np.quantile(handle, [0.5, 0.9]).tolist()
keys, inv = np.unique(np.char.add(vpolicy, np.char.add(b'>', policy[pos])), return_inverse=True)
res['confusion_cells'] = len(keys)
t2 = time.perf_counter()
print(json.dumps({'load_s': t1 - t0, 'compute_s': t2 - t1, 'total_s': t2 - t0, 'accuracy': res['accuracy'], 'decisions': res['decisions'], 'audits': int(len(w))}))
`

function exportCsv(url: string, query: string, file: string): void {
  execFileSync('psql', [url, '-c', `\\copy (${query}) to '${file}' with (format csv, header)`], {
    stdio: 'pipe',
  })
}

async function timeReport(
  database: Database,
  runs: number,
): Promise<{
  first: number
  median: number
  min: number
  audits: number
  accuracy: number | null
}> {
  const times: number[] = []
  let first = 0
  let last
  for (let k = 0; k < runs + 1; k++) {
    const started = performance.now()
    last = await buildReport(database, null, { period: PERIOD, by: ['region', 'queue'], now: NOW })
    renderReport(last, 'html')
    // The first report of a process also loads every final verdict into memory (fact-table.ts).
    if (k === 0) first = performance.now() - started
    else times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return {
    first,
    median: times[Math.floor(times.length / 2)] as number,
    min: times[0] as number,
    audits: last?.volume.audits ?? 0,
    accuracy: last?.headline.find((h) => h.code === 'accuracy')?.current.estimate ?? null,
  }
}

async function main(): Promise<void> {
  console.log(describeMachine())
  // BENCH_REPORT_URL: measure a store kept from an earlier run (BENCH_REPORT_KEEP) as it is.
  const reuse = process.env.BENCH_REPORT_URL
  if (reuse !== undefined && SIZES.length !== 1)
    throw new Error('BENCH_REPORT_URL needs BENCH_REPORT_SIZES set to the size of that store')
  const scratch = mkdtempSync(join(tmpdir(), 'assay-report-bench-'))
  try {
    for (const size of SIZES) {
      const scale = AUDITS / (size * MEAN_BASE_PI)
      if (!(scale > 0) || scale * 0.1 > 1)
        throw new Error(
          `BENCH_REPORT_AUDITS=${AUDITS} cannot be drawn from ${size} decisions (inclusion probabilities over 1)`,
        )
      const { url, drop } =
        reuse === undefined
          ? await createThrowawayPostgres('bench_report')
          : { url: reuse, drop: async () => undefined }
      try {
        const started = performance.now()
        if (reuse === undefined) {
          const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 })
          try {
            await database.migrateOrThrow()
            await initStore(database)
            await generate(database, 0, size, size, scale)
          } finally {
            await database.destroy()
          }
        }
        report(
          `generate ${size.toLocaleString('en-US')} decisions, QA inclusion ×${scale.toFixed(2)} (setup, not measured)`,
          reuse === undefined ? `${((performance.now() - started) / 1000).toFixed(1)} s` : 'reused',
        )
        // A fresh connection pool, so that the first report is a new process's first report.
        const reader = await openDatabase({ kind: 'postgres', url, poolSize: 4 })
        const timing = await timeReport(reader, RUNS).finally(() => reader.destroy())
        report(
          `first report of a process over ${size.toLocaleString('en-US')} decisions (loads the verdicts)`,
          `${timing.first.toFixed(0)} ms`,
        )
        report(
          `report (json + html) over ${size.toLocaleString('en-US')} decisions, ${timing.audits.toLocaleString('en-US')} final verdicts`,
          `median ${timing.median.toFixed(0)} ms (min ${timing.min.toFixed(0)} ms, ${RUNS} runs)`,
        )
        const decisionsCsv = join(scratch, 'decisions.csv')
        const verdictsCsv = join(scratch, 'verdicts.csv')
        exportCsv(
          url,
          'select decision_id, content_id, content_type, decided_at, region, language, queue, site, actor_type, actor_id, policy, action, score, handle_time_ms, policy_version from decisions',
          decisionsCsv,
        )
        exportCsv(
          url,
          `select decision_id, auditor_id, policy, action, coalesce(severity, '') as severity, coalesce(root_cause, '') as root_cause, outcome, coalesce(inclusion_probability, 1) as inclusion_probability from final_verdicts`,
          verdictsCsv,
        )
        const script = join(scratch, 'baseline.py')
        writeFileSync(script, BASELINE)
        const result = spawnSync('python3', [script, decisionsCsv, verdictsCsv], {
          encoding: 'utf8',
        })
        if (result.status !== 0) throw new Error(`numpy baseline failed: ${result.stderr}`)
        const baseline = JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as {
          load_s: number
          compute_s: number
          total_s: number
          accuracy: number
        }
        const mib = (statSync(decisionsCsv).size + statSync(verdictsCsv).size) / 1024 ** 2
        report(
          `numpy baseline from raw CSVs (${mib.toFixed(0)} MiB) at ${size.toLocaleString('en-US')}`,
          `${(baseline.total_s * 1000).toFixed(0)} ms (load ${(baseline.load_s * 1000).toFixed(0)} + compute ${(baseline.compute_s * 1000).toFixed(0)})`,
        )
        report(
          `  accuracy: report ${timing.accuracy?.toFixed(6)} vs numpy ${baseline.accuracy.toFixed(6)}`,
          Math.abs((timing.accuracy ?? 0) - baseline.accuracy) < 1e-9
            ? 'equal'
            : `DIFFERENT by ${((timing.accuracy ?? 0) - baseline.accuracy).toExponential(2)}`,
        )
      } finally {
        if (process.env.BENCH_REPORT_KEEP === undefined) await drop()
        else console.log(`kept ${url}`)
      }
    }
    report('peak RSS (this process)', `${peakRssMiB().toFixed(0)} MiB`)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

await main()
