/**
 * Sampling at ingest: decisions ingested with compiled plans are sampled by the streaming rule in
 * the batch's transaction — exactly what `drawStreaming` selects over the same decisions, with
 * inclusion probabilities and audit tasks; a re-run samples nothing again; 4 workers ingesting
 * parts of a file agree with one; an unknown plan is refused before anything is ingested.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { pino } from 'pino'
import { beforeAll, expect, it, vi } from 'vitest'
import { registerIngest } from '../../src/cli/commands/ingest.js'
import { parseConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { ValidationError } from '../../src/domain/errors.js'
import type { PlanInput } from '../../src/domain/sampling/plan.js'
import { ingestFile, type IngestSummary } from '../../src/engine/ingest/index.js'
import { compileIngestPlans } from '../../src/engine/sampling/compile-ingest-plans.js'
import { policyTiers } from '../../src/engine/sampling/draw-sample.js'
import {
  compileStreamingPlan,
  drawStreaming,
  type StreamSample,
} from '../../src/engine/sampling/draw-streaming.js'
import { savePlan } from '../../src/engine/sampling/plans.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { createApp, type App } from '../../src/server/app.js'
import { openDatabase, type Database } from '../../src/store/db.js'
import type { StoredPlan } from '../../src/store/sampling-store.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { makeTempDir, toCsv, toNdjson, writeFile } from '../ingest/helpers/files.js'
import {
  GENERATED_DECISION_COLUMNS,
  generateDecisions,
  type GeneratedDecision,
} from '../ingest/helpers/generate-decisions.js'
import { loadDecisions } from './fixtures.js'

// Generated decisions are decided from 2026-03-01 (a Sunday, ISO week 9) over 7 days (into week 10).
const FROM = '2026-03-01T00:00:00Z'
const TO = '2026-03-09T00:00:00Z'

const PLANS: PlanInput[] = [
  {
    name: 'ingest-qa',
    salt: 'ingest-salt',
    period: 'week',
    strata: ['region', 'attributes.market_segment'],
    allocation: {
      method: 'fixed_rate',
      rate: 0.05,
      rates: { 'emea|consumer': 0.4, 'na|business': 0.25 },
    },
    exclusions: { actor_types: ['machine'] },
  } as PlanInput,
  {
    name: 'ingest-daily',
    salt: 'daily-salt',
    period: 'day',
    strata: ['policy_tier'],
    allocation: { method: 'fixed_rate', rate: 0.08 },
  } as PlanInput,
]
const PLAN_IDS = PLANS.map((p) => p.name)

interface StoredSample {
  planId: string
  planVersion: number
  decisionId: string
  stratum: string
  inclusionProbability: number
  method: string
  phase: number
  period: string
  /** The day or ISO week of the decision, computed by PostgreSQL. */
  expectedPeriod: string
}

const byKey = (a: { planId: string; decisionId: string }, b: typeof a) =>
  a.planId < b.planId
    ? -1
    : a.planId > b.planId
      ? 1
      : a.decisionId < b.decisionId
        ? -1
        : a.decisionId > b.decisionId
          ? 1
          : 0

function csvOf(rows: readonly GeneratedDecision[]): string {
  return toCsv(GENERATED_DECISION_COLUMNS, rows as unknown as Record<string, unknown>[])
}

