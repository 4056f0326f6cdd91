import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { bootstrapInterval } from './bootstrap-interval.js'
import { createRandom } from './create-random.js'

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length
const ONE_TO_TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

describe('bootstrapInterval', () => {
  it('matches an independent python replay of the same resamples (mean of 1..10, seed 1)', () => {
    // python3 scripts/reference/agreement_bootstrap.py:
    //   bootstrap mean 1..10: estimate 5.5 lower 3.8 upper 7.4
    //   bootstrap mean 1..10 confidence 0.8: lower 4.3 upper 6.7
    const result = bootstrapInterval(mean, ONE_TO_TEN, { random: createRandom(1) })
    expectClose(result.estimate, 5.5)
    expectClose(result.lower, 3.8, { relative: 1e-12 })
    expectClose(result.upper, 7.4, { relative: 1e-12 })
    expect(result.replicates).toBe(1000)
    const narrow = bootstrapInterval(mean, ONE_TO_TEN, { random: createRandom(1), confidence: 0.8 })
    expectClose(narrow.lower, 4.3, { relative: 1e-12 })
    expectClose(narrow.upper, 6.7, { relative: 1e-12 })
  })

  it('replays identically for the same seed', () => {
    const first = bootstrapInterval(mean, ONE_TO_TEN, { random: createRandom(99), replicates: 200 })
    const second = bootstrapInterval(mean, ONE_TO_TEN, {
      random: createRandom(99),
      replicates: 200,
    })
    expect(second).toEqual(first)
  })

  it('brackets the estimate of a mean, lower ≤ upper, narrower at lower confidence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 5, maxLength: 40 }),
        fc.integer(),
        (values, seed) => {
          const wide = bootstrapInterval(mean, values, {
            random: createRandom(seed),
            replicates: 300,
          })
          const narrow = bootstrapInterval(mean, values, {
            random: createRandom(seed),
            replicates: 300,
            confidence: 0.5,
          })
          expect(wide.lower).toBeLessThanOrEqual(wide.upper)
          expect(wide.lower).toBeLessThanOrEqual(narrow.lower + 1e-9)
          expect(wide.upper).toBeGreaterThanOrEqual(narrow.upper - 1e-9)
          const spread = Math.max(...values) - Math.min(...values)
          if (spread > 1) {
            expect(wide.lower).toBeLessThanOrEqual(wide.estimate)
            expect(wide.upper).toBeGreaterThanOrEqual(wide.estimate)
          }
        },
      ),
      { numRuns: 50 },
    )
  })

  it('skips resamples on which the statistic is undefined and counts the rest', () => {
    // Undefined when a resample has no 1: probability (2/3)^3 ≈ 0.30 per replicate.
    const shareOfOnes = (xs: readonly number[]): number => {
      if (!xs.includes(1)) throw new StatsInputError('`shareOfOnes` requires a one')
      return xs.filter((x) => x === 1).length / xs.length
    }
    const result = bootstrapInterval(shareOfOnes, [1, 2, 3], {
      random: createRandom(3),
      replicates: 1000,
    })
    expect(result.replicates).toBeLessThan(1000)
    expect(result.replicates).toBeGreaterThan(600)
    expect(result.lower).toBeGreaterThan(0)
  })

  it('rejects bad options, too few units and misbehaving statistics', () => {
    const random = createRandom(1)
    expect(() => bootstrapInterval(mean, [1], { random })).toThrow(
      new StatsInputError('`bootstrapInterval` requires at least two units'),
    )
    expect(() => bootstrapInterval(mean, [1, 2], { random, replicates: 0 })).toThrow(
      new StatsInputError('`bootstrapInterval` requires replicates to be a positive integer'),
    )
    expect(() => bootstrapInterval(mean, [1, 2], { random, confidence: 1 })).toThrow(
      new StatsInputError('`bootstrapInterval` requires confidence between 0 and 1'),
    )
    expect(() => bootstrapInterval(mean, [1, 2], {} as { random: () => number })).toThrow(
      new StatsInputError('`bootstrapInterval` requires a random function'),
    )
    expect(() => bootstrapInterval(() => Number.NaN, [1, 2], { random })).toThrow(
      new StatsInputError('`bootstrapInterval` requires a statistic that returns finite numbers'),
    )
    const rarelyDefined = (xs: readonly number[]): number => {
      // Defined on the original units, but only on 4!/4⁴ ≈ 9 % of resamples.
      if (new Set(xs).size < 4) throw new StatsInputError('`rarelyDefined` requires four values')
      return 1
    }
    expect(() => bootstrapInterval(rarelyDefined, [1, 2, 3, 4], { random })).toThrow(
      new StatsInputError(
        '`bootstrapInterval` requires a statistic defined on at least half of the resamples',
      ),
    )
    expect(() =>
      bootstrapInterval(
        () => {
          throw new RangeError('boom')
        },
        [1, 2],
        { random },
      ),
    ).toThrow(RangeError)
  })

  it('does not mutate its inputs', () => {
    const units = Object.freeze([3, 1, 2])
    const options = Object.freeze({ random: createRandom(5), replicates: 50 })
    expect(() => bootstrapInterval(mean, units, options)).not.toThrow()
    expect(units).toEqual([3, 1, 2])
  })
})
