import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hashCopyField } from '../store/copy-text.js'
import { ByteIndex } from './byte-index.js'

const bytesOf = (key: string) => Buffer.from(key)
const hashOf = (key: Buffer) => hashCopyField(key, 0, key.length)

function find(index: ByteIndex, key: string, hash?: number): number {
  const bytes = bytesOf(key)
  return index.get(bytes, 0, bytes.length, hash ?? hashOf(bytes))
}

describe('ByteIndex', () => {
  it('tells keys apart when one is a prefix of another, and multi-byte keys', () => {
    const index = new ByteIndex()
    const keys = ['mod', 'mod-1', 'mo', '', 'mod-10', '☃', 'é', '😀']
    keys.forEach((key, value) => {
      const bytes = bytesOf(key)
      index.add(bytes, 0, bytes.length, hashOf(bytes), value)
    })
    keys.forEach((key, value) => expect(find(index, key)).toBe(value))
    expect(find(index, 'm')).toBe(-1)
    expect(find(index, 'mod-')).toBe(-1)
    expect(index.size).toBe(keys.length)
  })

  it('compares bytes, not hashes: keys with one hash stay distinct', () => {
    const index = new ByteIndex()
    for (const [value, key] of ['alpha', 'beta', 'gamma'].entries()) {
      const bytes = bytesOf(key)
      index.add(bytes, 0, bytes.length, 7, value)
    }
    expect([find(index, 'alpha', 7), find(index, 'beta', 7), find(index, 'gamma', 7)]).toEqual([
      0, 1, 2,
    ])
    expect(find(index, 'delta', 7)).toBe(-1)
  })

  it('reads keys inside a larger buffer and copies them (the buffer may change)', () => {
    const index = new ByteIndex()
    const buffer = Buffer.from('xx-key-yy')
    index.add(buffer, 3, 6, hashCopyField(buffer, 3, 6), 42)
    buffer.fill(0)
    expect(find(index, 'key')).toBe(42)
  })

  it('finds every key, added or appended, as a Map does, through growth', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 12 }), {
          maxLength: 400,
          // Lone surrogates encode alike: keys must differ as bytes.
          selector: (key) => bytesOf(key).toString('hex'),
        }),
        fc.array(fc.boolean(), { minLength: 400, maxLength: 400 }),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 50 }),
        (keys, appended, probes) => {
          const index = new ByteIndex()
          const reference = new Map<string, number>()
          keys.forEach((key, value) => {
            const bytes = bytesOf(key)
            if (appended[value]) index.append(bytes, 0, bytes.length, hashOf(bytes), value)
            else index.add(bytes, 0, bytes.length, hashOf(bytes), value)
            reference.set(bytes.toString('hex'), value)
          })
          for (const key of [...keys, ...probes])
            expect(find(index, key)).toBe(reference.get(bytesOf(key).toString('hex')) ?? -1)
        },
      ),
      { numRuns: 100, seed: 20261207 },
    )
  })

  it('indexes 100,000 appended keys at the first look-up', () => {
    const index = new ByteIndex()
    for (let i = 0; i < 100_000; i++) {
      const bytes = bytesOf(`d${i}`)
      index.append(bytes, 0, bytes.length, hashOf(bytes), i)
    }
    expect(find(index, 'd0')).toBe(0)
    expect(find(index, 'd99999')).toBe(99_999)
    expect(find(index, 'd100000')).toBe(-1)
    const bytes = bytesOf('new')
    index.add(bytes, 0, bytes.length, hashOf(bytes), 100_000)
    expect(find(index, 'new')).toBe(100_000)
  })
})

describe('ByteIndex.clear', () => {
  it('empties the map, which then takes keys again', () => {
    const index = new ByteIndex()
    const key = (i: number) => bytesOf(`id-${i}`)
    for (let i = 0; i < 5000; i++) index.add(key(i), 0, key(i).length, hashOf(key(i)), i)
    index.clear()
    expect(index.size).toBe(0)
    expect(find(index, 'id-1')).toBe(-1)
    for (let i = 2500; i < 7500; i++) {
      expect(find(index, `id-${i}`)).toBe(-1)
      index.add(key(i), 0, key(i).length, hashOf(key(i)), i)
    }
    expect(find(index, 'id-7499')).toBe(7499)
    expect(find(index, 'id-10')).toBe(-1)
  })
})
