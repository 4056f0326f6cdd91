import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { quantileSketchBucket } from '../../stats/sketch/index.js'
import { HANDLE_TIME_SKETCH_ACCURACY, TransactionRollup, rollupKey } from './volume-rollup.js'

/** Few distinct values per field, some non-ASCII and some prefixes of others, so cells repeat. */
const field = fc.constantFrom('', 'a', 'ab', 'abc', 'ba', 'é', 'éa', '日本', 'x\u00a0y', 'zz')
const tuple = fc.tuple(field, field, field, field, field, field, field)
type Tuple = [string, string, string, string, string, string, string]

const keyOf = (t: Tuple) => rollupKey(t[0], t[1], t[2], t[3], t[4], t[5], t[6])

/** The tuple's fields as UTF-8 bytes in one buffer, with their ranges (as the CSV fast path gives). */
function bytesOf(t: Tuple): { bytes: Buffer; ranges: Int32Array } {
  const parts = t.map((v) => Buffer.from(`,${v}`, 'utf8'))
  const bytes = Buffer.concat(parts)
  const ranges = new Int32Array(14)
  let at = 0
  parts.forEach((part, f) => {
    ranges[2 * f] = at + 1
    ranges[2 * f + 1] = at + part.length
    at += part.length
  })
  return { bytes, ranges }
}

describe('TransactionRollup', () => {
  it('finds one cell per distinct key, whether from bytes or from the key', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(tuple, fc.boolean()), { maxLength: 300 }), (rows) => {
        const rollup = new TransactionRollup(() => true)
        const cellOf = new Map<string, number>()
        for (const [t, fromBytes] of rows) {
          const { bytes, ranges } = bytesOf(t)
          const cell = fromBytes ? rollup.cellOfRanges(bytes, ranges) : rollup.cellOfKey(keyOf(t))
          const key = keyOf(t)
          const seen = cellOf.get(key)
          if (seen === undefined) {
            expect(cell).toBe(cellOf.size)
            cellOf.set(key, cell)
          } else expect(cell).toBe(seen)
          expect(rollup.keyOf(cell)).toBe(key)
        }
        expect(rollup.cellCount).toBe(cellOf.size)
      }),
      { numRuns: 200 },
    )
  })

  it('marks a cell accepted by the taxonomy check of its policy and action', () => {
    const rollup = new TransactionRollup(
      (policy, action) => policy === 'spam' && action === 'remove',
    )
    const known = rollup.cellOfKey(
      rollupKey('2026-11-01', 'emea', 'q', 's', 'human', 'spam', 'remove'),
    )
    const unknown = rollup.cellOfKey(
      rollupKey('2026-11-01', 'emea', 'q', 's', 'human', 'spam', 'x'),
    )
    expect(rollup.isAccepted(known)).toBe(true)
    expect(rollup.isAccepted(unknown)).toBe(false)
  })

  it('sums counts and sketches per cell and per (day, region, site), sorted', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('2026-11-01', '2026-11-02'),
            fc.constantFrom('emea', 'apac'),
            fc.constantFrom('q1', 'q2'),
            fc.constantFrom('', 's1'),
            fc.constantFrom(-1, 0, 1, 999, 1000, 1001, 45_000, 300_000, 2_147_483_647),
          ),
          { maxLength: 200 },
        ),
        (rows) => {
          const rollup = new TransactionRollup(() => true)
          const volume = new Map<string, [number, number, number]>()
          const sketches = new Map<string, Map<number, number>>()
          const scope = new Map<string, number>()
          for (const [day, region, queue, site, ms] of rows) {
            const key = rollupKey(day, region, queue, site, 'human', 'spam', 'remove')
            rollup.add(rollup.cellOfKey(key), ms)
            const v = volume.get(key) ?? [0, 0, 0]
            v[0] += 1
            if (ms >= 0) {
              v[1] += 1
              v[2] += ms
              const b = quantileSketchBucket(ms, HANDLE_TIME_SKETCH_ACCURACY)
              const sketch = sketches.get(key) ?? new Map<number, number>()
              sketch.set(b, (sketch.get(b) ?? 0) + 1)
              sketches.set(key, sketch)
              const s = `${day}|${region}|${site}|${b}`
              scope.set(s, (scope.get(s) ?? 0) + 1)
            }
            volume.set(key, v)
          }
          const write = rollup.rows(new Set())
          expect(write.touched.volumeCount).toBe(0)
          const rowsOut = write.fresh.volumeRows()
          const keys = [...volume.keys()].sort()
          expect(rowsOut.keys[0]).toEqual(keys.map((k) => k.split('\0')[0]))
          keys.forEach((key, i) => {
            expect([
              rowsOut.decisions[i],
              rowsOut.handleTimeCount[i],
              rowsOut.handleTimeTotalMs[i],
            ]).toEqual(volume.get(key))
            const sketch = [...(sketches.get(key) ?? new Map<number, number>())].sort(
              (a, b) => a[0] - b[0],
            )
            expect(rowsOut.buckets[i]).toBe(`{${sketch.map(([b]) => b).join(',')}}`)
            expect(rowsOut.bucketCounts[i]).toBe(`{${sketch.map(([, n]) => n).join(',')}}`)
          })
          const scopeOut = write.scope.count.map(
            (n, i) =>
              `${write.scope.day[i]}|${write.scope.region[i]}|${write.scope.site[i]}|${write.scope.bucket[i]}|${n}`,
          )
          const expected = [...scope]
            .map(([k, n]) => `${k}|${n}`)
            .sort((a, b) => {
              const [x, y] = [a.split('|'), b.split('|')]
              const kx = x.slice(0, 3).join('\0')
              const ky = y.slice(0, 3).join('\0')
              return kx < ky ? -1 : kx > ky ? 1 : Number(x[3]) - Number(y[3])
            })
          expect(scopeOut).toEqual(expected)
        },
      ),
      { numRuns: 150 },
    )
  })
})
