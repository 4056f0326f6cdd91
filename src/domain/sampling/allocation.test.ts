import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allocateSample, splitByWeights } from './allocation.js'
import { validatePlan } from './plan.js'

const strata = [
  { stratum: 'a', volume: 1000 },
  { stratum: 'b', volume: 300 },
  { stratum: 'c', volume: 20 },
]

describe('splitByWeights', () => {
  it('sums to min(total, Σ caps), never exceeds a cap, and is proportional where uncapped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.array(
          fc.tuple(
            fc.double({ min: 0.01, max: 100, noNaN: true }),
            fc.integer({ min: 0, max: 2000 }),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        (total, items) => {
          const sizes = splitByWeights(
            total,
            items.map((i) => i[0]),
            items.map((i) => i[1]),
          )
          const capSum = items.reduce((s, i) => s + i[1], 0)
          expect(sizes.reduce((s, x) => s + x, 0)).toBe(Math.min(total, capSum))
          sizes.forEach((size, i) => {
            expect(Number.isInteger(size)).toBe(true)
            expect(size).toBeGreaterThanOrEqual(0)
            expect(size).toBeLessThanOrEqual(items[i]![1])
          })
        },
      ),
    )
  })
})

describe('allocateSample', () => {
  it('allocates proportionally to volume', () => {
    const sizes = allocateSample(
      validatePlan({ name: 'p', allocation: { method: 'proportional', total: 132 } }),
      strata,
    ).map((s) => s.size)
    expect(sizes).toEqual([100, 30, 2])
  })

  it('allocates equally and gives a small stratum’s surplus to the others', () => {
    const sizes = allocateSample(
      validatePlan({ name: 'p', allocation: { method: 'equal', total: 120 } }),
      strata,
    ).map((s) => s.size)
    expect(sizes).toEqual([50, 50, 20])
  })

  it('takes a fixed count, capped at the volume and at caps.per_stratum', () => {
    const plan = validatePlan({
      name: 'p',
      allocation: { method: 'fixed_count', count: 50 },
      caps: { per_stratum: 40 },
    })
    expect(allocateSample(plan, strata).map((s) => s.size)).toEqual([40, 40, 20])
  })

  it('scales everything down to caps.total', () => {
    const plan = validatePlan({
      name: 'p',
      allocation: { method: 'fixed_rate', rate: 0.5 },
      caps: { total: 66 },
    })
    const sizes = allocateSample(plan, strata).map((s) => s.size)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(66)
    expect(sizes).toEqual([50, 15, 1])
  })

  it('applies per-stratum rate overrides', () => {
    const plan = validatePlan({
      name: 'p',
      allocation: { method: 'fixed_rate', rate: 0.1, rates: { c: 1 } },
    })
    expect(allocateSample(plan, strata).map((s) => s.size)).toEqual([100, 30, 20])
  })

  it('allocates Neyman by N_h·sqrt(p_h(1−p_h)) with Laplace-smoothed error rates', () => {
    const plan = validatePlan({ name: 'p', allocation: { method: 'neyman', total: 100 } })
    const result = allocateSample(plan, [
      { stratum: 'x', volume: 1000, audits: 98, errors: 49 }, // p = 0.5
      { stratum: 'y', volume: 1000, audits: 98, errors: 0 }, // p = 0.01
    ])
    const sx = Math.sqrt(0.5 * 0.5)
    const sy = Math.sqrt(0.01 * 0.99)
    expect(result[0]!.size).toBe(Math.round((100 * sx) / (sx + sy)))
    expect(result[1]!.expectedErrorRate).toBeCloseTo(0.01, 12)
  })

  it('weights risk by policy tier (the tier is added to the strata)', () => {
    const plan = validatePlan({
      name: 'p',
      allocation: { method: 'risk_weighted', total: 90, tier_weights: { 1: 8, 4: 1 } },
    })
    expect(plan.strata).toEqual(['policy_tier'])
    const result = allocateSample(plan, [
      { stratum: '1', volume: 1000 },
      { stratum: '4', volume: 1000 },
    ])
    expect(result.map((s) => s.size)).toEqual([80, 10])
  })

  it('reports every missing setting of a method', () => {
    expect(() => validatePlan({ name: 'p', allocation: { method: 'proportional' } })).toThrow(
      /valid sampling plan/,
    )
    try {
      validatePlan({ name: 'Bad Name', strata: ['nope'], allocation: { method: 'fixed_rate' } })
    } catch (error) {
      const paths = (error as { details: { path: string }[] }).details.map((d) => d.path)
      expect(paths).toEqual(expect.arrayContaining(['name', 'strata.0', 'allocation.rate']))
    }
  })
})
