import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { chiSquareTest } from './chi-square-test.js'

// Reference: scipy.stats.chi2_contingency(table, correction=yates) in
// scripts/reference/inference-proportions.py
const fixture = JSON.parse(
  readFileSync(
    new URL('../../../test/fixtures/stats/inference-proportions.json', import.meta.url),
    'utf8',
  ),
) as {
  chiSquareTest: {
    table: number[][]
    yates: boolean
    statistic: number
    df: number
    pValue: number
  }[]
}

describe('chiSquareTest', () => {
  it('matches scipy.stats.chi2_contingency with and without Yates correction', () => {
    expect(fixture.chiSquareTest.length).toBe(20)
    for (const c of fixture.chiSquareTest) {
      const r = chiSquareTest(c.table, { yates: c.yates })
      expectClose(r.statistic, c.statistic, { relative: 1e-12, absolute: 1e-14 })
      expect(r.df).toBe(c.df)
      expectClose(r.pValue, c.pValue, { relative: 1e-11, absolute: 1e-300 })
    }
  })

  it('is unchanged by transposing or permuting rows', () => {
    const cell = fc.integer({ min: 1, max: 300 })
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 2, max: 5 }),
        fc.array(cell, { minLength: 25, maxLength: 25 }),
        (rows, columns, cells) => {
          const table = Array.from({ length: rows }, (_, i) =>
            Array.from({ length: columns }, (_, j) => cells[i * 5 + j]!),
          )
          const transposed = table[0]!.map((_, j) => table.map((row) => row[j]!))
          const reversed = [...table].reverse()
          const r = chiSquareTest(table)
          expectClose(chiSquareTest(transposed).statistic, r.statistic, { relative: 1e-12 })
          expectClose(chiSquareTest(reversed).pValue, r.pValue, {
            relative: 1e-10,
            absolute: 1e-300,
          })
          expect(r.pValue).toBeGreaterThanOrEqual(0)
          expect(r.pValue).toBeLessThanOrEqual(1)
        },
      ),
    )
  })

  it('ignores yates for tables larger than 2×2, like scipy', () => {
    const table = [
      [10, 20, 30],
      [6, 9, 17],
    ]
    expect(chiSquareTest(table, { yates: true })).toEqual(chiSquareTest(table))
  })

  it('does not mutate a frozen table', () => {
    const table = Object.freeze([Object.freeze([3, 4]), Object.freeze([5, 9])])
    chiSquareTest(table, { yates: true })
    expect(table).toEqual([
      [3, 4],
      [5, 9],
    ])
  })

  it('rejects small, ragged, negative and zero-margin tables', () => {
    expect(() => chiSquareTest([[1, 2]])).toThrow(
      '`chiSquareTest` requires a table with at least two rows and two columns',
    )
    expect(() => chiSquareTest([[1], [2]])).toThrow(StatsInputError)
    expect(() => chiSquareTest([[1, 2], [3]])).toThrow(
      '`chiSquareTest` requires every row to have the same number of columns',
    )
    expect(() =>
      chiSquareTest([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow('`chiSquareTest` requires finite non-negative counts')
    expect(() =>
      chiSquareTest([
        [1, Number.NaN],
        [3, 4],
      ]),
    ).toThrow(StatsInputError)
    expect(() =>
      chiSquareTest([
        [0, 0],
        [3, 4],
      ]),
    ).toThrow('`chiSquareTest` requires every row and column to have a non-zero total')
    expect(() =>
      chiSquareTest([
        [0, 2],
        [0, 4],
      ]),
    ).toThrow('`chiSquareTest` requires every row and column to have a non-zero total')
  })
})
