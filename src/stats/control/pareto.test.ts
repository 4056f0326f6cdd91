import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { pareto } from './pareto.js'

describe('pareto', () => {
  it('sorts by count, accumulates shares and marks the vital few', () => {
    const rows = pareto({ spam: 10, hate: 30, other: 5, scam: 55 })
    expect(rows.map((r) => r.key)).toEqual(['scam', 'hate', 'spam', 'other'])
    expect(rows.map((r) => r.count)).toEqual([55, 30, 10, 5])
    ;[0.55, 0.3, 0.1, 0.05].forEach((share, i) => expectClose(rows[i]!.share, share))
    ;[0.55, 0.85, 0.95, 1].forEach((share, i) => expectClose(rows[i]!.cumulativeShare, share))
    expect(rows.map((r) => r.vitalFew)).toEqual([true, true, false, false])
  })

  it('includes the row where the cumulative share reaches exactly 0.8', () => {
    const rows = pareto({ a: 50, b: 30, c: 20 })
    expect(rows[1]!.cumulativeShare).toBe(0.8)
    expect(rows.map((r) => r.vitalFew)).toEqual([true, true, false])
  })

  it('breaks ties by key in code-unit order and keeps zero counts', () => {
    const rows = pareto({ b: 2, a: 2, Z: 2, c: 0 })
    expect(rows.map((r) => r.key)).toEqual(['Z', 'a', 'b', 'c'])
    expect(rows[3]).toEqual({ key: 'c', count: 0, share: 0, cumulativeShare: 1, vitalFew: false })
  })

  it('ends at a cumulative share of exactly 1 and never decreases', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 4 }),
          fc.integer({ min: 0, max: 1000 }),
          {
            minKeys: 1,
            maxKeys: 30,
          },
        ),
        (counts) => {
          fc.pre(Object.values(counts).some((c) => c > 0))
          const rows = pareto(counts)
          expect(rows.at(-1)!.cumulativeShare).toBe(1)
          rows.forEach((row, i) => {
            if (i === 0) return
            expect(row.cumulativeShare).toBeGreaterThanOrEqual(rows[i - 1]!.cumulativeShare)
            expect(row.count).toBeLessThanOrEqual(rows[i - 1]!.count)
          })
          // vital few is a non-empty prefix ending where 0.8 is first reached
          const lastVital = rows.findLastIndex((r) => r.vitalFew)
          expect(rows.slice(0, lastVital + 1).every((r) => r.vitalFew)).toBe(true)
          expect(rows[lastVital]!.cumulativeShare).toBeGreaterThanOrEqual(0.8)
          if (lastVital > 0) expect(rows[lastVital - 1]!.cumulativeShare).toBeLessThan(0.8)
        },
      ),
    )
  })

  it('rejects empty input, negative counts and an all-zero total', () => {
    expect(() => pareto({})).toThrow('`pareto` requires at least one category')
    expect(() => pareto({ a: -1, b: 3 })).toThrow(
      '`pareto` requires counts that are non-negative finite numbers',
    )
    expect(() => pareto({ a: 0 })).toThrow('`pareto` requires a positive total count')
    expect(() => pareto({ a: Number.NaN })).toThrow(StatsInputError)
  })

  it('does not mutate its input', () => {
    const counts = Object.freeze({ b: 1, a: 3 })
    expect(pareto(counts).map((r) => r.key)).toEqual(['a', 'b'])
  })
})
