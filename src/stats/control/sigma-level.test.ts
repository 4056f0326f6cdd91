import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { sigmaLevel } from './sigma-level.js'

// scripts/reference/control_reference.py: scipy.stats.norm.isf(dpmo / 1e6) + 1.5, e.g.
//   3.4 → 5.9998544700250065, 66807 → 3.000001553990341, 308538 → 1.9999986898060476
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/control-reference.json', import.meta.url),
    'utf8',
  ),
) as { sigmaLevels: { dpmo: number; sigmaLevel: number }[] }

describe('sigmaLevel', () => {
  it('reproduces the Six Sigma table: 3.4 → 6, 66,807 → 3, 308,538 → 2', () => {
    expectClose(sigmaLevel(3.4), 6, { absolute: 2e-4 })
    expectClose(sigmaLevel(66_807), 3, { absolute: 1e-5 })
    expectClose(sigmaLevel(308_538), 2, { absolute: 1e-5 })
    expect(sigmaLevel(500_000)).toBe(1.5)
  })

  it('matches scipy norm.isf(dpmo/1e6) + 1.5 across the range', () => {
    for (const { dpmo, sigmaLevel: expected } of fixture.sigmaLevels) {
      expectClose(sigmaLevel(dpmo), expected, { relative: 1e-12 })
    }
  })

  it('decreases as DPMO grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 999_999, noNaN: true }),
        fc.double({ min: 1e-6, max: 999_999, noNaN: true }),
        (a, b) => {
          if (a < b) expect(sigmaLevel(a)).toBeGreaterThanOrEqual(sigmaLevel(b))
        },
      ),
    )
  })

  it('rejects DPMO of 0, 1,000,000 or beyond, where the level is infinite', () => {
    for (const bad of [0, 1e6, -1, 2e6, Number.NaN]) {
      expect(() => sigmaLevel(bad)).toThrow(
        '`sigmaLevel` requires dpmo greater than 0 and less than 1000000',
      )
    }
  })
})
