import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { differenceOfProportionsInterval } from './difference-of-proportions-interval.js'

// Reference: method 10 computed from scipy's Wilson limits in scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as {
  differenceOfProportionsInterval: {
    x1: number
    n1: number
    x2: number
    n2: number
    confidence: number
    estimate: number
    lower: number
    upper: number
  }[]
}

describe('differenceOfProportionsInterval', () => {
  it('matches the worked examples of Newcombe 1998 (Stat Med 17:873-890) method 10', () => {
    const examples: [number, number, number, number, number, number][] = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
    ]
    for (const [x1, n1, x2, n2, lower, upper] of examples) {
      const r = differenceOfProportionsInterval(x1, n1, x2, n2)
      expectClose(r.lower, lower, { absolute: 5e-5 })
      expectClose(r.upper, upper, { absolute: 5e-5 })
    }
  })

  it('matches the Python computation, including zero counts', () => {
    for (const c of fixture.differenceOfProportionsInterval) {
      const r = differenceOfProportionsInterval(c.x1, c.n1, c.x2, c.n2, {
        confidence: c.confidence,
      })
      expectClose(r.estimate, c.estimate, { relative: 1e-12, absolute: 1e-15 })
      expectClose(r.lower, c.lower, { relative: 1e-9, absolute: 1e-12 })
      expectClose(r.upper, c.upper, { relative: 1e-9, absolute: 1e-12 })
    }
  })

  const group = fc
    .integer({ min: 1, max: 2000 })
    .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)))

  it('contains its estimate, stays in [-1, 1] and flips sign when the groups swap', () => {
    fc.assert(
      fc.property(
        group,
        group,
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        ([x1, n1], [x2, n2], confidence) => {
          const r = differenceOfProportionsInterval(x1, n1, x2, n2, { confidence })
          expect(r.lower).toBeGreaterThanOrEqual(-1)
          expect(r.upper).toBeLessThanOrEqual(1)
          expect(r.lower).toBeLessThanOrEqual(r.estimate)
          expect(r.upper).toBeGreaterThanOrEqual(r.estimate)
          const swapped = differenceOfProportionsInterval(x2, n2, x1, n1, { confidence })
          expectClose(swapped.lower, -r.upper, { absolute: 1e-12 })
          expectClose(swapped.upper, -r.lower, { absolute: 1e-12 })
        },
      ),
    )
  })

  it('is wider at higher confidence', () => {
    fc.assert(
      fc.property(group, group, ([x1, n1], [x2, n2]) => {
        const narrow = differenceOfProportionsInterval(x1, n1, x2, n2, { confidence: 0.9 })
        const wide = differenceOfProportionsInterval(x1, n1, x2, n2, { confidence: 0.99 })
        expect(wide.lower).toBeLessThanOrEqual(narrow.lower)
        expect(wide.upper).toBeGreaterThanOrEqual(narrow.upper)
      }),
    )
  })

  it('rejects invalid counts and confidence', () => {
    expect(() => differenceOfProportionsInterval(1, 0, 1, 2)).toThrow(
      '`differenceOfProportionsInterval` requires trials1 to be a positive integer',
    )
    expect(() => differenceOfProportionsInterval(1, 2, 5, 4)).toThrow(StatsInputError)
    expect(() => differenceOfProportionsInterval(1, 2, 1, 2, { confidence: 1 })).toThrow(
      StatsInputError,
    )
  })
})
