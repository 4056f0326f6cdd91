import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ByteSet } from './byte-set.js'

describe('ByteSet', () => {
  it('holds exactly the byte strings added, found where they stand in other buffers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 6, unit: 'grapheme' }), fc.boolean()), {
          maxLength: 3000,
        }),
        (operations) => {
          const set = new ByteSet()
          const reference = new Set<string>()
          for (const [key, adding] of operations) {
            // The key inside a larger buffer, as a field of a CSV line.
            const bytes = Buffer.from(`x,${key},y`, 'utf8')
            const s = 2
            const e = bytes.length - 2
            if (adding) {
              expect(set.add(bytes, s, e)).toBe(!reference.has(key))
              reference.add(key)
            } else expect(set.has(bytes, s, e)).toBe(reference.has(key))
          }
          expect(set.size).toBe(reference.size)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('grows past many keys without losing any', () => {
    const set = new ByteSet()
    for (let i = 0; i < 50_000; i++) {
      const id = Buffer.from(`d-${i}`)
      expect(set.add(id, 0, id.length)).toBe(true)
    }
    for (let i = 0; i < 50_000; i += 7) {
      const id = Buffer.from(`d-${i}`)
      expect(set.has(id, 0, id.length)).toBe(true)
      expect(set.add(id, 0, id.length)).toBe(false)
    }
    const absent = Buffer.from('d-50000')
    expect(set.has(absent, 0, absent.length)).toBe(false)
  })
})

describe('ByteSet.clear', () => {
  it('empties the set, which then takes keys again', () => {
    const set = new ByteSet()
    const key = (i: number) => Buffer.from(`id-${i}`)
    for (let i = 0; i < 5000; i++) set.add(key(i), 0, key(i).length)
    set.clear()
    expect(set.size).toBe(0)
    expect(set.has(key(1), 0, key(1).length)).toBe(false)
    for (let i = 2500; i < 7500; i++) expect(set.add(key(i), 0, key(i).length)).toBe(true)
    expect(set.has(key(7499), 0, key(7499).length)).toBe(true)
    expect(set.has(key(10), 0, key(10).length)).toBe(false)
  })
})
