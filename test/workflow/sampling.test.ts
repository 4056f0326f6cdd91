import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { createHashUniform } from '../../src/domain/sampling/hash.js'
import { validatePlan, type PlanInput } from '../../src/domain/sampling/plan.js'
import { createStratumKey } from '../../src/domain/sampling/stratum.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { drawSample, policyTiers } from '../../src/engine/sampling/draw-sample.js'
import { compileStreamingPlan, drawStreaming } from '../../src/engine/sampling/draw-streaming.js'
import { savePlan } from '../../src/engine/sampling/plans.js'
import { hashUniformSql, stratumSql } from '../../src/store/sampling-store.js'
import { describeEachBackend } from '../helpers/db.js'
import { loadDecisions, seedDecisions } from './fixtures.js'

const WEEK = '2026-W10' // Monday 2026-03-02 .. Sunday 2026-03-08
const FROM = '2026-03-02T00:00:00Z'
const TO = '2026-03-09T00:00:00Z'
const N = 12_000

function plan(input: Omit<PlanInput, 'name'> & { name?: string }) {
  return { name: 'p', salt: 'fixed-salt', ...input } as PlanInput
}

/** |observed − expected| ≤ 4 binomial standard deviations. */
function expectWithinBinomial(observed: number, n: number, p: number): void {
  const sd = Math.sqrt(n * p * (1 - p))
  expect(Math.abs(observed - n * p)).toBeLessThanOrEqual(4 * sd + 1e-9)
}

