import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StatsInputError } from '../stats-input-error.js'
import { nelsonRules } from './nelson-rules.js'
import { pChart } from './p-chart.js'

const unit = { center: 0, sigma: 1 }
const repeat = (pattern: number[], length: number): number[] =>
  Array.from({ length }, (_, i) => pattern[i % pattern.length] as number)

describe('nelsonRules', () => {
  it('rule 1 flags a point beyond 3σ on either side, but not one exactly at 3σ', () => {
    expect(nelsonRules([0, 3.5, 0, -3.1], unit)).toEqual([
      { rule: 1, index: 1 },
      { rule: 1, index: 3 },
    ])
    expect(nelsonRules([0, 3, -3, 0], unit)).toEqual([])
  })

  it('rule 2 flags nine in a row on one side from the ninth point on', () => {
    expect(nelsonRules(repeat([0.5], 9), unit)).toEqual([{ rule: 2, index: 8 }])
    expect(nelsonRules(repeat([-0.5], 10), unit)).toEqual([
      { rule: 2, index: 8 },
      { rule: 2, index: 9 },
    ])
  })

  it('rule 2 does not fire for eight in a row, or when a point sits on the centre line', () => {
    expect(nelsonRules(repeat([0.5], 8), unit)).toEqual([])
    expect(nelsonRules([...repeat([0.5], 4), 0, ...repeat([0.5], 4)], unit)).toEqual([])
  })

  it('rule 3 flags six points steadily increasing or decreasing', () => {
    expect(nelsonRules([-0.5, -0.3, -0.1, 0.1, 0.3, 0.5], unit)).toEqual([{ rule: 3, index: 5 }])
    expect(nelsonRules([0.5, 0.3, 0.1, -0.1, -0.3, -0.5], unit)).toEqual([{ rule: 3, index: 5 }])
  })

  it('rule 3 does not fire for five rising points or when a step is flat', () => {
    expect(nelsonRules([-0.5, -0.3, -0.1, 0.1, 0.3], unit)).toEqual([])
    expect(nelsonRules([-0.5, -0.3, -0.1, -0.1, 0.3, 0.5], unit)).toEqual([])
  })

  it('rule 4 flags fourteen points alternating up and down', () => {
    expect(nelsonRules(repeat([0.1, -0.1], 14), unit)).toEqual([{ rule: 4, index: 13 }])
  })

  it('rule 4 does not fire for thirteen alternating points or a broken alternation', () => {
    expect(nelsonRules(repeat([0.1, -0.1], 13), unit)).toEqual([])
    const broken = repeat([0.1, -0.1], 14)
    broken[7] = 0.2 // steps 5→6 and 6→7 are both up
    expect(nelsonRules(broken, unit).filter((v) => v.rule === 4)).toEqual([])
  })

  it('rule 5 flags two of three points beyond 2σ on the same side, at the completing point', () => {
    expect(nelsonRules([0, 2.5, 0, 2.5, 0], unit)).toEqual([{ rule: 5, index: 3 }])
    expect(nelsonRules([-2.1, -2.5], unit)).toEqual([{ rule: 5, index: 1 }])
  })

  it('rule 5 does not fire across sides, outside a window of three, or at exactly 2σ', () => {
    expect(nelsonRules([2.5, 0, -2.5], unit)).toEqual([])
    expect(nelsonRules([2.5, 0, 0, 2.5], unit)).toEqual([])
    expect(nelsonRules([2, 2.5, 0], unit)).toEqual([])
  })

  it('rule 6 flags four of five points beyond 1σ on the same side', () => {
    expect(nelsonRules([1.5, 1.5, 0, 1.5, 1.5], unit)).toEqual([{ rule: 6, index: 4 }])
  })

  it('rule 6 does not fire for three of five or for points on opposite sides', () => {
    expect(nelsonRules([1.5, 1.5, 0, 0, 1.5, 1.5], unit)).toEqual([])
    expect(nelsonRules([1.5, 1.5, 0, -1.5, 1.5], unit)).toEqual([])
  })

  it('rule 7 flags fifteen points in a row strictly within 1σ on either side', () => {
    const hugging = repeat([0.2, 0.5, 0.5, -0.2, -0.5, -0.5], 15)
    expect(nelsonRules(hugging, unit)).toEqual([{ rule: 7, index: 14 }])
  })

  it('rule 7 does not count a point exactly at 1σ as within', () => {
    const hugging = repeat([0.2, 0.5, 0.5, -0.2, -0.5, -0.5], 15)
    hugging[14] = 1
    expect(nelsonRules(hugging, unit)).toEqual([])
  })

  it('rule 8 flags eight points in a row beyond 1σ on either side', () => {
    expect(nelsonRules(repeat([1.5, -1.5], 8), unit)).toEqual([{ rule: 8, index: 7 }])
  })

  it('rule 8 does not fire when one of the eight is within 1σ', () => {
    const series = repeat([1.5, -1.5], 8)
    series[4] = 0.5
    expect(nelsonRules(series, unit)).toEqual([])
  })

  it('sorts violations by rule, then index', () => {
    // a long run above the centre with one extreme point: rules 1, 2, 6 and 8 together
    const series = [...repeat([1.5], 9), 4, 1.5]
    const result = nelsonRules(series, unit)
    const keys = result.map((v) => v.rule * 1000 + v.index)
    expect(keys).toEqual([...keys].sort((a, b) => a - b))
    expect(result.filter((v) => v.rule === 1)).toEqual([{ rule: 1, index: 9 }])
    expect(result.filter((v) => v.rule === 2).map((v) => v.index)).toEqual([8, 9, 10])
  })

  it('uses per-point centre and σ arrays, as a p-chart with varying sizes needs', () => {
    const chart = pChart([
      { defects: 5, size: 100 },
      { defects: 1, size: 20 },
      { defects: 30, size: 100 },
      { defects: 2, size: 40 },
    ])
    const center = chart.points.map(() => chart.center)
    const sigma = [100, 20, 100, 40].map((n) => Math.sqrt((chart.center * (1 - chart.center)) / n))
    const rule1 = nelsonRules(
      chart.points.map((p) => p.p),
      { center, sigma },
    ).filter((v) => v.rule === 1)
    expect(rule1.map((v) => v.index)).toEqual(chart.points.flatMap((p, i) => (p.signal ? [i] : [])))
    // σ varies: 2.5 is beyond 3σ for the first point, not for the second
    expect(nelsonRules([2.5, 2.5], { center: [0, 0], sigma: [0.5, 1] })).toEqual([
      { rule: 1, index: 0 },
      { rule: 5, index: 1 },
    ])
  })

  const integerSeries = fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 1, maxLength: 60 })

  it('is unchanged when values and centre shift by the same constant', () => {
    fc.assert(
      fc.property(
        integerSeries,
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: -1000, max: 1000 }),
        (values, center, sigma, shift) => {
          const shifted = nelsonRules(
            values.map((v) => v + shift),
            { center: center + shift, sigma },
          )
          expect(shifted).toEqual(nelsonRules(values, { center, sigma }))
        },
      ),
    )
  })

  it('gives the same answer for a scalar centre and σ as for repeated arrays', () => {
    fc.assert(
      fc.property(integerSeries, fc.integer({ min: 1, max: 3 }), (values, sigma) => {
        const arrays = { center: values.map(() => 0), sigma: values.map(() => sigma) }
        expect(nelsonRules(values, arrays)).toEqual(nelsonRules(values, { center: 0, sigma }))
      }),
    )
  })

  it('mirrors: negating values and centre gives the same violations', () => {
    fc.assert(
      fc.property(integerSeries, fc.integer({ min: 1, max: 3 }), (values, sigma) => {
        expect(
          nelsonRules(
            values.map((v) => -v),
            { center: 0, sigma },
          ),
        ).toEqual(nelsonRules(values, { center: 0, sigma }))
      }),
    )
  })

  it('rejects empty input, bad σ and mismatched arrays', () => {
    expect(() => nelsonRules([], unit)).toThrow('`nelsonRules` requires at least one value')
    expect(() => nelsonRules([1], { center: 0, sigma: -1 })).toThrow(
      '`nelsonRules` requires sigma to be non-negative',
    )
    expect(() => nelsonRules([1, 2], { center: [0], sigma: 1 })).toThrow(
      '`nelsonRules` requires one center per value',
    )
    expect(() => nelsonRules([1, 2], { center: 0, sigma: [1, Number.NaN] })).toThrow(
      '`nelsonRules` requires a finite sigma',
    )
    expect(() => nelsonRules([Infinity], unit)).toThrow(StatsInputError)
  })

  it('does not mutate its inputs', () => {
    const values = Object.freeze([0, 3.5, 0])
    const options = Object.freeze({ center: Object.freeze([0, 0, 0]), sigma: 1 })
    expect(nelsonRules(values, options)).toEqual([{ rule: 1, index: 1 }])
  })
})
