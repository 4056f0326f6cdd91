/**
 * The sampling hash rule. For a plan with salt s:
 *
 *   seed    = H(s, 0)                      (a signed 64-bit integer)
 *   h(id)   = H(decision_id, seed)         (64 bits)
 *   u(id)   = (top 52 bits of h, unsigned) / 2^52   — uniform in [0, 1)
 *
 * where H(text, seed) is PostgreSQL's `hashtextextended(text, seed)`: Bob Jenkins' lookup3 hash
 * over the UTF-8 bytes (`hash_bytes_extended` in src/common/hashfn.c), reimplemented here bit for
 * bit. A stream samples a decision when u < its stratum's rate; a batch draw takes, per stratum,
 * the n_h eligible decisions with the smallest u.
 *
 * Why this hash: PostgreSQL computes it natively in a few nanoseconds per row — the batch draw
 * over 10 million decisions hashes every one — where `md5()` costs ~1 µs a row; and it is cheap in
 * TypeScript (≈0.1 µs for a short id). The SQL form is
 * `((hashtextextended(decision_id, seed) >> 12) & (2^52 − 1))::float8 / 2^52`; 52 bits fit a
 * double exactly, so both sides agree on u exactly. It is stable: hash partitioning in
 * PostgreSQL depends on it never changing. Not cryptographic — the salt is not a secret, it only
 * makes plans draw independently of each other.
 *
 * Reference: https://burtleburtle.net/bob/c/lookup3.c ; PostgreSQL src/common/hashfn.c
 */

const encoder = new TextEncoder()
let bytes = new Uint8Array(512)

function rot(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** Writes `text` as UTF-8 into the shared buffer; returns the byte length. */
function encode(text: string): number {
  if (bytes.length < text.length * 3) bytes = new Uint8Array(text.length * 3 + 64)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0x80) return encoder.encodeInto(text, bytes).written
    bytes[i] = code
  }
  return text.length
}

function word(k: Uint8Array, p: number): number {
  return k[p]! | (k[p + 1]! << 8) | (k[p + 2]! << 16) | (k[p + 3]! << 24)
}

/** hash_bytes_extended over the first `length` bytes of the buffer; returns [high, low] 32-bit words. */
function hashBytesExtended(
  length: number,
  seedHigh: number,
  seedLow: number,
  out: Int32Array,
): void {
  const k = bytes
  let a = (0x9e3779b9 + length + 3923095) | 0
  let b = a
  let c = a
  // mix(a, b, c), inlined below where it repeats.
  if (seedHigh !== 0 || seedLow !== 0) {
    a = (a + seedHigh) | 0
    b = (b + seedLow) | 0
    a = (a - c) | 0
    a ^= rot(c, 4)
    c = (c + b) | 0
    b = (b - a) | 0
    b ^= rot(a, 6)
    a = (a + c) | 0
    c = (c - b) | 0
    c ^= rot(b, 8)
    b = (b + a) | 0
    a = (a - c) | 0
    a ^= rot(c, 16)
    c = (c + b) | 0
    b = (b - a) | 0
    b ^= rot(a, 19)
    a = (a + c) | 0
    c = (c - b) | 0
    c ^= rot(b, 4)
    b = (b + a) | 0
  }
  let p = 0
  let len = length
  while (len >= 12) {
    a = (a + word(k, p)) | 0
    b = (b + word(k, p + 4)) | 0
    c = (c + word(k, p + 8)) | 0
    a = (a - c) | 0
    a ^= rot(c, 4)
    c = (c + b) | 0
    b = (b - a) | 0
    b ^= rot(a, 6)
    a = (a + c) | 0
    c = (c - b) | 0
    c ^= rot(b, 8)
    b = (b + a) | 0
    a = (a - c) | 0
    a ^= rot(c, 16)
    c = (c + b) | 0
    b = (b - a) | 0
    b ^= rot(a, 19)
    a = (a + c) | 0
    c = (c - b) | 0
    c ^= rot(b, 4)
    b = (b + a) | 0
    p += 12
    len -= 12
  }
  // The last 11 bytes (little-endian; the lowest byte of c is left for the length, as in lookup2).
  /* eslint-disable no-fallthrough */
  switch (len) {
    case 11:
      c = (c + (k[p + 10]! << 24)) | 0
    case 10:
      c = (c + (k[p + 9]! << 16)) | 0
    case 9:
      c = (c + (k[p + 8]! << 8)) | 0
    case 8:
      b = (b + (k[p + 7]! << 24)) | 0
    case 7:
      b = (b + (k[p + 6]! << 16)) | 0
    case 6:
      b = (b + (k[p + 5]! << 8)) | 0
    case 5:
      b = (b + k[p + 4]!) | 0
    case 4:
      a = (a + (k[p + 3]! << 24)) | 0
    case 3:
      a = (a + (k[p + 2]! << 16)) | 0
    case 2:
      a = (a + (k[p + 1]! << 8)) | 0
    case 1:
      a = (a + k[p]!) | 0
  }
  /* eslint-enable no-fallthrough */
  // final(a, b, c)
  c ^= b
  c = (c - rot(b, 14)) | 0
  a ^= c
  a = (a - rot(c, 11)) | 0
  b ^= a
  b = (b - rot(a, 25)) | 0
  c ^= b
  c = (c - rot(b, 16)) | 0
  a ^= c
  a = (a - rot(c, 4)) | 0
  b ^= a
  b = (b - rot(a, 14)) | 0
  c ^= b
  c = (c - rot(b, 24)) | 0
  out[0] = b
  out[1] = c
}

const words = new Int32Array(2)

/** PostgreSQL's hashtextextended(text, seed) as a signed 64-bit bigint. */
export function hashTextExtended(text: string, seed: bigint = 0n): bigint {
  const unsigned = BigInt.asUintN(64, seed)
  hashBytesExtended(
    encode(text),
    Number(unsigned >> 32n) | 0,
    Number(unsigned & 0xffffffffn) | 0,
    words,
  )
  return BigInt.asIntN(64, (BigInt(words[0]! >>> 0) << 32n) | BigInt(words[1]! >>> 0))
}

/** The 64-bit seed of a salt: H(salt, 0), as the decimal string SQL takes as an int8. */
export function saltSeed(salt: string): bigint {
  return hashTextExtended(salt, 0n)
}

/**
 * A hasher bound to one salt: `u(decisionId)` is the uniform in [0, 1) of the hash rule.
 * @example createHashUniform('s1')('d-1') // the same number on every machine and in SQL
 */
export function createHashUniform(salt: string): (decisionId: string) => number {
  const seed = BigInt.asUintN(64, saltSeed(salt))
  const seedHigh = Number(seed >> 32n) | 0
  const seedLow = Number(seed & 0xffffffffn) | 0
  return (decisionId) => {
    hashBytesExtended(encode(decisionId), seedHigh, seedLow, words)
    // Top 52 bits of (high << 32 | low): all 32 high bits, then the top 20 of the low word.
    return ((words[0]! >>> 0) * 0x100000 + ((words[1]! >>> 0) >>> 12)) / 0x10000000000000
  }
}