describeEachBackend('sampling draws', (get) => {
  beforeAll(async () => {
    const { database } = get()
    await initStore(database)
    await seedDecisions(database, { count: N, start: FROM })
  })

  it('computes the same hash u in SQL as in TypeScript, bit for bit', async () => {
    const { database } = get()
    const ids = ['d-1', 'd-2', 'x', 'ümlaut-✓', 'a'.repeat(120), '']
    const u = createHashUniform('fixed-salt')
    for (const id of ids) {
      const { rows } = await sql<{
        u: number
      }>`select ${hashUniformSql('fixed-salt')} as u from (select ${id}::text as decision_id) d`.execute(
        database.db,
      )
      expect(rows[0]!.u).toBe(u(id))
    }
  })

  it('puts every decision in the same stratum in SQL as in TypeScript', async () => {
    const { database } = get()
    const p = validatePlan(
      plan({
        strata: ['region', 'attributes.market', 'language', 'policy_tier'],
        allocation: { method: 'fixed_rate', rate: 0.1 },
      }),
    )
    const tiers = await policyTiers(database)
    const { rows } = await sql<{ decisionId: string; stratum: string }>`
      select d.decision_id, ${stratumSql(p, tiers)} as stratum from decisions d`.execute(
      database.db,
    )
    const key = createStratumKey(p, tiers)
    const byId = new Map(
      (await loadDecisions(database, FROM, TO)).map((d) => [d.decision_id, key(d)]),
    )
    expect(rows.length).toBe(N)
    for (const row of rows) expect(row.stratum).toBe(byId.get(row.decisionId))
    expect(new Set(rows.map((r) => r.stratum)).size).toBeGreaterThan(20)
  })

  it('realises fixed rates in a streaming draw within sampling error, and the stored backfill agrees with it', async () => {
    const { database } = get()
    const rates = { EU: 0.02, NA: 0.1, APAC: 0.3 }
    const { stored } = await savePlan(database, {
      document: plan({
        name: 'stream-rates',
        strata: ['region'],
        allocation: { method: 'fixed_rate', rate: 0.05, rates },
        exclusions: { already_audited: false },
      }),
    })
    const tiers = await policyTiers(database)
    const decisions = await loadDecisions(database, FROM, TO)
    const sample = drawStreaming(compileStreamingPlan(stored, tiers), decisions)
    for (const [region, rate] of Object.entries(rates)) {
      const population = decisions.filter((d) => d.region === region).length
      const drawn = sample.filter((s) => s.stratum === region)
      expectWithinBinomial(drawn.length, population, rate)
      expect(drawn.every((s) => s.inclusionProbability === rate)).toBe(true)
    }
    const report = await drawSample(database, stored, { period: WEEK, method: 'stream' })
    const stored_ = await database.db
      .selectFrom('samples')
      .select(['decisionId', 'inclusionProbability'])
      .where('planId', '=', 'stream-rates')
      .execute()
    expect(new Set(stored_.map((s) => s.decisionId))).toEqual(
      new Set(sample.map((s) => s.decisionId)),
    )
    expect(report.result?.new).toBe(sample.length)
  })

  it('gives the same streaming sample on every run and split across 4 workers in any order', async () => {
    const { database } = get()
    const { stored } = await savePlan(database, {
      document: plan({
        name: 'workers',
        strata: ['region', 'queue'],
        allocation: { method: 'fixed_rate', rate: 0.07 },
      }),
    })
    const tiers = await policyTiers(database)
    const decisions = await loadDecisions(database, FROM, TO)
    const single = drawStreaming(compileStreamingPlan(stored, tiers), decisions).map(
      (s) => s.decisionId,
    )
    const again = drawStreaming(compileStreamingPlan(stored, tiers), [...decisions].reverse()).map(
      (s) => s.decisionId,
    )
    expect(new Set(again)).toEqual(new Set(single))
    const workers = [0, 1, 2, 3].map(() => compileStreamingPlan(stored, tiers))
    const union: string[] = []
    for (let w = 0; w < 4; w++) {
      // Worker w gets every decision whose position modulo 4 is w (as a stream partition would).
      const part = decisions.filter((_, i) => (i * 2654435761) % 4 === w)
      union.push(...drawStreaming(workers[w]!, part).map((s) => s.decisionId))
    }
    expect(union.length).toBe(single.length)
    expect(new Set(union)).toEqual(new Set(single))
    expectWithinBinomial(single.length, decisions.length, 0.07)
  })

  it('draws exact quotas per stratum in a batch, with inclusion probability n_h / N_h, idempotently', async () => {
    const { database } = get()
    const { stored } = await savePlan(database, {
      document: plan({
        name: 'batch-prop',
        strata: ['region', 'queue'],
        allocation: { method: 'proportional', total: 600 },
      }),
    })
    const report = await drawSample(database, stored, { period: WEEK })
    expect(report.total.size).toBe(600)
    const rows = await database.db
      .selectFrom('samples')
      .select(['stratum', 'inclusionProbability', 'phase'])
      .where('planId', '=', 'batch-prop')
      .execute()
    expect(rows.length).toBe(600)
    for (const s of report.strata) {
      const drawn = rows.filter((r) => r.stratum === s.stratum)
      expect(drawn.length).toBe(s.size)
      expect(s.drawn).toBe(s.size)
      for (const r of drawn) expect(r.inclusionProbability).toBeCloseTo(s.size / s.volume, 12)
      // Horvitz–Thompson: the weights of a stratum add up to its volume.
      expect(drawn.reduce((sum, r) => sum + 1 / r.inclusionProbability, 0)).toBeCloseTo(s.volume, 6)
    }
    const rerun = await drawSample(database, stored, { period: WEEK })
    expect(rerun.result?.new).toBe(0)
    expect(rerun.result?.sampled).toBe(600)
  })

  it('draws a batch that is a simple random sample within the stratum (checked on an unrelated attribute)', async () => {
    const { database } = get()
    const { stored } = await savePlan(database, {
      document: plan({
        name: 'batch-srs',
        strata: ['region'],
        allocation: { method: 'fixed_count', count: 1000 },
      }),
    })
    await drawSample(database, stored, { period: WEEK })
    const { rows } = await sql<{
      region: string
      sampled: number
      market1: number
      volume: number
      volumeMarket1: number
    }>`
      select d.region,
             count(s.decision_id)::int8 as sampled,
             count(s.decision_id) filter (where d.attributes ->> 'market' = 'm1')::int8 as market1,
             count(*)::int8 as volume,
             count(*) filter (where d.attributes ->> 'market' = 'm1')::int8 as volume_market1
      from decisions d left join samples s on s.decision_id = d.decision_id and s.plan_id = 'batch-srs'
      group by d.region`.execute(database.db)
    for (const r of rows) {
      expect(Number(r.sampled)).toBe(1000)
      // Hypergeometric: sd = sqrt(n p (1-p) (N-n)/(N-1)) ≤ the binomial one.
      expectWithinBinomial(Number(r.market1), 1000, Number(r.volumeMarket1) / Number(r.volume))
    }
  })

  it('allocates equal, Neyman and risk-weighted samples by their rules and respects caps', async () => {
    const { database } = get()
    const equal = await drawSample(
      database,
      (
        await savePlan(database, {
          document: plan({
            name: 'equal',
            strata: ['region'],
            allocation: { method: 'equal', total: 300 },
          }),
        })
      ).stored,
      { period: WEEK, dryRun: true },
    )
    expect(equal.strata.map((s) => s.size)).toEqual([100, 100, 100])
    const capped = await drawSample(
      database,
      (
        await savePlan(database, {
          document: plan({
            name: 'capped',
            strata: ['region'],
            allocation: { method: 'fixed_rate', rate: 0.5 },
            caps: { per_stratum: 300, total: 600 },
          }),
        })
      ).stored,
      { period: WEEK, dryRun: true },
    )
    expect(capped.strata.every((s) => s.size <= 300)).toBe(true)
    expect(capped.total.size).toBe(600)
    const risk = await drawSample(
      database,
      (
        await savePlan(database, {
          document: plan({
            name: 'risk',
            allocation: {
              method: 'risk_weighted',
              total: 1000,
              tier_weights: { 0: 1, 1: 8, 2: 4, 3: 2, 4: 1 },
            },
          }),
        })
      ).stored,
      { period: WEEK, dryRun: true },
    )
    const rate = (tier: string) => risk.strata.find((s) => s.stratum === tier)!.rate
    expect(rate('1') / rate('0')).toBeCloseTo(8, 1)
    expect(rate('2') / rate('4')).toBeCloseTo(4, 1)
  })

  it('allocates a Neyman sample by the error rates of the previous period', async () => {
    const { database } = get()
    await seedDecisions(database, { count: 3000, start: '2026-02-23T00:00:00Z', prefix: 'prev-' })
    // Previous week's audits: 40% errors in EU, 2% elsewhere.
    await sql`insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, outcome, taxonomy_version, source)
      select 'prev-audit-' || decision_id, decision_id, 'outside-auditor', now(), policy, action,
             case when (region = 'EU' and substr(decision_id, 6)::int % 5 < 2) or substr(decision_id, 6)::int % 50 = 0
                  then 'wrong_policy' else 'correct' end, 1, 'import'
      from decisions where decision_id like 'prev-%'`.execute(database.db)
    const { stored } = await savePlan(database, {
      document: plan({
        name: 'neyman',
        strata: ['region'],
        allocation: { method: 'neyman', total: 900 },
      }),
    })
    const report = await drawSample(database, stored, { period: WEEK, dryRun: true })
    const size = (region: string) => report.strata.find((s) => s.stratum === region)!
    // Equal volumes, so n_h ∝ S_h = sqrt(p_h (1 − p_h)).
    const eu = size('EU')
    const na = size('NA')
    expect(eu.expectedErrorRate).toBeGreaterThan(0.35)
    expect(na.expectedErrorRate).toBeLessThan(0.06)
    const s = (p: number) => Math.sqrt(p * (1 - p))
    expect(eu.size / na.size).toBeCloseTo(s(eu.expectedErrorRate) / s(na.expectedErrorRate), 1)
    expect(report.total.size).toBe(900)
  })

  it('tops every moderator up to the minimum and raises their inclusion probabilities', async () => {
    const { database } = get()
    const { stored } = await savePlan(database, {
      document: plan({
        name: 'min-mod',
        strata: ['region'],
        allocation: { method: 'fixed_rate', rate: 0.001 },
        min_per_moderator: 5,
      }),
    })
    const report = await drawSample(database, stored, { period: WEEK })
    // 18 human moderators: mod-0 and mod-10 would be every 10th decision, which a machine makes.
    expect(report.moderators?.toppedUp).toBe(18)
    const { rows } = await sql<{ actorId: string; n: number; minP: number; maxP: number }>`
      select d.actor_id, count(*)::int8 as n, min(s.inclusion_probability) as min_p, max(s.inclusion_probability) as max_p
      from samples s join decisions d on d.decision_id = s.decision_id
      where s.plan_id = 'min-mod' and d.actor_type = 'human' group by 1`.execute(database.db)
    expect(rows.length).toBe(18)
    for (const r of rows) {
      expect(Number(r.n)).toBeGreaterThanOrEqual(5)
      expect(r.minP).toBeGreaterThan(0.001)
      expect(r.maxP).toBeLessThanOrEqual(1)
    }
  })

  it('never samples an excluded or already audited decision', async () => {
    const { database } = get()
    await sql`insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, outcome, taxonomy_version, source)
      select 'imp-' || decision_id, decision_id, 'outside-auditor', now(), policy, action, 'correct', 1, 'import'
      from decisions where decision_id like 'd-%' and (substr(decision_id, 3)::int % 4) = 1`.execute(
      database.db,
    )
    const { stored } = await savePlan(database, {
      document: plan({
        name: 'excl',
        strata: ['region'],
        allocation: { method: 'fixed_rate', rate: 0.5 },
        exclusions: { actor_types: ['machine'], where: { queue: ['proactive'] } },
      }),
    })
    await drawSample(database, stored, { period: WEEK })
    const { rows } = await sql<{ bad: number; total: number }>`
      select count(*) filter (where d.actor_type = 'machine' or d.queue = 'proactive'
                               or exists (select 1 from audits a where a.decision_id = d.decision_id))::int8 as bad,
             count(*)::int8 as total
      from samples s join decisions d on d.decision_id = s.decision_id where s.plan_id = 'excl'`.execute(
      database.db,
    )
    expect(Number(rows[0]!.bad)).toBe(0)
    expect(Number(rows[0]!.total)).toBeGreaterThan(1000)
  })
})
