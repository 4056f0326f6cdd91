import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { proportionInterval } from './proportion-interval.js'
import { stratifiedProportion } from './stratified-proportion.js'

// Reference: hand computation of Cochran (1977) §5.3 with Python in
// scripts/reference/inference-proportions.py (strata given as [N_h, n_h, x_h]).
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as {
  stratifiedProportion: {
    strata: [number, number, number][]
    confidence: number
    estimate: number
    standardError: number
    lower: number
    upper: number
  }[]
}

const toStrata = (rows: [number, number, number][]) =>
  rows.map(([population, sampled, successes]) => ({ population, sampled, successes }))

describe('stratifiedProportion', () => {
  it('reproduces the textbook three-town viewing survey: p_st = 0.60, bound 2·SE ≈ 0.135', () => {
    // Scheaffer, Mendenhall & Ott, Elementary Survey Sampling, stratified proportion example:
    // N = (155, 62, 93), n = (20, 8, 12), p = (0.80, 0.25, 0.50). By hand:
    // p_st = (155·0.8 + 62·0.25 + 93·0.5) / 310 = 186 / 310 = 0.6 exactly;
    // V = Σ W² (1 - n/N) p q / (n - 1) = 0.0045483…, 2√V = 0.13488.
    const r = stratifiedProportion(
      toStrata([
        [155, 20, 16],
        [62, 8, 2],
        [93, 12, 6],
      ]),
    )
    expectClose(r.estimate, 0.6, { relative: 1e-15 })
    expectClose(2 * r.standardError, 0.13488, { absolute: 5e-5 })
  })

  it('matches the Python hand computation for random designs', () => {
    for (const c of fixture.stratifiedProportion) {
      const r = stratifiedProportion(toStrata(c.strata), { confidence: c.confidence })
      expectClose(r.estimate, c.estimate, { relative: 1e-12, absolute: 1e-15 })
      expectClose(r.standardError, c.standardError, { relative: 1e-12, absolute: 1e-15 })
      expectClose(r.lower, c.lower, { relative: 1e-12, absolute: 1e-15 })
      expectClose(r.upper, c.upper, { relative: 1e-12, absolute: 1e-15 })
    }
  })

  it('with one huge stratum approaches the simple random sample Wald interval', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 2000 })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x, n]) => {
          const r = stratifiedProportion([{ population: 1e12, sampled: n, successes: x }])
          const p = x / n
          expect(r.estimate).toBe(p)
          // SRS with replacement-like variance p q / (n - 1) (simple random sampling with f → 0).
          expectClose(r.standardError, Math.sqrt((p * (1 - p)) / (n - 1)), {
            relative: 1e-8,
            absolute: 1e-15,
          })
          const wald = proportionInterval(x, n, { method: 'wald' })
          const ratio = Math.sqrt(n / (n - 1))
          // The finite population correction 1 - n/N ≥ 1 - 2e-9 is the only difference.
          expectClose(r.upper - r.estimate, Math.min(1 - p, (wald.upper - p) * ratio), {
            relative: 1e-8,
            absolute: 1e-12,
          })
        },
      ),
    )
  })

  it('contains its estimate and stays in [0, 1]', () => {
    const stratum = fc.integer({ min: 1, max: 500 }).chain((n) =>
      fc.record({
        sampled: fc.constant(n),
        successes: fc.integer({ min: 0, max: n }),
        population: fc.integer({ min: n, max: 100000 }),
      }),
    )
    fc.assert(
      fc.property(fc.array(stratum, { minLength: 1, maxLength: 10 }), (strata) => {
        const r = stratifiedProportion(strata)
        expect(r.lower).toBeGreaterThanOrEqual(0)
        expect(r.upper).toBeLessThanOrEqual(1)
        expect(r.lower).toBeLessThanOrEqual(r.estimate + 1e-15)
        expect(r.upper).toBeGreaterThanOrEqual(r.estimate - 1e-15)
        expect(r.standardError).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  it('gives census strata no variance and single-unit strata the worst-case variance ¼', () => {
    const census = stratifiedProportion([{ population: 40, sampled: 40, successes: 13 }])
    expect(census.standardError).toBe(0)
    expectClose(census.estimate, 13 / 40, { relative: 1e-15 })
    const single = stratifiedProportion([
      { population: 100, sampled: 1, successes: 1 },
      { population: 100, sampled: 100, successes: 50 },
    ])
    // W = ½: Var = ¼ · (1 - 1/100) · ¼
    expectClose(single.standardError, Math.sqrt(0.25 * 0.99 * 0.25), { relative: 1e-15 })
  })

  it('does not mutate frozen input', () => {
    const strata = Object.freeze([Object.freeze({ population: 50, sampled: 10, successes: 2 })])
    stratifiedProportion(strata)
    expect(strata[0]).toEqual({ population: 50, sampled: 10, successes: 2 })
  })

  it('rejects empty input, zero samples, impossible counts and small populations', () => {
    expect(() => stratifiedProportion([])).toThrow(
      '`stratifiedProportion` requires at least one stratum',
    )
    expect(() => stratifiedProportion([{ population: 10, sampled: 0, successes: 0 }])).toThrow(
      '`stratifiedProportion` requires sampled to be a positive integer in every stratum',
    )
    expect(() => stratifiedProportion([{ population: 10, sampled: 5, successes: 6 }])).toThrow(
      StatsInputError,
    )
    expect(() => stratifiedProportion([{ population: 4, sampled: 5, successes: 1 }])).toThrow(
      '`stratifiedProportion` requires a finite population at least as large as sampled in every stratum',
    )
    expect(() =>
      stratifiedProportion([{ population: Infinity, sampled: 5, successes: 1 }]),
    ).toThrow(StatsInputError)
    expect(() =>
      stratifiedProportion([{ population: 10, sampled: 5, successes: 1 }], { confidence: 0 }),
    ).toThrow(StatsInputError)
  })
})
