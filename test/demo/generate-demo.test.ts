import { describe, expect, it } from 'vitest'
import { parseRecord } from '../../src/domain/parse-record.js'
import { deriveOutcome, indexTaxonomy } from '../../src/domain/taxonomy/outcome.js'
import { loadDefaultTaxonomy } from '../../src/domain/taxonomy/taxonomy.js'
import { POLICY_TIER, REGIONS, WEEKEND_FACTOR } from '../../src/engine/demo/demo-shape.js'
import {
  generateDemo,
  type DemoDecisionRecord,
  type DemoItem,
} from '../../src/engine/demo/generate-demo.js'

const taxonomy = loadDefaultTaxonomy()
const index = indexTaxonomy(taxonomy)
const DAY_MS = 86_400_000

function collect<T>(iterable: Iterable<T>): T[] {
  return [...iterable]
}

describe('generateDemo', () => {
  it('replays the same records for the same seed and differs for another seed', () => {
    const a = generateDemo({ decisions: 3000, seed: 7 })
    const b = generateDemo({ decisions: 3000, seed: 7 })
    const c = generateDemo({ decisions: 3000, seed: 8 })
    expect(JSON.stringify(collect(a.decisions()))).toBe(JSON.stringify(collect(b.decisions())))
    expect(JSON.stringify(collect(a.audits()))).toBe(JSON.stringify(collect(b.audits())))
    expect(collect(a.decisions()).map((d) => d.policy)).not.toEqual(
      collect(c.decisions()).map((d) => d.policy),
    )
    // A generator replays itself too: audits() re-walks the same decisions.
    expect(JSON.stringify(collect(a.decisions()))).toBe(JSON.stringify(collect(a.decisions())))
  })

  it('yields exactly N decisions with unique ids, in time order, inside the period', () => {
    const demo = generateDemo({ decisions: 20_000, weeks: 4 })
    const decisions = collect(demo.decisions())
    expect(decisions).toHaveLength(20_000)
    expect(new Set(decisions.map((d) => d.decision_id)).size).toBe(20_000)
    const times = decisions.map((d) => Date.parse(d.decided_at))
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true)
    expect(Math.min(...times)).toBeGreaterThanOrEqual(demo.options.start.getTime())
    expect(Math.max(...times)).toBeLessThan(demo.options.end.getTime())
    expect(demo.options.end.toISOString()).toBe('2026-11-23T00:00:00.000Z')
    expect(demo.options.start.toISOString()).toBe('2026-10-26T00:00:00.000Z')
  })

  it('scales moderators with N: 2,000 at a million decisions', () => {
    expect(generateDemo({ decisions: 1_000_000 }).organisation.moderators).toHaveLength(2000)
    expect(generateDemo({ decisions: 200_000 }).organisation.moderators).toHaveLength(400)
    const small = generateDemo({ decisions: 1000 })
    expect(small.organisation.moderators).toHaveLength(25)
    for (const m of small.organisation.moderators) {
      expect(m.accuracy).toBeGreaterThanOrEqual(0.85)
      expect(m.accuracy).toBeLessThanOrEqual(0.99)
    }
  })

  it('rejects out-of-range options with a message naming the option', () => {
    expect(() => generateDemo({ decisions: 0 })).toThrow(/decisions must be an integer/)
    expect(() => generateDemo({ seed: -1 })).toThrow(/seed must be an integer/)
    expect(() => generateDemo({ weeks: 1.5 })).toThrow(/weeks must be an integer/)
  })

  describe('the shape of the volume (100,000 decisions)', () => {
    const demo = generateDemo({ decisions: 100_000 })
    const decisions = collect(demo.decisions())

    it('splits the volume by region as configured', () => {
      for (const region of REGIONS) {
        const share = decisions.filter((d) => d.region === region.code).length / decisions.length
        expect(share).toBeCloseTo(region.share, 2)
      }
    })

    it('has weekends at about 60 % of a weekday in local time, and an evening peak', () => {
      for (const region of REGIONS.filter((r) => r.share >= 0.14)) {
        const perDay = new Map<number, number>()
        const perHour = new Array<number>(24).fill(0)
        for (const d of decisions) {
          if (d.region !== region.code) continue
          const local = new Date(Date.parse(d.decided_at) + region.utcOffsetHours * 3_600_000)
          const day = Math.floor(local.getTime() / DAY_MS)
          perDay.set(day, (perDay.get(day) ?? 0) + 1)
          perHour[local.getUTCHours()] = (perHour[local.getUTCHours()] as number) + 1
        }
        const weekend: number[] = []
        const weekday: number[] = []
        for (const [day, count] of perDay) {
          const weekdayIndex = new Date(day * DAY_MS).getUTCDay()
          // The first and last local day are cut by the UTC window.
          if (day === Math.min(...perDay.keys()) || day === Math.max(...perDay.keys())) continue
          ;(weekdayIndex === 0 || weekdayIndex === 6 ? weekend : weekday).push(count)
        }
        const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
        expect(mean(weekend) / mean(weekday)).toBeGreaterThan(WEEKEND_FACTOR - 0.06)
        expect(mean(weekend) / mean(weekday)).toBeLessThan(WEEKEND_FACTOR + 0.06)
        expect(perHour[20] as number).toBeGreaterThan(3 * (perHour[4] as number))
      }
    })

    it('gives machine decisions a score in [0,1] from the three classifiers, and people a site', () => {
      const machine = decisions.filter((d) => d.actor_type === 'machine')
      expect(machine.length / decisions.length).toBeGreaterThan(0.1)
      expect(machine.length / decisions.length).toBeLessThan(0.3)
      expect(new Set(machine.map((d) => d.actor_id))).toEqual(
        new Set(['clf-hate-v3', 'clf-nudity-v5', 'clf-spam-v2']),
      )
      for (const d of machine) {
        expect(d.score).toBeGreaterThanOrEqual(0)
        expect(d.score).toBeLessThanOrEqual(1)
        expect(d.site).toBeUndefined()
      }
      for (const d of decisions.filter((x) => x.actor_type === 'human').slice(0, 1000)) {
        expect(d.site).toMatch(/^[a-z]+-/)
        expect(d.score).toBeUndefined()
      }
    })
  })

  it('shows moderator skill as different error rates', () => {
    const demo = generateDemo({ decisions: 100_000, drift: null })
    const perModerator = new Map<string, { n: number; errors: number }>()
    for (const item of demo.items()) {
      if (item.moderator === null) continue
      const entry = perModerator.get(item.moderator.id) ?? { n: 0, errors: 0 }
      entry.n += 1
      if (item.outcome !== 'correct') entry.errors += 1
      perModerator.set(item.moderator.id, entry)
    }
    const sorted = [...demo.organisation.moderators].sort((a, b) => a.accuracy - b.accuracy)
    const quarter = Math.floor(sorted.length / 4)
    const rate = (group: typeof sorted) => {
      const totals = group.reduce(
        (acc, m) => {
          const e = perModerator.get(m.id) ?? { n: 0, errors: 0 }
          return { n: acc.n + e.n, errors: acc.errors + e.errors }
        },
        { n: 0, errors: 0 },
      )
      return totals.errors / totals.n
    }
    const weakest = rate(sorted.slice(0, quarter))
    const strongest = rate(sorted.slice(-quarter))
    expect(weakest).toBeGreaterThan(1.8 * strongest)
    expect(weakest).toBeLessThan(0.2)
    expect(strongest).toBeGreaterThan(0.005)
  })

  it('triples moderator error in the drift slice from its onset, as the audits show', () => {
    const demo = generateDemo({ decisions: 300_000, audit: { minPerStratum: 5000 } })
    expect(demo.options.drift).toEqual({
      region: 'MENA',
      queue: 'live_review',
      startsAt: new Date('2026-11-02T00:00:00Z'),
      factor: 3,
    })
    const onset = Date.parse('2026-11-02T00:00:00Z')
    const slice = new Map<string, DemoDecisionRecord>()
    for (const d of demo.decisions()) {
      if (d.region === 'MENA' && d.queue === 'live_review' && d.actor_type === 'human')
        slice.set(d.decision_id, d)
    }
    const before = { n: 0, errors: 0 }
    const after = { n: 0, errors: 0 }
    for (const audit of demo.audits()) {
      const decision = slice.get(audit.decision_id)
      if (decision === undefined) continue
      const period = Date.parse(decision.decided_at) >= onset ? after : before
      period.n += 1
      if (deriveOutcome(index, decision, audit) !== 'correct') period.errors += 1
    }
    expect(before.n).toBeGreaterThan(1000)
    expect(after.n).toBeGreaterThan(500)
    expect(after.errors / after.n).toBeGreaterThanOrEqual((2 * before.errors) / before.n)
  })

  it('has no drift with drift: null', () => {
    const onset = Date.parse('2026-11-02T00:00:00Z')
    const before = { n: 0, errors: 0 }
    const after = { n: 0, errors: 0 }
    let drifted = 0
    for (const item of generateDemo({ decisions: 200_000, drift: null }).items()) {
      if (item.inDrift) drifted += 1
      const d = item.decision
      if (d.region !== 'MENA' || d.queue !== 'live_review' || item.moderator === null) continue
      const period = item.decidedAtMs >= onset ? after : before
      period.n += 1
      if (item.outcome !== 'correct') period.errors += 1
    }
    expect(drifted).toBe(0)
    expect(after.errors / after.n / (before.errors / before.n)).toBeLessThan(1.5)
  })

  it('raises volume and errors in an incident window', () => {
    const incident = {
      region: 'LATAM',
      queue: 'live_review',
      startsAt: new Date('2026-11-10T00:00:00Z'),
      hours: 24,
      volumeFactor: 4,
      errorFactor: 3,
    }
    const count = (items: Iterable<DemoItem>) => {
      let inside = 0
      let errors = 0
      for (const item of items) {
        const d = item.decision
        const t = item.decidedAtMs
        if (d.region !== 'LATAM' || d.queue !== 'live_review') continue
        if (t < incident.startsAt.getTime() || t >= incident.startsAt.getTime() + DAY_MS) continue
        inside += 1
        if (item.outcome !== 'correct' && item.moderator !== null) errors += 1
      }
      return { inside, errors }
    }
    const quiet = count(generateDemo({ decisions: 100_000, drift: null }).items())
    const loud = count(generateDemo({ decisions: 100_000, drift: null, incident }).items())
    expect(loud.inside).toBeGreaterThan(3 * quiet.inside)
    expect(loud.errors / loud.inside).toBeGreaterThan(2 * (quiet.errors / quiet.inside))
  })

  describe('audits (120,000 decisions)', () => {
    const demo = generateDemo({ decisions: 120_000 })
    const decisions = new Map(collect(demo.decisions()).map((d) => [d.decision_id, d]))
    const audits = collect(demo.audits())

    it('samples about 3 % overall, more in small strata, with a small share of machine decisions', () => {
      expect(audits.length / decisions.size).toBeGreaterThan(0.025)
      expect(audits.length / decisions.size).toBeLessThan(0.04)
      const rate = (region: string, queue: string) =>
        demo.strata.find((s) => s.region === region && s.queue === queue)?.rate ?? 0
      expect(rate('MENA', 'live_review')).toBeGreaterThan(2 * rate('NA', 'video_review'))
      const machine = audits.filter(
        (a) => decisions.get(a.decision_id)?.actor_type === 'machine',
      ).length
      expect(machine / audits.length).toBeGreaterThan(0.02)
      expect(machine / audits.length).toBeLessThan(0.09)
    })

    it('matches each stratum rate empirically and records it as the inclusion probability', () => {
      const stratum = demo.strata.find((s) => s.region === 'NA' && s.queue === 'comment_review')
      if (stratum === undefined) throw new Error('no stratum')
      const humans = [...decisions.values()].filter(
        (d) => d.region === 'NA' && d.queue === 'comment_review' && d.actor_type === 'human',
      )
      const sampled = audits.filter((a) => {
        const d = decisions.get(a.decision_id)
        return d?.region === 'NA' && d.queue === 'comment_review' && d.actor_type === 'human'
      })
      expect(sampled.every((a) => a.inclusion_probability === stratum.rate)).toBe(true)
      const se = Math.sqrt((stratum.rate * (1 - stratum.rate)) / humans.length)
      expect(Math.abs(sampled.length / humans.length - stratum.rate)).toBeLessThan(4 * se)
    })

    it('references a generated decision, never lets actors audit themselves, and follows the decision in time', () => {
      const auditorRegions = new Map(demo.organisation.auditors.map((a) => [a.id, a.region]))
      for (const audit of audits) {
        const decision = decisions.get(audit.decision_id)
        expect(decision).toBeDefined()
        if (decision === undefined) continue
        expect(audit.auditor_id).not.toBe(decision.actor_id)
        expect(auditorRegions.get(audit.auditor_id)).toBe(decision.region)
        expect(audit.inclusion_probability).toBeGreaterThan(0)
        expect(audit.inclusion_probability).toBeLessThanOrEqual(1)
        const lag = Date.parse(audit.audited_at) - Date.parse(decision.decided_at)
        expect(lag).toBeGreaterThanOrEqual(0)
        expect(lag).toBeLessThanOrEqual(3 * DAY_MS)
        expect(Date.parse(audit.audited_at)).toBeLessThan(demo.options.end.getTime())
      }
      expect(new Set(audits.map((a) => a.audit_id)).size).toBe(audits.length)
    })

    it('gives errors a severity and a root cause, mostly critical for missed tier-1 violations', () => {
      let tierOneMisses = 0
      let tierOneCritical = 0
      for (const audit of audits) {
        const decision = decisions.get(audit.decision_id) as DemoDecisionRecord
        const outcome = deriveOutcome(index, decision, audit)
        if (outcome === 'correct') {
          expect(audit.severity).toBeUndefined()
          expect(audit.root_cause).toBeUndefined()
          continue
        }
        expect(audit.severity).toBeDefined()
        expect(index.rootCauses.has(audit.root_cause ?? '')).toBe(true)
        if (
          (outcome === 'false_negative' || outcome === 'wrong_policy') &&
          POLICY_TIER[audit.policy] === 1
        ) {
          tierOneMisses += 1
          if (audit.severity === 'critical') tierOneCritical += 1
        }
      }
      expect(tierOneMisses).toBeGreaterThan(5)
      expect(tierOneCritical / tierOneMisses).toBeGreaterThan(0.6)
    })
  })

  it('passes the data contract and uses only taxonomy codes', () => {
    const demo = generateDemo({ decisions: 30_000, seed: 3 })
    for (const d of demo.decisions()) {
      const parsed = parseRecord('decisions', d)
      if (!parsed.ok) throw new Error(`${d.decision_id}: ${JSON.stringify(parsed.issues)}`)
      expect(index.policies.has(d.policy)).toBe(true)
      expect(index.actions.has(d.action)).toBe(true)
      expect(Object.keys(parsed.record.attributes).sort()).toEqual([
        'account_age_days',
        'market_tier',
      ])
    }
    for (const a of demo.audits()) {
      const parsed = parseRecord('audits', a)
      if (!parsed.ok) throw new Error(`${a.audit_id}: ${JSON.stringify(parsed.issues)}`)
      expect(index.policies.has(a.policy)).toBe(true)
      expect(index.actions.has(a.action)).toBe(true)
    }
  })

  it('keeps its policy tiers in step with the default taxonomy', () => {
    for (const policy of taxonomy.policies) expect(POLICY_TIER[policy.code]).toBe(policy.tier)
  })
})
