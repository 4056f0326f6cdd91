import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StatsInputError } from '../stats-input-error.js'
import { marginOfError } from './margin-of-error.js'
import { sampleSizeForMargin } from './sample-size-for-margin.js'

// Reference: Cochran (1977) eq. 4.1-4.2 evaluated with scipy.stats.norm.ppf in
// scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as {
  sampleSizeForMargin: {
    margin: number
    confidence: number
    p: number
    population: number | null
    n: number
  }[]
}

describe('sampleSizeForMargin', () => {
  it('gives the classic 385 for ±5% at 95%, and 278 for a population of 1000', () => {
    expect(sampleSizeForMargin({ margin: 0.05 })).toBe(385)
    expect(sampleSizeForMargin({ margin: 0.05, confidence: 0.95, p: 0.5, population: 1000 })).toBe(
      278,
    )
  })

  it('matches the Python computation of Cochran eq. 4.1-4.2', () => {
    for (const c of fixture.sampleSizeForMargin) {
      const n = sampleSizeForMargin({
        margin: c.margin,
        confidence: c.confidence,
        p: c.p,
        ...(c.population === null ? {} : { population: c.population }),
      })
      expect(n).toBe(c.n)
    }
  })

  it('achieves the requested margin, and one fewer unit would not', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.005, max: 0.3, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.option(fc.integer({ min: 2, max: 1_000_000 }), { nil: undefined }),
        (margin, p, confidence, population) => {
          const options = {
            margin,
            p,
            confidence,
            ...(population === undefined ? {} : { population }),
          }
          const n = sampleSizeForMargin(options)
          const moe = (k: number) =>
            marginOfError(k, { p, confidence, ...(population === undefined ? {} : { population }) })
          expect(moe(n)).toBeLessThanOrEqual(margin * (1 + 1e-9))
          if (n > 1) expect(moe(n - 1)).toBeGreaterThan(margin * (1 - 1e-9))
          if (population !== undefined) expect(n).toBeLessThanOrEqual(population)
        },
      ),
    )
  })

  it('does not mutate frozen options', () => {
    const options = Object.freeze({ margin: 0.05, population: 1000 })
    expect(sampleSizeForMargin(options)).toBe(278)
  })

  it('rejects margins, p and populations out of range', () => {
    expect(() => sampleSizeForMargin({ margin: 0 })).toThrow(
      '`sampleSizeForMargin` requires a margin strictly between 0 and 1',
    )
    expect(() => sampleSizeForMargin({ margin: 0.05, p: 1 })).toThrow(
      '`sampleSizeForMargin` requires p strictly between 0 and 1',
    )
    expect(() => sampleSizeForMargin({ margin: 0.05, population: 0 })).toThrow(StatsInputError)
    expect(() => sampleSizeForMargin({ margin: 0.05, confidence: 1 })).toThrow(StatsInputError)
  })
})
