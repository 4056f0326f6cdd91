import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { chiSquareTest } from './chi-square-test.js'
import { twoProportionTest } from './two-proportion-test.js'

// Reference: pooled z by hand and p = 2·scipy.stats.norm.sf(|z|), cross-checked with
// scipy.stats.chi2_contingency(correction=False) — scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as {
  twoProportionTest: {
    x1: number
    n1: number
    x2: number
    n2: number
    z: number
    pValue: number
    chiSquarePValue: number
  }[]
}

describe('twoProportionTest', () => {
  it('matches the scipy computation and the uncorrected chi-square p-value', () => {
    for (const c of fixture.twoProportionTest) {
      const r = twoProportionTest(c.x1, c.n1, c.x2, c.n2)
      expectClose(r.z, c.z, { relative: 1e-12 })
      expectClose(r.pValue, c.pValue, { relative: 1e-12 })
      expectClose(r.pValue, c.chiSquarePValue, { relative: 1e-9 })
    }
  })

  it('has z² equal to the Pearson statistic of the 2×2 table', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 500 })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        fc
          .integer({ min: 1, max: 500 })
          .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x1, n1], [x2, n2]) => {
          fc.pre(x1 + x2 > 0 && x1 + x2 < n1 + n2)
          const { z } = twoProportionTest(x1, n1, x2, n2)
          const { statistic } = chiSquareTest([
            [x1, n1 - x1],
            [x2, n2 - x2],
          ])
          expectClose(z * z, statistic, { relative: 1e-9, absolute: 1e-12 })
          expect(twoProportionTest(x2, n2, x1, n1).z).toBeCloseTo(-z, 12)
        },
      ),
    )
  })

  it('returns z = 0 and p = 1 when both samples are all failures or all successes', () => {
    expect(twoProportionTest(0, 10, 0, 20)).toEqual({ z: 0, pValue: 1 })
    expect(twoProportionTest(10, 10, 20, 20)).toEqual({ z: 0, pValue: 1 })
  })

  it('rejects invalid counts, naming the group', () => {
    expect(() => twoProportionTest(1, 0, 1, 2)).toThrow(
      '`twoProportionTest` requires trials1 to be a positive integer',
    )
    expect(() => twoProportionTest(1, 2, 3, 2)).toThrow(
      '`twoProportionTest` requires successes2 to be an integer between 0 and trials2',
    )
    expect(() => twoProportionTest(0.5, 2, 1, 2)).toThrow(StatsInputError)
  })
})
