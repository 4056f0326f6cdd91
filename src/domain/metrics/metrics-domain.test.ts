import { describe, expect, it } from 'vitest'
import { parseDimensions } from './dimensions.js'
import { matchesFilter } from './filter.js'
import { loadStandardMetrics, parseMetricLibrary } from './metric-definition.js'
import { parsePeriod, previousPeriod } from './period.js'
import { defaultTargetId, judgeTarget } from './target.js'

const RANGE = { first: '2026-09-03', last: '2026-11-25' }

describe('periods', () => {
  it('parses days, ISO weeks, months, custom ranges and relative periods', () => {
    expect(parsePeriod('2026-11-20', RANGE, '2026-12-01')).toEqual({
      from: '2026-11-20',
      to: '2026-11-21',
      label: '2026-11-20',
    })
    expect(parsePeriod('2026-W47', RANGE, '2026-12-01')).toMatchObject({
      from: '2026-11-16',
      to: '2026-11-23',
    })
    expect(parsePeriod('2026-W01', RANGE, '2026-12-01')).toMatchObject({ from: '2025-12-29' })
    expect(parsePeriod('2026-02', RANGE, '2026-12-01')).toMatchObject({
      from: '2026-02-01',
      to: '2026-03-01',
    })
    expect(parsePeriod('2026-11-01..2026-11-10', RANGE, '2026-12-01')).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-11',
    })
    expect(parsePeriod('month', RANGE, '2026-12-01')).toMatchObject({
      from: '2026-11-01',
      to: '2026-12-01',
    })
    expect(parsePeriod('week', RANGE, '2026-12-01')).toMatchObject({
      from: '2026-11-23',
      to: '2026-11-30',
      label: '2026-W48',
    })
    expect(parsePeriod('last-7d', RANGE, '2026-12-01')).toMatchObject({
      from: '2026-11-19',
      to: '2026-11-26',
    })
    expect(parsePeriod('all', RANGE, '2026-12-01')).toMatchObject({
      from: '2026-09-03',
      to: '2026-11-26',
    })
  })

  it('refuses malformed periods with a validation error', () => {
    for (const bad of [
      '2026-13',
      '2026-02-30',
      'yesterday',
      '2026-11-10..2026-11-01',
      '2026-W60',
      'last-0d',
    ]) {
      expect(() => parsePeriod(bad, RANGE, '2026-12-01'), bad).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      )
    }
  })

  it('compares a month with the previous calendar month and other periods with the same length before', () => {
    expect(previousPeriod(parsePeriod('2026-03', RANGE, '2026-12-01'))).toMatchObject({
      from: '2026-02-01',
      to: '2026-03-01',
    })
    expect(previousPeriod(parsePeriod('2026-W47', RANGE, '2026-12-01'))).toMatchObject({
      from: '2026-11-09',
      to: '2026-11-16',
    })
  })
})

describe('metric definitions', () => {
  it('ships a valid standard library', () => {
    expect(loadStandardMetrics().length).toBeGreaterThanOrEqual(16)
  })

  it('reports every problem of a bad definition with its path', () => {
    const yaml = `metrics:
  - { code: x, name: X, kind: proportion, denominator: { nope: 1 }, higher_is_better: true, unit: percent }
  - { code: y, name: Y, kind: quantile, higher_is_better: false, unit: ms, per: auditor }
  - { code: z, name: Z, kind: proportion, numerator: { disputed: 'yes' }, higher_is_better: true, unit: percent }`
    try {
      parseMetricLibrary(yaml)
      expect.fail('should throw')
    } catch (error) {
      const paths = (error as { details: { path: string }[] }).details.map((d) => d.path)
      expect(paths).toEqual(
        expect.arrayContaining([
          'metrics.0.denominator.nope',
          'metrics.1.quantile',
          'metrics.1.per',
          'metrics.2.numerator.disputed',
        ]),
      )
    }
  })

  it('matches filters with equality, lists, negation and null', () => {
    const row = (values: Record<string, string | boolean | null>) => (key: string) =>
      values[key] ?? null
    expect(matchesFilter({ outcome: { not: 'correct' } }, row({ outcome: 'false_positive' }))).toBe(
      true,
    )
    expect(matchesFilter({ severity: { not: 'critical' } }, row({ severity: null }))).toBe(true)
    expect(matchesFilter({ severity: ['critical', null] }, row({}))).toBe(true)
    expect(
      matchesFilter(
        { 'decision.action_enforces': true, outcome: 'correct' },
        row({ 'decision.action_enforces': true, outcome: 'x' }),
      ),
    ).toBe(false)
  })

  it('accepts only allow-listed dimensions', () => {
    expect(parseDimensions('region, attributes.market,week')).toEqual([
      'region',
      'attributes.market',
      'week',
    ])
    expect(() => parseDimensions('region;drop')).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    )
    expect(() => parseDimensions("attributes.a'b")).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    )
  })
})

describe('targets', () => {
  it('is met, missed or inconclusive by the interval', () => {
    expect(judgeTarget('at_least', 0.9, 0.91, 0.95)).toBe('met')
    expect(judgeTarget('at_least', 0.9, 0.8, 0.89)).toBe('missed')
    expect(judgeTarget('at_least', 0.9, 0.88, 0.93)).toBe('inconclusive')
    expect(judgeTarget('at_most', 0.05, 0.01, 0.04)).toBe('met')
    expect(judgeTarget('at_most', 0.05, 0.06, 0.09)).toBe('missed')
    expect(judgeTarget('at_most', 0.05, 0.04, 0.06)).toBe('inconclusive')
    expect(defaultTargetId('accuracy', { queue: 'Video Live', region: 'emea' })).toBe(
      'accuracy-queue-video-live-region-emea',
    )
  })
})
