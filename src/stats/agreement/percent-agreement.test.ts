import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { cohensKappa } from './cohens-kappa.js'
import { percentAgreement } from './percent-agreement.js'

describe('percentAgreement', () => {
  it('counts matching labels (3 of 4 → 0.75)', () => {
    expect(percentAgreement(['y', 'y', 'n', 'n'], ['y', 'n', 'n', 'n'])).toEqual({
      value: 0.75,
      agreements: 3,
      n: 4,
    })
  })

  it("treats 1 and '1' as different labels", () => {
    expect(percentAgreement([1, 'a'], ['1', 'a']).value).toBe(0.5)
  })

  it("lies in [0, 1] and equals Cohen's observed agreement", () => {
    const pairs = fc
      .integer({ min: 1, max: 40 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
        ),
      )
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const { value } = percentAgreement(a, b)
        expect(value).toBeGreaterThanOrEqual(0)
        expect(value).toBeLessThanOrEqual(1)
        if (new Set([...a, ...b]).size >= 2) expectClose(value, cohensKappa(a, b).observedAgreement)
      }),
    )
  })

  it('rejects empty, unequal and invalid input', () => {
    expect(() => percentAgreement([], [])).toThrow(
      new StatsInputError('`percentAgreement` requires at least one pair of ratings'),
    )
    expect(() => percentAgreement([1], [1, 2])).toThrow(
      new StatsInputError('`percentAgreement` requires two label arrays of equal length'),
    )
    expect(() => percentAgreement([null as unknown as number], [1])).toThrow(
      new StatsInputError('`percentAgreement` requires labels that are strings or finite numbers'),
    )
  })

  it('does not mutate its inputs', () => {
    expect(percentAgreement(Object.freeze([1, 2]), Object.freeze([1, 3])).value).toBe(0.5)
  })
})
