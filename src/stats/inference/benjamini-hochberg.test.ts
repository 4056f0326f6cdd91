import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { benjaminiHochberg } from './benjamini-hochberg.js'

// Reference: scipy.stats.false_discovery_control(ps, method='bh') in
// scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as { benjaminiHochberg: { pValues: number[]; adjusted: number[] }[] }

describe('benjaminiHochberg', () => {
  it('matches scipy.stats.false_discovery_control, ties and 0/1 included', () => {
    for (const c of fixture.benjaminiHochberg) {
      const adjusted = benjaminiHochberg(c.pValues)
      expect(adjusted).toHaveLength(c.adjusted.length)
      adjusted.forEach((value, i) =>
        expectClose(value, c.adjusted[i]!, { relative: 1e-14, absolute: 1e-16 }),
      )
    }
  })

  it('gives adjusted values ≥ raw, ≤ 1, and monotone in the raw order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 200 }),
        (ps) => {
          const adjusted = benjaminiHochberg(ps)
          const order = ps.map((_, i) => i).sort((a, b) => ps[a]! - ps[b]!)
          for (let k = 0; k < ps.length; k++) {
            expect(adjusted[k]).toBeGreaterThanOrEqual(ps[k]!)
            expect(adjusted[k]).toBeLessThanOrEqual(1)
            if (k > 0) expect(adjusted[order[k]!]).toBeGreaterThanOrEqual(adjusted[order[k - 1]!]!)
          }
        },
      ),
    )
  })

  it('is equivariant under permutation of its input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 100 }),
        (ps) => {
          const reversed = [...ps].reverse()
          expect(benjaminiHochberg(reversed)).toEqual(benjaminiHochberg(ps).reverse())
        },
      ),
    )
  })

  it('treats -0 as 0 and gives ties the same adjusted value', () => {
    expect(benjaminiHochberg([-0, 0.5, 0, 0.5])).toEqual([0, 0.5, 0, 0.5])
  })

  it('returns an empty array for no p-values and leaves frozen input untouched', () => {
    expect(benjaminiHochberg([])).toEqual([])
    const ps = Object.freeze([0.3, 0.01, 0.02])
    benjaminiHochberg(ps)
    expect(ps).toEqual([0.3, 0.01, 0.02])
  })

  it('rejects NaN and values outside [0, 1]', () => {
    expect(() => benjaminiHochberg([0.1, Number.NaN])).toThrow(
      '`benjaminiHochberg` requires p-values between 0 and 1',
    )
    expect(() => benjaminiHochberg([1.01])).toThrow(StatsInputError)
    expect(() => benjaminiHochberg([-0.01])).toThrow(StatsInputError)
  })
})
