import { describe, expect, it } from 'vitest'
import { betaBinomialUpperTail } from '../../src/domain/monitoring/beta-binomial-upper-tail.js'
import { controlFalseAlarms } from '../../src/domain/monitoring/control-false-alarms.js'
import {
  cusumInControlRunLength,
  judgeSeries,
  overdispersion,
  type PeriodSums,
} from '../../src/domain/monitoring/judge-series.js'
import {
  parseMonitor,
  resolveChartSettings,
  type ChartMonitor,
} from '../../src/domain/monitoring/monitor-definition.js'
import { ValidationError } from '../../src/domain/errors.js'

/** Exact binomial upper tail by summing the pmf (the beta-binomial's limit for a known rate). */
function binomialUpperTail(x: number, n: number, p: number): number {
  let total = 0
  for (let k = x; k <= n; k++) {
    let logC = 0
    for (let i = 0; i < k; i++) logC += Math.log(n - i) - Math.log(i + 1)
    total += Math.exp(logC + k * Math.log(p) + (n - k) * Math.log(1 - p))
  }
  return total
}

const period = (i: number, n: number, defects: number): PeriodSums => ({
  period: `p${i}`,
  n,
  sw: n,
  sw2: n,
  swy: defects,
})

describe('betaBinomialUpperTail', () => {
  it('is the uniform-rate value and tends to the binomial tail for a well-known rate', () => {
    expect(betaBinomialUpperTail(3, 3, 1, 1)).toBeCloseTo(0.25, 12)
    // Beta(5e6, 95e6): the rate is 5 % to many digits, so the tail is the binomial one.
    // R: pbinom(6, 30, 0.05, lower.tail = FALSE) = 0.0004969...
    const tail = betaBinomialUpperTail(7, 30, 5e6, 95e6)
    expect(Math.abs(tail - binomialUpperTail(7, 30, 0.05)) / tail).toBeLessThan(1e-4)
    expect(betaBinomialUpperTail(0, 10, 2, 3)).toBe(1)
    expect(betaBinomialUpperTail(11, 10, 2, 3)).toBe(0)
  })

  it('is wider than the binomial tail when the baseline is small (the rate is uncertain)', () => {
    expect(betaBinomialUpperTail(7, 30, 5.5, 95.5)).toBeGreaterThan(binomialUpperTail(7, 30, 0.05))
  })
})

