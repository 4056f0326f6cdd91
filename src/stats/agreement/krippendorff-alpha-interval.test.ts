import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { createRandom } from '../random/create-random.js'
import { StatsInputError } from '../stats-input-error.js'
import { krippendorffAlpha } from './krippendorff-alpha.js'
import { krippendorffAlphaInterval } from './krippendorff-alpha-interval.js'

const KRIPPENDORFF_2011: (number | null)[][] = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
]

/** 3 raters × 300 units: a true value 0..3 per unit, each rater right 80 % of the time. */
function simulatedData(seed: number): (number | null)[][] {
  const random = createRandom(seed)
  const truth = Array.from({ length: 300 }, () => Math.floor(random() * 4))
  return [0, 1, 2].map(() =>
    truth.map((t) => (random() < 0.1 ? null : random() < 0.8 ? t : Math.floor(random() * 4))),
  )
}

describe('krippendorffAlphaInterval', () => {
  it("estimates Krippendorff's 2011 example at α = 0.743 with an interval around it", () => {
    const result = krippendorffAlphaInterval(
      KRIPPENDORFF_2011,
      { level: 'nominal' },
      { replicates: 500, random: createRandom(7) },
    )
    expectClose(result.estimate, 0.7434210526315791, { relative: 1e-12 })
    expect(result.lower).toBeLessThan(result.estimate)
    expect(result.upper).toBeGreaterThan(result.estimate)
    expect(result.upper).toBeLessThanOrEqual(1)
  })

  it('replays identically with the same seed', () => {
    const data = simulatedData(1)
    const run = () =>
      krippendorffAlphaInterval(
        data,
        { level: 'interval' },
        { replicates: 200, random: createRandom(11) },
      )
    expect(run()).toEqual(run())
  })

  it('contains the point estimate and narrows with more units on simulated data', () => {
    for (const level of ['nominal', 'ordinal', 'interval'] as const) {
      const data = simulatedData(2)
      const result = krippendorffAlphaInterval(
        data,
        { level },
        { replicates: 300, random: createRandom(3) },
      )
      expectClose(result.estimate, krippendorffAlpha(data, { level }).value)
      expect(result.lower).toBeLessThanOrEqual(result.estimate)
      expect(result.upper).toBeGreaterThanOrEqual(result.estimate)
      const small = krippendorffAlphaInterval(
        data.map((row) => row.slice(0, 40)),
        { level },
        { replicates: 300, random: createRandom(3) },
      )
      expect(result.upper - result.lower).toBeLessThan(small.upper - small.lower)
    }
  })

  it('skips resamples with a single distinct value', () => {
    // Two of three pairable units agree on 'a': a resample of only those has α undefined.
    const data = [
      ['a', 'a', 'b'],
      ['a', 'a', 'c'],
    ]
    const result = krippendorffAlphaInterval(data, {}, { replicates: 400, random: createRandom(5) })
    expect(result.replicates).toBeLessThan(400)
    expect(result.replicates).toBeGreaterThan(200)
  })

  it('reports the errors of krippendorffAlpha under its own name', () => {
    expect(() =>
      krippendorffAlphaInterval(
        [
          [1, 1],
          [1, 1],
        ],
        {},
        { random: createRandom(1) },
      ),
    ).toThrow(
      new StatsInputError('`krippendorffAlphaInterval` requires at least two distinct values'),
    )
    expect(() =>
      krippendorffAlphaInterval(
        [
          [1, 2],
          [null, 3],
        ],
        {},
        { random: createRandom(1) },
      ),
    ).toThrow(new StatsInputError('`bootstrapInterval` requires at least two units'))
  })

  it('does not mutate its inputs', () => {
    const data = Object.freeze(KRIPPENDORFF_2011.map((row) => Object.freeze([...row])))
    expect(() =>
      krippendorffAlphaInterval(data, Object.freeze({ level: 'ratio' as const }), {
        replicates: 50,
        random: createRandom(1),
      }),
    ).not.toThrow()
  })
})