describeEachBackend('sampling at ingest', (get, backend) => {
  const dir = makeTempDir('stream-at-ingest')
  const stored = new Map<string, StoredPlan>()

  beforeAll(async () => {
    const { database } = get()
    await initStore(database)
    for (const plan of PLANS) {
      const { stored: s } = await savePlan(database, { document: plan })
      stored.set(s.planId, s)
    }
  })

  /** The samples of decisions `d-<prefix>…`, with the period PostgreSQL gives their decision. */
  async function samplesOf(prefix: string): Promise<StoredSample[]> {
    const { rows } = await get().database.withConnection((c) =>
      c.query<StoredSample>(
        `select s.plan_id as "planId", s.plan_version as "planVersion", s.decision_id as "decisionId",
                s.stratum, s.inclusion_probability as "inclusionProbability", s.method, s.phase, s.period,
                case p.document ->> 'period'
                  when 'day' then to_char(d.decided_at at time zone 'UTC', 'YYYY-MM-DD')
                  else to_char(d.decided_at at time zone 'UTC', 'IYYY-"W"IW') end as "expectedPeriod"
         from samples s
         join decisions d on d.decision_id = s.decision_id
         join sampling_plans p on p.plan_id = s.plan_id and p.version = s.plan_version
         where s.decision_id like $1`,
        [`d-${prefix}%`],
      ),
    )
    return rows.sort(byKey)
  }

  async function tasksOf(prefix: string) {
    const { rows } = await get().database.withConnection((c) =>
      c.query<{ decisionId: string; planId: string; kind: string; assigneeId: string | null }>(
        `select decision_id as "decisionId", plan_id as "planId", kind, assignee_id as "assigneeId"
         from audit_tasks where decision_id like $1 order by decision_id`,
        [`d-${prefix}%`],
      ),
    )
    return rows
  }

  /** What drawStreaming selects, plan by plan, over the stored decisions `d-<prefix>…`. */
  async function expectedSamples(database: Database, prefix: string): Promise<StreamSample[]> {
    const tiers = await policyTiers(database)
    const decisions = (await loadDecisions(database, FROM, TO)).filter((d) =>
      d.decision_id.startsWith(`d-${prefix}`),
    )
    return PLAN_IDS.flatMap((id) =>
      drawStreaming(compileStreamingPlan(stored.get(id)!, tiers), decisions),
    ).sort(byKey)
  }

  function expectSameSample(actual: StoredSample[], expected: StreamSample[]): void {
    expect(
      actual.map((s) => ({
        planId: s.planId,
        planVersion: s.planVersion,
        decisionId: s.decisionId,
        stratum: s.stratum,
        inclusionProbability: s.inclusionProbability,
      })),
    ).toEqual(expected)
    for (const s of actual) {
      expect(s.method).toBe('stream')
      expect(s.phase).toBe(1)
      expect(s.period).toBe(s.expectedPeriod)
    }
  }

  const ingest = async (path: string, batchSize: number): Promise<IngestSummary> =>
    ingestFile(get().database, 'decisions', path, {
      batchSize,
      sampling: await compileIngestPlans(get().database, PLAN_IDS),
    })

  const fileA = join(dir, 'a.csv')

  it('samples exactly what drawStreaming selects over the same decisions, with inclusion probabilities and tasks', async () => {
    const { database } = get()
    writeFile(dir, 'a.csv', csvOf([...generateDecisions(3000, { idPrefix: 'a-', seed: 3 })]))
    const summary = await ingest(fileA, 700)
    expect(summary.inserted).toBe(3000)

    const expected = await expectedSamples(database, 'a-')
    const actual = await samplesOf('a-')
    expectSameSample(actual, expected)
    // Both plans sampled, both weeks and several strata with their own rates are represented.
    for (const id of PLAN_IDS)
      expect(actual.filter((s) => s.planId === id).length).toBeGreaterThan(20)
    const periods = (id: string) =>
      new Set(actual.filter((s) => s.planId === id).map((s) => s.period))
    expect(periods('ingest-qa')).toEqual(new Set(['2026-W09', '2026-W10']))
    expect(periods('ingest-daily').size).toBe(7)
    expect(new Set(actual.map((s) => s.inclusionProbability))).toEqual(
      new Set([0.05, 0.4, 0.25, 0.08]),
    )

    // One qa task per sampled decision (across plans), open, for a plan that sampled it.
    const tasks = await tasksOf('a-')
    const sampledIds = new Set(actual.map((s) => s.decisionId))
    expect(tasks.map((t) => t.decisionId)).toEqual([...sampledIds].sort())
    for (const t of tasks) {
      expect(t.kind).toBe('qa')
      expect(t.assigneeId).toBeNull()
      expect(actual.some((s) => s.decisionId === t.decisionId && s.planId === t.planId)).toBe(true)
    }
    expect(summary.sampling).toEqual({ samples: actual.length, tasksCreated: sampledIds.size })
  })

  it('re-ingesting the file adds no samples and no tasks', async () => {
    const before = await samplesOf('a-')
    const tasksBefore = await tasksOf('a-')
    const summary = await ingest(fileA, 700)
    expect(summary).toMatchObject({
      inserted: 0,
      duplicates: 3000,
      sampling: { samples: 0, tasksCreated: 0 },
    })
    expect(await samplesOf('a-')).toEqual(before)
    expect(await tasksOf('a-')).toEqual(tasksBefore)
  })

  it('does not sample decisions stored before, even when a later ingest names plans', async () => {
    const path = writeFile(
      dir,
      'b.csv',
      csvOf([...generateDecisions(1000, { idPrefix: 'b-', seed: 4 })]),
    )
    expect((await ingestFile(get().database, 'decisions', path)).sampling).toBeUndefined()
    const summary = await ingest(path, 300)
    expect(summary).toMatchObject({ inserted: 0, sampling: { samples: 0, tasksCreated: 0 } })
    expect(await samplesOf('b-')).toEqual([])
  })

  it('writes samples in the batch transaction: a failed sample write keeps the batch out, a re-run completes both', async () => {
    const { database } = get()
    const query = (text: string) => database.withConnection((c) => c.query(text))
    const path = writeFile(
      dir,
      'x.csv',
      csvOf([...generateDecisions(1000, { idPrefix: 'x-', seed: 8 })]),
    )
    await query(`create function assay_test_fail_sample() returns trigger language plpgsql as $$
      begin raise exception 'sample write failed'; end $$`)
    await query(`create trigger assay_test_fail_sample before insert on samples for each row
      when (new.decision_id like 'd-x-%') execute function assay_test_fail_sample()`)
    try {
      await expect(ingest(path, 200)).rejects.toThrow(/sample write failed/)
    } finally {
      await query('drop trigger assay_test_fail_sample on samples')
      await query('drop function assay_test_fail_sample()')
    }
    // The first batch sampled something, so nothing of it (nor after it) was stored.
    const stored = await query(
      `select count(*)::int as n from decisions where decision_id like 'd-x-%'`,
    )
    expect(stored.rows[0]).toEqual({ n: 0 })
    expect(await samplesOf('x-')).toEqual([])

    const summary = await ingest(path, 200)
    expect(summary.inserted).toBe(1000)
    expectSameSample(await samplesOf('x-'), await expectedSamples(database, 'x-'))
  })

  it('gives the same sample when 4 workers ingest parts of the file, in any order, with overlaps', async () => {
    const { database } = get()
    const rows = [...generateDecisions(3000, { idPrefix: 'w-', seed: 11 })]
    const parts = [0, 1, 2, 3].map((i) => rows.slice(i * 750, (i + 1) * 750))
    // Part 3 repeats the end of part 2: its first batches mix stored and new decisions.
    parts[3] = [...parts[2]!.slice(-120), ...parts[3]!]
    const paths = parts.map((p, i) => writeFile(dir, `w-${i}.csv`, csvOf(p)))
    let inserted = 0
    let samples = 0
    for (const i of [2, 0, 3, 1]) {
      // Each worker compiles the plans on its own.
      const summary = await ingest(paths[i]!, 200)
      inserted += summary.inserted
      samples += summary.sampling?.samples ?? 0
    }
    expect(inserted).toBe(3000)
    const expected = await expectedSamples(database, 'w-')
    const actual = await samplesOf('w-')
    expectSameSample(actual, expected)
    expect(samples).toBe(expected.length)
    expect((await tasksOf('w-')).length).toBe(new Set(expected.map((s) => s.decisionId)).size)
  })

  it('refuses an unknown plan before anything is ingested', async () => {
    const { database } = get()
    await expect(compileIngestPlans(database, ['ingest-qa', 'no-such-plan'])).rejects.toThrow(
      ValidationError,
    )
    await expect(compileIngestPlans(database, ['no-such-plan'])).rejects.toThrow(
      /unknown sampling plan: no-such-plan/,
    )
    expect(await compileIngestPlans(database, [])).toEqual([])
  })

  it('compiles other allocations over the volumes of the period before the current one', async () => {
    const { database } = get()
    await savePlan(database, {
      document: {
        name: 'ingest-proportional',
        strata: ['region'],
        allocation: { method: 'proportional', total: 100 },
        exclusions: { already_audited: false },
      } as PlanInput,
    })
    // Now in 2026-W11: the reference is 2026-W10, where the earlier tests stored decisions.
    const [plan] = await compileIngestPlans(database, ['ingest-proportional'], {
      now: new Date('2026-03-12T08:00:00Z'),
    })
    const { rows } = await database.withConnection((c) =>
      c.query<{ region: string; n: number }>(
        `select region, count(*)::int as n from decisions
         where decided_at >= '2026-03-02T00:00:00Z' and decided_at < '2026-03-09T00:00:00Z' group by region`,
      ),
    )
    const total = rows.reduce((sum, r) => sum + r.n, 0)
    expect(total).toBeGreaterThan(1000)
    expect(plan!.defaultRate).toBeCloseTo(100 / total, 12)
    expect([...plan!.rates.keys()].sort()).toEqual(rows.map((r) => r.region).sort())
    // Integer sizes n_h = rate_h · N_h that add up to the total.
    const sizes = rows.map((r) => plan!.rates.get(r.region)! * r.n)
    for (const size of sizes) expect(size).toBeCloseTo(Math.round(size), 9)
    expect(sizes.reduce((sum, n) => sum + Math.round(n), 0)).toBe(100)
    // In 2026-W12 the reference (W11) is empty: refused before anything is ingested.
    await expect(
      compileIngestPlans(database, ['ingest-proportional'], {
        now: new Date('2026-03-18T08:00:00Z'),
      }),
    ).rejects.toThrow(ValidationError)
  })

  it('samples over HTTP with ?sampleWith= (repeatable) and answers 400 for an unknown plan', async () => {
    const ctx = await createContext(parseConfig({}), {
      database: get().database,
      logger: pino({ level: 'silent' }),
    })
    const app: App = createApp(ctx)
    const headers = {
      ...(await authHeaders(ctx.database, 'ingest')),
      'content-type': 'application/x-ndjson',
    }
    const body = toNdjson([...generateDecisions(400, { idPrefix: 'h-', seed: 5 })])

    const refused = await app.request('/v1/decisions?sampleWith=ingest-qa&sampleWith=nope', {
      method: 'POST',
      headers,
      body,
    })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toMatch(/unknown sampling plan: nope/)
    const audits = await app.request('/v1/audits?sampleWith=ingest-qa', {
      method: 'POST',
      headers,
      body: '',
    })
    expect(audits.status).toBe(400)
    expect(await samplesOf('h-')).toEqual([])
    const stored = await get().database.withConnection((c) =>
      c.query<{ n: number }>(
        `select count(*)::int as n from decisions where decision_id like 'd-h-%'`,
      ),
    )
    expect(stored.rows[0]!.n).toBe(0)

    const res = await app.request('/v1/decisions?sampleWith=ingest-qa&sampleWith=ingest-daily', {
      method: 'POST',
      headers,
      body,
    })
    expect(res.status).toBe(200)
    const result = (await res.json()) as { inserted: number; sampling: { samples: number } }
    const expected = await expectedSamples(get().database, 'h-')
    expect(result.inserted).toBe(400)
    expect(result.sampling.samples).toBe(expected.length)
    expectSameSample(await samplesOf('h-'), expected)

    const plain = await app.request('/v1/decisions', {
      method: 'POST',
      headers,
      body: toNdjson([...generateDecisions(10, { idPrefix: 'h2-', seed: 5 })]),
    })
    expect(await plain.json()).not.toHaveProperty('sampling')
  })

  it('samples with assay ingest decisions --sample-with (repeatable) and refuses an unknown plan', async () => {
    // The CLI opens its own store: the suite's PostgreSQL database, or an embedded one in a folder.
    const dataDir =
      backend === 'embedded' ? mkdtempSync(join(tmpdir(), 'assay-sample-ingest-')) : ''
    const store = backend === 'embedded' ? ['--data-dir', dataDir] : ['--database-url', get().url!]
    const withStore = async <T>(fn: (database: Database) => Promise<T>): Promise<T> => {
      if (backend === 'postgres') return fn(get().database)
      const database = await openDatabase({ kind: 'embedded', dataDir })
      try {
        return await fn(database)
      } finally {
        await database.destroy()
      }
    }
    const assay = async (...args: string[]): Promise<string> => {
      const program = new Command('assay').exitOverride()
      registerIngest(program)
      let output = ''
      const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
        output += `${parts.join(' ')}\n`
      })
      try {
        await program.parseAsync(['node', 'assay', ...args, ...store])
      } finally {
        log.mockRestore()
      }
      return output
    }
    try {
      if (backend === 'embedded') {
        await withStore(async (database) => {
          await database.migrateOrThrow()
          await initStore(database)
          for (const plan of PLANS) await savePlan(database, { document: plan })
        })
      }
      const file = writeFile(
        dir,
        'c.csv',
        csvOf([...generateDecisions(500, { idPrefix: 'c-', seed: 9 })]),
      )

      await expect(
        assay('ingest', 'decisions', file, '--sample-with', 'ingest-qa', '--sample-with', 'nope'),
      ).rejects.toThrow(/unknown sampling plan: nope/)
      await expect(assay('ingest', 'audits', file, '--sample-with', 'ingest-qa')).rejects.toThrow(
        ValidationError,
      )
      expect(
        await withStore((database) =>
          database.db
            .selectFrom('decisions')
            .select('decisionId')
            .where('decisionId', 'like', 'd-c-%')
            .execute(),
        ),
      ).toEqual([])

      const output = await assay(
        'ingest',
        'decisions',
        file,
        '--sample-with',
        'ingest-qa',
        '--sample-with',
        'ingest-daily',
      )
      const expected = await withStore((database) => expectedSamples(database, 'c-'))
      const tasks = new Set(expected.map((s) => s.decisionId)).size
      expect(output).toContain(
        `inserted 500, duplicates 0, rejected 0, sampled ${expected.length} (${tasks} audit tasks)`,
      )
      const again = await assay('ingest', 'decisions', file, '--sample-with', 'ingest-qa')
      expect(again).toContain('inserted 0, duplicates 500, rejected 0, sampled 0 (0 audit tasks)')
    } finally {
      if (backend === 'embedded') rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
