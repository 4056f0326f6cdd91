import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createHashUniform, hashTextExtended, saltSeed } from './hash.js'

describe('hashTextExtended', () => {
  it('matches PostgreSQL hashtextextended bit for bit', () => {
    // Confirmed in PostgreSQL 15.20:
    // select hashtextextended('abc', 0), hashtextextended('', 0),
    //        hashtextextended('hello world, this is long!', 12345),
    //        hashtextextended('ümlaut-✓', -987654321012), hashtextextended('exactly12byt', 7);
    // → -6747756470228489321 -6939563903564495251 4891637838875440398 -4298510955926250100 1529550905348827857
    expect(hashTextExtended('abc', 0n)).toBe(-6747756470228489321n)
    expect(hashTextExtended('', 0n)).toBe(-6939563903564495251n)
    expect(hashTextExtended('hello world, this is long!', 12345n)).toBe(4891637838875440398n)
    expect(hashTextExtended('ümlaut-✓', -987654321012n)).toBe(-4298510955926250100n)
    expect(hashTextExtended('exactly12byt', 7n)).toBe(1529550905348827857n)
  })
})

describe('createHashUniform', () => {
  it('is the top 52 bits of the seeded hash over 2^52', () => {
    const seed = saltSeed('plan-salt')
    const u = createHashUniform('plan-salt')
    for (const id of ['d-1', 'x', 'ümlaut-✓', 'a'.repeat(130)]) {
      const h = BigInt.asUintN(64, hashTextExtended(id, seed))
      expect(u(id)).toBe(Number(h >> 12n) / 2 ** 52)
    }
  })

  it('gives a number in [0, 1), the same on every call, whatever came before', () => {
    const u = createHashUniform('s')
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ maxLength: 50 }),
        (id, other) => {
          const first = u(id)
          u(other)
          expect(first).toBeGreaterThanOrEqual(0)
          expect(first).toBeLessThan(1)
          expect(u(id)).toBe(first)
        },
      ),
    )
  })

  it('is close to uniform: the share below r is r within 4 standard deviations', () => {
    const u = createHashUniform('uniformity')
    const n = 200_000
    for (const r of [0.001, 0.05, 0.5]) {
      let below = 0
      for (let i = 0; i < n; i++) if (u(`dec-${i}`) < r) below += 1
      expect(Math.abs(below - n * r)).toBeLessThanOrEqual(4 * Math.sqrt(n * r * (1 - r)))
    }
  })

  it('draws independently for different salts', () => {
    const a = createHashUniform('a')
    const b = createHashUniform('b')
    let both = 0
    const n = 100_000
    for (let i = 0; i < n; i++) if (a(`d${i}`) < 0.1 && b(`d${i}`) < 0.1) both += 1
    expect(Math.abs(both - n * 0.01)).toBeLessThanOrEqual(4 * Math.sqrt(n * 0.01 * 0.99))
  })
})
