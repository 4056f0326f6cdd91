import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { marginOfError } from './margin-of-error.js'

// Reference: z·√(p(1-p)/n)·√((N-n)/(N-1)) with scipy.stats.norm.ppf in
// scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as {
  marginOfError: {
    n: number
    p: number
    confidence: number
    population: number | null
    margin: number
  }[]
}

describe('marginOfError', () => {
  it('matches the Python computation, with and without finite population correction', () => {
    for (const c of fixture.marginOfError) {
      const options = {
        p: c.p,
        confidence: c.confidence,
        ...(c.population === null ? {} : { population: c.population }),
      }
      expectClose(marginOfError(c.n, options), c.margin, { relative: 1e-13, absolute: 1e-16 })
    }
  })

  it('is just under 5% for the classic n = 385 at 95%', () => {
    // 1.959963984540054 · √(0.25 / 385) = 0.0499445…
    expectClose(marginOfError(385), 0.04994450700198681, { relative: 1e-13 })
  })

  it('is 0 for a census and decreases as n grows', () => {
    expect(marginOfError(50, { population: 50 })).toBe(0)
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100000 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (n, p) => {
          expect(marginOfError(n + 1, { p })).toBeLessThan(marginOfError(n, { p }))
          expect(marginOfError(n, { p, population: n + 10 })).toBeLessThanOrEqual(
            marginOfError(n, { p }),
          )
        },
      ),
    )
  })

  it('rejects non-integer n, p out of range and populations smaller than n', () => {
    expect(() => marginOfError(0)).toThrow('`marginOfError` requires n to be a positive integer')
    expect(() => marginOfError(10.5)).toThrow(StatsInputError)
    expect(() => marginOfError(10, { p: 1.5 })).toThrow(
      '`marginOfError` requires p between 0 and 1',
    )
    expect(() => marginOfError(10, { population: 9 })).toThrow(
      '`marginOfError` requires a finite population at least as large as n',
    )
    expect(() => marginOfError(10, { confidence: 0 })).toThrow(StatsInputError)
  })
})
