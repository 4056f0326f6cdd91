import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { proportionFromSums } from '../../src/engine/metrics/estimate.js'
import { weightedProportion } from '../../src/stats/index.js'

describe('estimates from sums', () => {
  it('equal stats weightedProportion on the units they summarise', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ weight: fc.double({ min: 1, max: 50, noNaN: true }), success: fc.boolean() }),
          { minLength: 1, maxLength: 60 },
        ),
        (units) => {
          const expected = weightedProportion(units)
          const sums = units.reduce(
            (s, u) => ({
              n: s.n + 1,
              ny: s.ny + (u.success ? 1 : 0),
              sw: s.sw + u.weight,
              sw2: s.sw2 + u.weight ** 2,
              swy: s.swy + (u.success ? u.weight : 0),
            }),
            { n: 0, ny: 0, sw: 0, sw2: 0, swy: 0 },
          )
          const actual = proportionFromSums(sums, 0.95)
          for (const key of ['estimate', 'lower', 'upper', 'effectiveSampleSize'] as const) {
            expect(Math.abs((actual[key] as number) - expected[key])).toBeLessThan(1e-9)
          }
        },
      ),
    )
  })
})
