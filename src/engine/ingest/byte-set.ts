/**
 * A set of byte strings (UTF-8 keys such as decision ids), kept in one byte pool with open
 * addressing over typed arrays: adding or finding a key taken where it stands in a buffer makes
 * no string. Memory: the keys' bytes plus about 24 bytes per key.
 */
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

export class ByteSet {
  private pool = new Uint8Array(1 << 16)
  private used = 0
  private starts = new Int32Array(1024)
  private lengths = new Int32Array(1024)
  /**
   * Open addressing, linear probing, two numbers a slot: the key's hash and its index + 1 (0 when
   * free), so that a probe reads one place in memory until the hashes match.
   */
  private slots = new Int32Array(4096)
  size = 0

  /** Adds bytes[s, e); false when the set held it already. */
  add(bytes: Uint8Array, s: number, e: number): boolean {
    const h = hash(bytes, s, e)
    const slot = this.find(bytes, s, e, h)
    if (slot < 0) return false
    const index = this.size++
    if (index >= this.starts.length) {
      this.starts = grown(this.starts)
      this.lengths = grown(this.lengths)
    }
    const n = e - s
    if (this.used + n > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.used + n))
      pool.set(this.pool.subarray(0, this.used))
      this.pool = pool
    }
    this.pool.set(bytes.subarray(s, e), this.used)
    this.starts[index] = this.used
    this.lengths[index] = n
    this.used += n
    this.slots[slot] = h
    this.slots[slot + 1] = index + 1
    if (this.size * 4 > this.slots.length) this.rehash()
    return true
  }

  /** Empties the set, keeping its memory for the keys to come. */
  clear(): void {
    this.slots.fill(0)
    this.used = 0
    this.size = 0
  }

  /** Whether the set holds bytes[s, e). */
  has(bytes: Uint8Array, s: number, e: number): boolean {
    return this.find(bytes, s, e, hash(bytes, s, e)) < 0
  }

  /** The key's slot: -1 when the key is there, else the free slot where it would go. */
  private find(bytes: Uint8Array, s: number, e: number, h: number): number {
    const n = e - s
    const mask = this.slots.length - 2
    for (let slot = (h << 1) & mask; ; slot = (slot + 2) & mask) {
      const entry = this.slots[slot + 1] as number
      if (entry === 0) return slot
      const index = entry - 1
      if (this.slots[slot] === h && this.lengths[index] === n) {
        const at = (this.starts[index] as number) - s
        let i = s
        while (i < e && this.pool[at + i] === bytes[i]) i++
        if (i === e) return -1
      }
    }
  }

  private rehash(): void {
    const old = this.slots
    const slots = new Int32Array(old.length * 2)
    const mask = slots.length - 2
    for (let at = 0; at < old.length; at += 2) {
      if (old[at + 1] === 0) continue
      const h = old[at] as number
      let slot = (h << 1) & mask
      while (slots[slot + 1] !== 0) slot = (slot + 2) & mask
      slots[slot] = h
      slots[slot + 1] = old[at + 1] as number
    }
    this.slots = slots
  }
}

function hash(bytes: Uint8Array, s: number, e: number): number {
  let h = FNV_OFFSET ^ (e - s)
  for (let i = s; i < e; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME)
  return h ^ (h >>> 15)
}

function grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const next = new Int32Array(array.length * 2)
  next.set(array)
  return next
}
