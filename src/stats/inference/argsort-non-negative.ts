/**
 * Indices that sort `values` ascending (stable), for finite non-negative doubles (+0, not -0).
 * LSD radix sort on the IEEE-754 bit patterns, 16 bits per pass: for non-negative doubles the
 * unsigned 64-bit pattern orders like the value. Passes in which every key has the same digit
 * are skipped. Internal helper for `benjaminiHochberg`; about 10× faster than a comparator sort
 * of an index array at a million values, and O(n) memory.
 */
export function argsortNonNegative(values: Float64Array): Uint32Array {
  const count = values.length
  const words = new Uint32Array(values.buffer, values.byteOffset, count * 2)
  // Little-endian: word 2i is the low half of values[i], word 2i+1 the high half.
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
  const lowOffset = littleEndian ? 0 : 1
  const highOffset = 1 - lowOffset
  let keyLow = new Uint32Array(count)
  let keyHigh = new Uint32Array(count)
  let order = new Uint32Array(count)
  for (let i = 0; i < count; i++) {
    keyLow[i] = words[2 * i + lowOffset]!
    keyHigh[i] = words[2 * i + highOffset]!
    order[i] = i
  }
  let nextLow = new Uint32Array(count)
  let nextHigh = new Uint32Array(count)
  let nextOrder = new Uint32Array(count)
  const buckets = new Uint32Array(65536)
  for (let pass = 0; pass < 4; pass++) {
    const source = pass < 2 ? keyLow : keyHigh
    const shift = pass % 2 === 0 ? 0 : 16
    buckets.fill(0)
    for (let i = 0; i < count; i++) buckets[(source[i]! >>> shift) & 0xffff]!++
    if (count === 0 || buckets[(source[0]! >>> shift) & 0xffff] === count) continue
    let running = 0
    for (let b = 0; b < 65536; b++) {
      const size = buckets[b]!
      buckets[b] = running
      running += size
    }
    for (let i = 0; i < count; i++) {
      const target = buckets[(source[i]! >>> shift) & 0xffff]!++
      nextLow[target] = keyLow[i]!
      nextHigh[target] = keyHigh[i]!
      nextOrder[target] = order[i]!
    }
    ;[keyLow, nextLow] = [nextLow, keyLow]
    ;[keyHigh, nextHigh] = [nextHigh, keyHigh]
    ;[order, nextOrder] = [nextOrder, order]
  }
  return order
}
