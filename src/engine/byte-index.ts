/**
 * A hash map from byte strings to non-negative integers that looks keys up straight in the
 * caller's buffer: no string is made to find a key, and the map keeps its own copy of each key
 * (in one growing byte array), so the caller's buffer may be reused. Open addressing with linear
 * probing, at most half full; the caller supplies each key's 32-bit hash (the same function for
 * every key, e.g. `hashCopyField`), which is mixed again to pick a slot. Used for the metric
 * engine's dictionaries and for ingest's roll-up field codes and transaction id sets.
 *
 * Memory: about 20–30 bytes per key (entry arrays and slots, grown by doubling) plus its bytes.
 */
export class ByteIndex {
  /** Entry number + 1 per slot; 0 is an empty slot. */
  private slots = new Int32Array(16)
  private shift = 28
  private hashes = new Int32Array(8)
  /** Key e is keys[offsets[e], offsets[e + 1]). */
  private offsets = new Int32Array(9)
  private keys = new Uint8Array(64)
  private values = new Int32Array(8)
  size = 0

  /** Entries below this one are in `slots`; later ones were appended and wait for the next look-up. */
  private indexed = 0

  /** Empties the map, keeping its memory for the keys to come. */
  clear(): void {
    this.slots.fill(0)
    this.size = 0
    this.indexed = 0
  }

  /** The value of the key `bytes[start, end)`, or -1 when it is absent. */
  get(bytes: Uint8Array, start: number, end: number, hash: number): number {
    if (this.indexed < this.size) this.index()
    const { slots, hashes, offsets, keys } = this
    const mask = slots.length - 1
    const length = end - start
    for (let slot = Math.imul(hash, 0x9e3779b1) >>> this.shift; ; slot = (slot + 1) & mask) {
      const entry = (slots[slot] as number) - 1
      if (entry < 0) return -1
      if (hashes[entry] !== hash) continue
      const from = offsets[entry] as number
      if ((offsets[entry + 1] as number) - from !== length) continue
      let k = 0
      while (k < length && keys[from + k] === bytes[start + k]) k++
      if (k === length) return this.values[entry] as number
    }
  }

  /** Adds the key `bytes[start, end)`, which must be absent, with `value` (≥ 0). */
  add(bytes: Uint8Array, start: number, end: number, hash: number, value: number): void {
    this.append(bytes, start, end, hash, value)
    this.index()
  }

  /**
   * Adds the key `bytes[start, end)` as `add` does, but leaves finding its slot to the next
   * look-up: a caller that knows its keys are new and distinct (a bulk load) writes only
   * sequential memory, and pays for the slots once, if ever.
   */
  append(bytes: Uint8Array, start: number, end: number, hash: number, value: number): void {
    const entry = this.size++
    if (entry >= this.hashes.length) {
      this.hashes = enlarge(this.hashes, entry + 1)
      this.values = enlarge(this.values, entry + 1)
    }
    if (entry + 2 > this.offsets.length) this.offsets = enlarge(this.offsets, entry + 2)
    const from = this.offsets[entry] as number
    const to = from + end - start
    if (to > this.keys.length) this.keys = enlarge(this.keys, to)
    // Keys are short: a loop beats making a subarray to copy them.
    const { keys } = this
    for (let k = start, at = from; k < end; k++, at++) keys[at] = bytes[k] as number
    this.offsets[entry + 1] = to
    this.hashes[entry] = hash
    this.values[entry] = value
  }

  /** Places the appended entries, first growing the slots to at least twice the entries. */
  private index(): void {
    if (this.size * 2 > this.slots.length) {
      let capacity = this.slots.length * 2
      while (this.size * 2 > capacity) capacity *= 2
      this.slots = new Int32Array(capacity)
      this.shift = 32 - Math.log2(capacity)
      this.indexed = 0
    }
    const { slots, hashes } = this
    const mask = slots.length - 1
    for (let entry = this.indexed; entry < this.size; entry++) {
      let slot = Math.imul(hashes[entry] as number, 0x9e3779b1) >>> this.shift
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = entry + 1
    }
    this.indexed = this.size
  }
}

/** A copy at least twice as long (and at least `size`). */
function enlarge<T extends Int32Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2))
  next.set(array)
  return next
}
