import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { horvitzThompson } from './horvitz-thompson.js'

// Reference: numpy sums in scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as {
  horvitzThompson: {
    values: number[]
    inclusionProbabilities: number[]
    total: number
    populationSize: number
    hajekMean: number
    variance: number
  }[]
}

describe('horvitzThompson', () => {
  it('matches the numpy computation', () => {
    for (const c of fixture.horvitzThompson) {
      const units = c.values.map((value, i) => ({
        value,
        inclusionProbability: c.inclusionProbabilities[i]!,
      }))
      const r = horvitzThompson(units)
      expectClose(r.total, c.total, { relative: 1e-12 })
      expectClose(r.populationSize, c.populationSize, { relative: 1e-12 })
      expectClose(r.hajekMean, c.hajekMean, { relative: 1e-12 })
      expectClose(r.variance, c.variance, { relative: 1e-12 })
    }
  })

  it('is the plain sum with zero variance for a census (π = 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (ys) => {
          const r = horvitzThompson(ys.map((value) => ({ value, inclusionProbability: 1 })))
          expectClose(
            r.total,
            ys.reduce((a, b) => a + b, 0),
            { relative: 1e-12, absolute: 1e-6 },
          )
          expect(r.populationSize).toBe(ys.length)
          expect(r.variance).toBe(0)
        },
      ),
    )
  })

  it('expands an equal-probability sample by 1/π and keeps the sample mean as Hájek mean', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (ys, pi) => {
          const r = horvitzThompson(ys.map((value) => ({ value, inclusionProbability: pi })))
          const mean = ys.reduce((a, b) => a + b, 0) / ys.length
          expectClose(r.hajekMean, mean, { relative: 1e-12, absolute: 1e-12 })
          expectClose(r.populationSize, ys.length / pi, { relative: 1e-12 })
          expect(r.variance).toBeGreaterThanOrEqual(0)
        },
      ),
    )
  })

  it('does not mutate frozen input', () => {
    const units = Object.freeze([Object.freeze({ value: 1, inclusionProbability: 0.5 })])
    expect(horvitzThompson(units)).toEqual({
      total: 2,
      populationSize: 2,
      hajekMean: 1,
      variance: 2,
    })
  })

  it('rejects empty input, non-finite values and probabilities outside (0, 1]', () => {
    expect(() => horvitzThompson([])).toThrow('`horvitzThompson` requires at least one unit')
    expect(() => horvitzThompson([{ value: Number.NaN, inclusionProbability: 1 }])).toThrow(
      '`horvitzThompson` requires finite values',
    )
    for (const pi of [0, -0.1, 1.01, Number.NaN]) {
      expect(() => horvitzThompson([{ value: 1, inclusionProbability: pi }])).toThrow(
        StatsInputError,
      )
    }
    expect(() => horvitzThompson([{ value: 1, inclusionProbability: 0 }])).toThrow(
      '`horvitzThompson` requires inclusion probabilities in (0, 1]',
    )
  })
})