describe('judgeSeries', () => {
  const monitor = parseMonitor({
    id: 'm',
    name: 'm',
    metric: 'error_rate',
    minCount: 20,
    baseline: { kind: 'rolling', periods: 10, minPeriods: 5 },
  }) as ChartMonitor
  const settings = resolveChartSettings(monitor)
  const steady = Array.from({ length: 10 }, (_, i) => period(i, 100, 5 + (i % 3) - 1))

  it('judges the last point against the previous periods only, with an exact tail p-value', () => {
    const series = [...steady, period(10, 100, 20)]
    const j = judgeSeries(series, 10, { monitor, settings, flip: false, frozenBaseline: null })
    expect(j.baseline?.value).toBeCloseTo(0.049, 12)
    expect(j.candidates).toHaveLength(1)
    expect(j.candidates[0]?.rule).toBe('nelson_1')
    expect(j.candidates[0]?.pValue).toBeLessThan(1e-5)
    expect(j.points.at(-1)).toMatchObject({ value: 0.2, center: 0.049, judged: true })
  })

  it('shows but does not judge a point under the minimum count, nor one without a baseline', () => {
    const small = judgeSeries([...steady, period(10, 10, 9)], 10, {
      monitor,
      settings,
      flip: false,
      frozenBaseline: null,
    })
    expect(small).toMatchObject({ candidates: [], skipped: 'too_few_audits' })
    expect(small.points.at(-1)?.judged).toBe(false)
    const early = judgeSeries([period(0, 100, 5), period(1, 100, 30)], 1, {
      monitor,
      settings,
      flip: false,
      frozenBaseline: null,
    })
    expect(early.skipped).toBe('no_baseline')
  })

  it('judges metrics where higher is better on their defect rate, showing the metric itself', () => {
    // Accuracy: sums flipped to defects by the caller; the chart shows 1 − defect rate.
    const j = judgeSeries([...steady, period(10, 100, 20)], 10, {
      monitor,
      settings,
      flip: true,
      frozenBaseline: null,
    })
    expect(j.points.at(-1)?.value).toBeCloseTo(0.8, 12)
    expect(j.points.at(-1)?.center).toBeCloseTo(0.951, 12)
    expect(j.candidates[0]?.pValue).toBeLessThan(1e-5)
  })

  it('runs EWMA and CUSUM on standardised points and the chosen run rules', () => {
    const ewma = parseMonitor({
      id: 'e',
      name: 'e',
      metric: 'error_rate',
      chart: { kind: 'ewma' },
      rules: [1, 2],
      minCount: 20,
      history: 12,
      baseline: { kind: 'rolling', periods: 10, minPeriods: 5 },
    }) as ChartMonitor
    const shifted = [...steady, ...Array.from({ length: 9 }, (_, i) => period(10 + i, 100, 9))]
    const j = judgeSeries(shifted, 18, {
      monitor: ewma,
      settings: resolveChartSettings(ewma),
      flip: false,
      frozenBaseline: null,
    })
    expect(j.candidates.map((c) => c.rule).sort()).toEqual(['ewma', 'nelson_1', 'nelson_2'])
    expect(j.candidates.find((c) => c.rule === 'ewma')?.pValue).toBeLessThan(1e-6)
    const cusumMonitor = { ...ewma, chart: { kind: 'cusum' as const } }
    const c = judgeSeries(shifted, 18, {
      monitor: cusumMonitor,
      settings: resolveChartSettings(cusumMonitor),
      flip: false,
      frozenBaseline: null,
    })
    expect(c.candidates.find((x) => x.rule === 'cusum')?.pValue).toBeLessThan(0.01)
    // Siegmund: k = 0.5, h = 5 gives an in-control ARL of about 930 (one-sided).
    expect(cusumInControlRunLength(0.5, 5)).toBeCloseTo(938.2, 0)
  })

  it('estimates Laney over-dispersion from the baseline and never shrinks the binomial variance', () => {
    const wobbly = Array.from({ length: 10 }, (_, i) => period(i, 400, i % 2 === 0 ? 8 : 32))
    expect(overdispersion(wobbly, 0, 10, 0.05, 20)).toBeGreaterThan(3)
    expect(
      overdispersion(
        steady.map((s) => ({ ...s, swy: 5 })),
        0,
        10,
        0.05,
        20,
      ),
    ).toBe(1)
    expect(overdispersion(wobbly, 0, 4, 0.05, 20)).toBe(1)
  })
})

describe('controlFalseAlarms', () => {
  it('signals only tests whose Benjamini-Hochberg adjusted p-value is at most q, and says how unusual each is', () => {
    const result = controlFalseAlarms([1e-6, 0.2, 0.00002, 0.5], 0.0005)
    expect(result.map((r) => r.signal)).toEqual([true, false, true, false])
    expect(result[0]).toMatchObject({
      pValue: 1e-6,
      familySize: 4,
      expectedByChance: 4e-6,
      falseAlarmRate: 0.0005,
    })
    expect(result[2]?.pAdjusted).toBeCloseTo(0.00004, 12)
  })
})

describe('parseMonitor', () => {
  it('reports every problem with its path', () => {
    try {
      parseMonitor({
        id: 'Bad Id',
        name: '',
        metric: 'error_rate',
        by: ['region', 'day'],
        period: 'month',
      })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).details.map((d) => d.path).sort()).toEqual([
        'by.1',
        'id',
        'name',
        'period',
      ])
    }
  })
})
