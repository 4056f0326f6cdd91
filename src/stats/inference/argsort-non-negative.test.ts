import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { argsortNonNegative } from './argsort-non-negative.js'

describe('argsortNonNegative', () => {
  it('orders like a stable comparator sort, with ties, zeros, subnormals and large values', () => {
    const value = fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(0, 5e-324, 1, 0.5, 1e300),
      fc.double({ min: 0, max: 1e308, noNaN: true }),
    )
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (raw) => {
        const values = Float64Array.from(raw, (v) => v + 0)
        const expected = raw.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b)
        expect(Array.from(argsortNonNegative(values))).toEqual(expected)
      }),
    )
  })

  it('handles an empty array and leaves its input unchanged', () => {
    expect(argsortNonNegative(new Float64Array(0))).toHaveLength(0)
    const values = Float64Array.from([0.3, 0.1, 0.2])
    expect(Array.from(argsortNonNegative(values))).toEqual([1, 2, 0])
    expect(Array.from(values)).toEqual([0.3, 0.1, 0.2])
  })
})
