import { beforeAll, describe, expect, it } from 'vitest'
import { loadStandardMetrics } from '../../src/domain/metrics/metric-definition.js'
import { evaluateMetric } from '../../src/engine/metrics/evaluate-metric.js'
import { defineMetrics, loadMetricSetup } from '../../src/engine/metrics/metric-setup.js'
import {
  benjaminiHochberg,
  quantileFromBuckets,
  quantileSketchBucket,
  twoProportionTest,
} from '../../src/stats/index.js'
import { describeEachBackend } from '../helpers/db.js'
import { expectClose } from '../helpers/tolerance.js'
import { readRawRows, seedMetricsFixture, type RawVerdictRow } from './fixture.js'
import { REFERENCE, inPeriod, referenceEstimate } from './reference.js'

const NOW = new Date('2026-11-26T12:00:00Z')
const NOVEMBER = { from: '2026-11-01', to: '2026-12-01' }
const close = (a: number | null, b: number) =>
  expectClose(a as number, b, { relative: 1e-9, absolute: 1e-12 })

const results: Record<string, Record<string, number | null>> = {}

describeEachBackend('metrics', (get, backend) => {
  let rows: RawVerdictRow[]
  beforeAll(async () => {
    await seedMetricsFixture(get().database)
    rows = (await readRawRows(get().database)).filter((r) =>
      inPeriod(r, NOVEMBER.from, NOVEMBER.to),
    )
  })

  it('has a fixture with every kind of verdict', () => {
    expect(rows.filter((r) => !r.isAppeal).length).toBeGreaterThan(150)
    expect(rows.some((r) => r.overturned)).toBe(true)
    expect(rows.some((r) => r.disputed && !r.overturned)).toBe(true)
    expect(rows.some((r) => r.secondQaAgrees === false)).toBe(true)
    expect(rows.some((r) => r.isAppeal)).toBe(true)
    expect(rows.some((r) => r.kind === 'arbitration')).toBe(true)
  })

  for (const code of Object.keys(REFERENCE)) {
    it(`evaluates ${code} overall like an independent computation from the raw rows`, async () => {
      const reference = REFERENCE[code]!
      const result = await evaluateMetric(get().database, null, {
        metric: code,
        period: '2026-11',
        now: NOW,
        compare: 'none',
      })
      expect(result.period).toMatchObject(NOVEMBER)
      const expected = referenceEstimate({ ...reference, per: undefined }, rows)
      expect(expected).not.toBeNull()
      close(result.overall.estimate, expected!.estimate)
      close(result.overall.lower, expected!.lower)
      close(result.overall.upper, expected!.upper)
      close(result.overall.effectiveSampleSize, expected!.effectiveSampleSize)
      expect(result.overall.n).toBe(expected!.n)
      ;(results[code] ??= {})[backend] = result.overall.estimate
    })
  }

  for (const code of ['precision', 'recall'] as const) {
    it(`evaluates ${code} per policy like the raw rows`, async () => {
      const reference = REFERENCE[code]!
      const result = await evaluateMetric(get().database, null, {
        metric: code,
        period: '2026-11',
        now: NOW,
      })
      const groups = new Map<string, RawVerdictRow[]>()
      for (const r of rows)
        if (reference.denominator(r))
          groups.set(reference.per!(r), [...(groups.get(reference.per!(r)) ?? []), r])
      expect(result.slices.map((s) => Object.values(s.keys)[0]).sort()).toEqual(
        [...groups.keys()].sort(),
      )
      for (const slice of result.slices) {
        const expected = referenceEstimate(
          reference,
          groups.get(Object.values(slice.keys)[0] as string)!,
        )!
        close(slice.estimate, expected.estimate)
        close(slice.lower, expected.lower)
        close(slice.upper, expected.upper)
        expect(slice.n).toBe(expected.n)
      }
    })
  }

  it('slices by region with p-values against the rest, adjusted with Benjamini-Hochberg', async () => {
    const result = await evaluateMetric(get().database, null, {
      metric: 'accuracy',
      by: 'region',
      period: '2026-11',
      now: NOW,
    })
    expect(result.slices).toHaveLength(3)
    const raw: number[] = []
    for (const slice of result.slices) {
      const inside = rows.filter((r) => r.decision.region === slice.keys.region)
      const outside = rows.filter((r) => r.decision.region !== slice.keys.region)
      const a = referenceEstimate(REFERENCE.accuracy!, inside)!
      const b = referenceEstimate(REFERENCE.accuracy!, outside)!
      close(slice.estimate, a.estimate)
      // Pooled z test on effective sizes, written out here.
      const pooled =
        (a.estimate * a.effectiveSampleSize + b.estimate * b.effectiveSampleSize) /
        (a.effectiveSampleSize + b.effectiveSampleSize)
      const z =
        (a.estimate - b.estimate) /
        Math.sqrt(pooled * (1 - pooled) * (1 / a.effectiveSampleSize + 1 / b.effectiveSampleSize))
      close(slice.comparison!.z, z)
      raw.push(slice.comparison!.pValue)
    }
    const adjusted = benjaminiHochberg(raw)
    result.slices.forEach((s, i) => close(s.comparison!.pAdjusted, adjusted[i]!))
  })

  it('slices by attribute, auditor, policy version and week', async () => {
    for (const [by, key] of [
      ['attributes.market', (r: RawVerdictRow) => r.decision.attributes.market],
      ['auditor', (r: RawVerdictRow) => r.auditorId],
      ['policy_version', (r: RawVerdictRow) => r.decision.policyVersion],
    ] as const) {
      const result = await evaluateMetric(get().database, null, {
        metric: 'error_rate',
        by,
        period: '2026-11',
        now: NOW,
      })
      for (const slice of result.slices) {
        const expected = referenceEstimate(
          REFERENCE.error_rate!,
          rows.filter((r) => key(r) === slice.keys[by]),
        )!
        close(slice.estimate, expected.estimate)
      }
    }
    const weekly = await evaluateMetric(get().database, null, {
      metric: 'error_rate',
      by: 'week',
      period: '2026-11',
      now: NOW,
    })
    expect(weekly.slices[0]!.keys.week).toBe('2026-10-26')
  })

  it('compares against the previous period', async () => {
    const all = await readRawRows(get().database)
    const october = all.filter((r) => inPeriod(r, '2026-10-01', '2026-11-01'))
    const result = await evaluateMetric(get().database, null, {
      metric: 'accuracy',
      period: '2026-11',
      now: NOW,
      compare: 'previous',
    })
    expect(result.comparedWith).toMatchObject({ from: '2026-10-01', to: '2026-11-01' })
    const before = referenceEstimate(REFERENCE.accuracy!, october)!
    const now = referenceEstimate(REFERENCE.accuracy!, rows)!
    close(result.slices[0]!.comparison!.difference, now.estimate - before.estimate)
  })

  it('restricts every figure to the principal scope', async () => {
    const result = await evaluateMetric(
      get().database,
      { regions: ['emea'], sites: null },
      { metric: 'accuracy', period: '2026-11', now: NOW, compare: 'none' },
    )
    const expected = referenceEstimate(
      REFERENCE.accuracy!,
      rows.filter((r) => r.decision.region === 'emea'),
    )!
    close(result.overall.estimate, expected.estimate)
    const sited = await evaluateMetric(
      get().database,
      { regions: null, sites: ['dublin'] },
      { metric: 'volume', period: '2026-11', now: NOW },
    )
    const all = await get()
      .database.db.selectFrom('decisions')
      .select(['site', 'decidedAt'])
      .execute()
    expect(sited.overall.estimate).toBe(
      all.filter((d) => d.site === 'dublin' && new Date(d.decidedAt).toISOString() >= '2026-11-01')
        .length,
    )
  })

  it('reads volume and handle-time quantiles from the roll-ups', async () => {
    const decisions = (
      await get().database.db.selectFrom('decisions').selectAll().execute()
    ).filter((d) => new Date(d.decidedAt).toISOString().slice(0, 10) >= '2026-11-01')
    const volume = await evaluateMetric(get().database, null, {
      metric: 'volume',
      period: '2026-11',
      by: 'queue',
      now: NOW,
    })
    expect(volume.overall.estimate).toBe(decisions.length)
    for (const slice of volume.slices)
      expect(slice.estimate).toBe(decisions.filter((d) => d.queue === slice.keys.queue).length)
    const p90 = await evaluateMetric(get().database, null, {
      metric: 'handle_time_p90',
      period: '2026-11',
      now: NOW,
    })
    const times = decisions
      .flatMap((d) => (d.handleTimeMs === null ? [] : [d.handleTimeMs]))
      .sort((a, b) => a - b)
    const exact = times[Math.floor(0.9 * (times.length - 1))]!
    expect(Math.abs(p90.overall.estimate! - exact) / exact).toBeLessThanOrEqual(0.01 + 1e-9)
    close(
      p90.overall.estimate,
      quantileFromBuckets(
        times.map((t) => [quantileSketchBucket(t, 0.01), 1] as const),
        0.9,
      ),
    )
  })

  it('evaluates a user-defined metric stored as data', async () => {
    await defineMetrics(
      get().database,
      [
        {
          code: 'harassment_miss_rate',
          name: 'Missed harassment',
          kind: 'proportion',
          over: 'verdicts',
          numerator: { 'decision.policy': { not: 'harassment' } },
          denominator: { policy: 'harassment' },
          higher_is_better: false,
          unit: 'percent',
        },
      ],
      NOW,
    )
    const setup = await loadMetricSetup(get().database)
    expect(setup.library.map((m) => m.code)).toContain('harassment_miss_rate')
    const result = await evaluateMetric(get().database, null, {
      metric: 'harassment_miss_rate',
      period: '2026-11',
      now: NOW,
      compare: 'none',
    })
    const expected = referenceEstimate(
      {
        over: 'verdicts',
        denominator: (r) => r.policy === 'harassment',
        value: (r) => (r.decision.policy !== 'harassment' ? 1 : 0),
      },
      rows,
    )!
    close(result.overall.estimate, expected.estimate)
  })

  it('refuses unknown dimensions and metrics with a validation or not-found error', async () => {
    await expect(
      evaluateMetric(get().database, null, {
        metric: 'accuracy',
        by: 'password; drop table x',
        now: NOW,
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
    await expect(
      evaluateMetric(get().database, null, { metric: 'nope', now: NOW }),
    ).rejects.toMatchObject({ code: 'not_found' })
    await expect(
      evaluateMetric(get().database, null, { metric: 'volume', by: 'auditor', now: NOW }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })
})

describe('metrics across backends', () => {
  it('gives the same figures on PGlite and PostgreSQL', () => {
    for (const [code, byBackend] of Object.entries(results)) {
      expect(byBackend.embedded, code).toBeDefined()
      close(byBackend.embedded ?? null, byBackend.postgres as number)
    }
  })

  it('ships every metric of the issue in the standard library', () => {
    const codes = loadStandardMetrics().map((m) => m.code)
    for (const code of [
      'accuracy',
      'error_rate',
      'false_positive_rate',
      'false_negative_rate',
      'wrong_policy_rate',
      'critical_error_rate',
      'quality_score',
      'precision',
      'recall',
      'second_qa_agreement',
      'dispute_rate',
      'overturn_rate',
      'appeal_overturn_rate',
      'handle_time_p50',
      'handle_time_p90',
      'volume',
    ]) {
      expect(codes).toContain(code)
    }
  })

  it('uses the pooled two-proportion test when weights are equal', async () => {
    const { compareEstimates, proportionFromSums } =
      await import('../../src/engine/metrics/estimate.js')
    const a = proportionFromSums({ n: 70, ny: 56, sw: 70, sw2: 70, swy: 56 }, 0.95)
    const b = proportionFromSums({ n: 80, ny: 48, sw: 80, sw2: 80, swy: 48 }, 0.95)
    const expected = twoProportionTest(56, 70, 48, 80)
    close(compareEstimates(a, b)!.z, expected.z)
    close(compareEstimates(a, b)!.pValue, expected.pValue)
  })
})
