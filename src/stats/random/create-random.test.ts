import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { createRandom } from './create-random.js'

describe('createRandom', () => {
  it('matches an independent uint32 re-implementation of mulberry32', () => {
    // python3 scripts/reference/agreement_bootstrap.py:
    //   mulberry32(42) first 3: [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]
    //   mulberry32(0) first 2: [0.26642920868471265, 0.0003297457005828619]
    const random = createRandom(42)
    expect([random(), random(), random()]).toEqual([
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099,
    ])
    const zero = createRandom(0)
    expect([zero(), zero()]).toEqual([0.26642920868471265, 0.0003297457005828619])
  })

  it('replays the same sequence for the same seed and stays in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 }), (seed) => {
        const first = createRandom(seed)
        const second = createRandom(seed)
        for (let i = 0; i < 50; i += 1) {
          const x = first()
          expect(second()).toBe(x)
          expect(x).toBeGreaterThanOrEqual(0)
          expect(x).toBeLessThan(1)
        }
      }),
    )
  })

  it('reduces seeds to 32 bits (ToUint32)', () => {
    expect(createRandom(2 ** 32 + 5)()).toBe(createRandom(5)())
    expect(createRandom(-1)()).toBe(createRandom(2 ** 32 - 1)())
  })

  it('looks uniform: mean ≈ 1/2 and variance ≈ 1/12 over 100,000 draws', () => {
    const random = createRandom(2024)
    let sum = 0
    let squares = 0
    const n = 100_000
    for (let i = 0; i < n; i += 1) {
      const x = random()
      sum += x
      squares += x * x
    }
    const mean = sum / n
    // Standard error of the mean is sqrt(1/12/n) ≈ 0.0009; allow 5 standard errors.
    expectClose(mean, 0.5, { absolute: 0.0046 })
    expectClose(squares / n - mean * mean, 1 / 12, { absolute: 0.002 })
  })

  it('rejects a non-finite seed', () => {
    expect(() => createRandom(Number.NaN)).toThrow(
      new StatsInputError('`createRandom` requires a finite number as seed'),
    )
    expect(() => createRandom(Infinity)).toThrow(StatsInputError)
  })
})
