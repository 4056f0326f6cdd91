import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { krippendorffAlpha } from './krippendorff-alpha.js'
import { krippendorffAlphaCoded } from './krippendorff-alpha-coded.js'
import type { KrippendorffLevel } from './krippendorff-types.js'

/** Unit-major Int32Array codes (−1 missing) from raters × units data with values 0..q-1. */
function toCodes(data: (number | null)[][]): Int32Array {
  const raters = data.length
  const units = (data[0] as (number | null)[]).length
  const codes = new Int32Array(raters * units)
  data.forEach((row, r) => row.forEach((v, u) => (codes[u * raters + r] = v ?? -1)))
  return codes
}

describe('krippendorffAlphaCoded', () => {
  it("reproduces Krippendorff's 2011 nominal and ratio values from codes", () => {
    // Values 1..5 coded 0..4; the ratio level needs the original values.
    const data = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
      [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    ].map((row) => row.map((v) => (v === null ? null : v - 1)))
    const codes = toCodes(data)
    expectClose(krippendorffAlphaCoded(codes, { raters: 4 }).value, 0.7434210526315791, {
      relative: 1e-12,
    })
    expectClose(
      krippendorffAlphaCoded(codes, { raters: 4, level: 'ratio', values: [1, 2, 3, 4, 5] }).value,
      0.7974027747116128,
      { relative: 1e-12 },
    )
  })

  it('agrees with krippendorffAlpha on every level', () => {
    const data = fc
      .record({ raters: fc.integer({ min: 2, max: 5 }), units: fc.integer({ min: 1, max: 15 }) })
      .chain(({ raters, units }) =>
        fc.array(
          fc.array(fc.option(fc.integer({ min: 0, max: 4 }), { freq: 4, nil: null }), {
            minLength: units,
            maxLength: units,
          }),
          { minLength: raters, maxLength: raters },
        ),
      )
    fc.assert(
      fc.property(
        data,
        fc.constantFrom<KrippendorffLevel>('nominal', 'ordinal', 'interval', 'ratio'),
        (rows, level) => {
          let expected: number
          try {
            expected = krippendorffAlpha(rows, { level }).value
          } catch {
            return
          }
          const actual = krippendorffAlphaCoded(toCodes(rows), {
            raters: rows.length,
            level,
            categoryCount: 5,
          })
          expectClose(actual.value, expected, { absolute: 1e-12 })
        },
      ),
    )
  })

  it('ignores unused codes below categoryCount', () => {
    const codes = Int32Array.from([0, 0, 1, 1, 0, 1])
    expectClose(krippendorffAlphaCoded(codes, { raters: 2, categoryCount: 9 }).value, 4 / 9)
    expectClose(krippendorffAlphaCoded(codes, { raters: 2 }).value, 4 / 9)
  })

  it('rejects bad layouts, codes and values', () => {
    const codes = Int32Array.from([0, 1, 1, 1])
    expect(() => krippendorffAlphaCoded(codes, { raters: 3 })).toThrow(
      new StatsInputError(
        '`krippendorffAlphaCoded` requires raters to be a positive integer dividing codes.length',
      ),
    )
    expect(() => krippendorffAlphaCoded([0, 1] as unknown as Int32Array, { raters: 2 })).toThrow(
      new StatsInputError('`krippendorffAlphaCoded` requires codes in an Int32Array'),
    )
    expect(() => krippendorffAlphaCoded(Int32Array.from([0, -2, 1, 1]), { raters: 2 })).toThrow(
      new StatsInputError(
        '`krippendorffAlphaCoded` requires codes from 0 to categoryCount - 1, or -1 for missing',
      ),
    )
    expect(() => krippendorffAlphaCoded(codes, { raters: 2, categoryCount: 1 })).toThrow(
      new StatsInputError(
        '`krippendorffAlphaCoded` requires codes from 0 to categoryCount - 1, or -1 for missing',
      ),
    )
    expect(() =>
      krippendorffAlphaCoded(codes, { raters: 2, level: 'ratio', values: [-1, 1] }),
    ).toThrow(
      new StatsInputError(
        '`krippendorffAlphaCoded` requires non-negative values at the ratio level',
      ),
    )
    expect(() =>
      krippendorffAlphaCoded(codes, { raters: 2, level: 'interval', values: [1] }),
    ).toThrow(
      new StatsInputError('`krippendorffAlphaCoded` requires a finite value for every code'),
    )
    expect(() => krippendorffAlphaCoded(Int32Array.from([1, 1, 1, 1]), { raters: 2 })).toThrow(
      new StatsInputError('`krippendorffAlphaCoded` requires at least two distinct values'),
    )
  })

  it('does not mutate its input', () => {
    const codes = Int32Array.from([0, 0, 1, 1, 0, 1])
    const values = Object.freeze([2, 5])
    krippendorffAlphaCoded(codes, Object.freeze({ raters: 2, level: 'interval' as const, values }))
    expect(Array.from(codes)).toEqual([0, 0, 1, 1, 0, 1])
  })
})
