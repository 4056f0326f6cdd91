import { describe, expect, it } from 'vitest'
import { expectClose } from '../../../test/helpers/tolerance.js'
import { StatsInputError } from '../stats-input-error.js'
import { dpmo } from './dpmo.js'

describe('dpmo', () => {
  it('scales defects per opportunity to a million', () => {
    expectClose(dpmo(34, 1000, 10), 3400) // 34 / 10,000 × 10⁶
    expectClose(dpmo(1, 3, 1), 333_333.333_333_333_3, { relative: 1e-15 })
    expect(dpmo(0, 5, 2)).toBe(0)
    expect(dpmo(10, 5, 2)).toBe(1e6)
  })

  it('rejects non-positive units or opportunities and impossible defect counts', () => {
    expect(() => dpmo(1, 0, 1)).toThrow('`dpmo` requires units to be a positive number')
    expect(() => dpmo(1, 1, 0)).toThrow('`dpmo` requires opportunities to be a positive number')
    expect(() => dpmo(3, 1, 2)).toThrow(
      '`dpmo` requires defects between 0 and units × opportunities',
    )
    expect(() => dpmo(-1, 1, 2)).toThrow(StatsInputError)
    expect(() => dpmo(Number.NaN, 1, 2)).toThrow(StatsInputError)
  })
})
