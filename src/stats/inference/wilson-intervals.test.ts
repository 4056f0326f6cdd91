import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { proportionInterval } from './proportion-interval.js'
import { wilsonIntervals } from './wilson-intervals.js'

describe('wilsonIntervals', () => {
  it('matches Newcombe 1998 Table I Wilson limits for 81/263 and 0/20', () => {
    const result = wilsonIntervals(new Int32Array([81, 0]), new Int32Array([263, 20]))
    expectClose(result.lower[0]!, 0.2553, { absolute: 5e-5 })
    expectClose(result.upper[0]!, 0.3662, { absolute: 5e-5 })
    expect(result.lower[1]).toBe(0)
    expectClose(result.upper[1]!, 0.1611, { absolute: 5e-5 })
  })

  it('agrees element by element with proportionInterval(…, { method: "wilson" })', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .integer({ min: 1, max: 10000 })
            .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
          { minLength: 0, maxLength: 50 },
        ),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (pairs, confidence) => {
          const successes = pairs.map(([x]) => x)
          const trials = pairs.map(([, n]) => n)
          const result = wilsonIntervals(successes, trials, confidence)
          pairs.forEach(([x, n], i) => {
            const single = proportionInterval(x, n, { confidence })
            expect(result.estimate[i]).toBe(single.estimate)
            expect(result.lower[i]).toBe(single.lower)
            expect(result.upper[i]).toBe(single.upper)
          })
        },
      ),
    )
  })

  it('writes into caller-supplied output arrays and leaves frozen inputs alone', () => {
    const successes = Object.freeze([1, 2, 3])
    const trials = Object.freeze([10, 10, 10])
    const output = {
      estimate: new Float64Array(3),
      lower: new Float64Array(3),
      upper: new Float64Array(3),
    }
    const result = wilsonIntervals(successes, trials, 0.9, output)
    expect(result.lower).toBe(output.lower)
    expect(output.estimate[2]).toBeCloseTo(0.3, 15)
    expect(successes).toEqual([1, 2, 3])
  })

  it('rejects mismatched lengths, short outputs and invalid counts, naming the index', () => {
    expect(() => wilsonIntervals([1], [2, 3])).toThrow(
      '`wilsonIntervals` requires successes and trials of the same length',
    )
    const short = {
      estimate: new Float64Array(1),
      lower: new Float64Array(1),
      upper: new Float64Array(1),
    }
    expect(() => wilsonIntervals([1, 1], [2, 2], 0.95, short)).toThrow(StatsInputError)
    expect(() => wilsonIntervals([1, 3], [2, 2])).toThrow('(index 1)')
    expect(() => wilsonIntervals([0], [0])).toThrow(StatsInputError)
    expect(() => wilsonIntervals([1], [2], 1)).toThrow(StatsInputError)
  })
})
