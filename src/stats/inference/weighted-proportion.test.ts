import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { proportionInterval } from './proportion-interval.js'
import { weightedProportion } from './weighted-proportion.js'

// Reference: numpy hand computation (Hájek estimate, Kish n_eff, Wilson at n_eff) in
// scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as {
  weightedProportion: {
    weights: number[]
    successes: boolean[]
    confidence: number
    estimate: number
    effectiveSampleSize: number
    lower: number
    upper: number
  }[]
}

describe('weightedProportion', () => {
  it('matches the numpy computation for random weights', () => {
    for (const c of fixture.weightedProportion) {
      const units = c.weights.map((weight, i) => ({ weight, success: c.successes[i]! }))
      const result = weightedProportion(units, { confidence: c.confidence })
      expectClose(result.estimate, c.estimate, { relative: 1e-12, absolute: 1e-15 })
      expectClose(result.effectiveSampleSize, c.effectiveSampleSize, { relative: 1e-12 })
      expectClose(result.lower, c.lower, { relative: 1e-10, absolute: 1e-15 })
      expectClose(result.upper, c.upper, { relative: 1e-10 })
    }
  })

  it('equals the unweighted Wilson interval when all weights are equal', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (outcomes, weight, confidence) => {
          const units = outcomes.map((success) => ({ weight, success }))
          const weighted = weightedProportion(units, { confidence })
          const plain = proportionInterval(outcomes.filter(Boolean).length, outcomes.length, {
            confidence,
          })
          expectClose(weighted.effectiveSampleSize, outcomes.length, { relative: 1e-12 })
          expectClose(weighted.estimate, plain.estimate, { relative: 1e-12, absolute: 1e-15 })
          expectClose(weighted.lower, plain.lower, { relative: 1e-9, absolute: 1e-14 })
          expectClose(weighted.upper, plain.upper, { relative: 1e-9, absolute: 1e-14 })
        },
      ),
    )
  })

  it('contains its estimate inside [0, 1] and has 1 ≤ n_eff ≤ number of units', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            weight: fc.double({ min: 0.001, max: 100, noNaN: true }),
            success: fc.boolean(),
          }),
          {
            minLength: 1,
            maxLength: 100,
          },
        ),
        (units) => {
          const r = weightedProportion(units)
          expect(r.lower).toBeGreaterThanOrEqual(0)
          expect(r.upper).toBeLessThanOrEqual(1)
          expect(r.lower).toBeLessThanOrEqual(r.estimate)
          expect(r.upper).toBeGreaterThanOrEqual(r.estimate)
          expect(r.effectiveSampleSize).toBeGreaterThanOrEqual(1 - 1e-12)
          expect(r.effectiveSampleSize).toBeLessThanOrEqual(units.length * (1 + 1e-12))
        },
      ),
    )
  })

  it('ignores zero-weight units and does not mutate frozen input', () => {
    const units = Object.freeze([
      Object.freeze({ weight: 2, success: true }),
      Object.freeze({ weight: 0, success: true }),
      Object.freeze({ weight: 2, success: false }),
    ])
    const r = weightedProportion(units)
    expect(r.estimate).toBe(0.5)
    expectClose(r.effectiveSampleSize, 2, { relative: 1e-15 })
  })

  it('rejects empty input, negative or non-finite weights, zero total weight and bad confidence', () => {
    expect(() => weightedProportion([])).toThrow('`weightedProportion` requires at least one unit')
    expect(() => weightedProportion([{ weight: -1, success: true }])).toThrow(
      '`weightedProportion` requires finite non-negative weights',
    )
    expect(() => weightedProportion([{ weight: Infinity, success: true }])).toThrow(StatsInputError)
    expect(() => weightedProportion([{ weight: 0, success: true }])).toThrow(
      '`weightedProportion` requires weights with a positive sum',
    )
    expect(() => weightedProportion([{ weight: 1, success: 1 as unknown as boolean }])).toThrow(
      StatsInputError,
    )
    expect(() => weightedProportion([{ weight: 1, success: true }], { confidence: 2 })).toThrow(
      StatsInputError,
    )
  })
})
