import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StatsInputError } from '../stats-input-error.js'
import type { SampleSizeForDifferenceOptions } from './sample-size-for-difference.js'
import { sampleSizeForDifference } from './sample-size-for-difference.js'

// Reference: Fleiss, Levin & Paik (2003) eq. 4.14 (no continuity correction) evaluated with
// scipy.stats.norm.ppf in scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as { sampleSizeForDifference: (Required<SampleSizeForDifferenceOptions> & { n: number })[] }

describe('sampleSizeForDifference', () => {
  it('needs 97 per group for 0.4 vs 0.6 at 80% power and two-sided α = 0.05', () => {
    // Fleiss et al. (2003) §4.2 without continuity correction: 96.92 → 97
    expect(sampleSizeForDifference({ p1: 0.4, p2: 0.6 })).toBe(97)
  })

  it('matches the Python computation for unequal ratios and one-sided alternatives', () => {
    for (const c of fixture.sampleSizeForDifference) {
      const { n, ...options } = c
      expect(sampleSizeForDifference(options)).toBe(n)
    }
  })

  it('grows with power and shrinks with α and with the size of the difference', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.45, noNaN: true }),
        fc.double({ min: 0.05, max: 0.4, noNaN: true }),
        (p1, delta) => {
          const base = sampleSizeForDifference({ p1, p2: p1 + delta })
          expect(
            sampleSizeForDifference({ p1, p2: p1 + delta, power: 0.95 }),
          ).toBeGreaterThanOrEqual(base)
          expect(sampleSizeForDifference({ p1, p2: p1 + delta, alpha: 0.1 })).toBeLessThanOrEqual(
            base,
          )
          expect(
            sampleSizeForDifference({ p1, p2: Math.min(0.99, p1 + 1.5 * delta) }),
          ).toBeLessThanOrEqual(base)
          expect(sampleSizeForDifference({ p1: p1 + delta, p2: p1 })).toBe(base)
        },
      ),
    )
  })

  it('rejects equal proportions, contradicting one-sided alternatives and bad parameters', () => {
    expect(() => sampleSizeForDifference({ p1: 0.3, p2: 0.3 })).toThrow(
      '`sampleSizeForDifference` requires p1 and p2 to differ',
    )
    expect(() => sampleSizeForDifference({ p1: 0.3, p2: 0.4, alternative: 'larger' })).toThrow(
      "`sampleSizeForDifference` requires p1 > p2 for the 'larger' alternative",
    )
    expect(() => sampleSizeForDifference({ p1: 0.5, p2: 0.4, alternative: 'smaller' })).toThrow(
      "`sampleSizeForDifference` requires p1 < p2 for the 'smaller' alternative",
    )
    expect(() => sampleSizeForDifference({ p1: 1.2, p2: 0.4 })).toThrow(StatsInputError)
    expect(() => sampleSizeForDifference({ p1: 0.3, p2: 0.4, alpha: 0 })).toThrow(StatsInputError)
    expect(() => sampleSizeForDifference({ p1: 0.3, p2: 0.4, power: 1 })).toThrow(StatsInputError)
    expect(() => sampleSizeForDifference({ p1: 0.3, p2: 0.4, ratio: 0 })).toThrow(StatsInputError)
    expect(() =>
      sampleSizeForDifference({
        p1: 0.3,
        p2: 0.4,
        alternative: 'less' as SampleSizeForDifferenceOptions['alternative'],
      }),
    ).toThrow(StatsInputError)
  })
})
