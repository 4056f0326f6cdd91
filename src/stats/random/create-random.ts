import { StatsInputError } from '../stats-input-error.js'

/**
 * Seeded pseudo-random number generator (mulberry32): returns a function that yields
 * uniform numbers in [0, 1), the same sequence for the same seed on every platform.
 *
 * Definition: mulberry32 keeps one 32-bit state s; each call sets s ← s + 0x6D2B79F5 (mod 2³²)
 * and returns a 32-bit mix of s (xorshift-multiply rounds) divided by 2³². Period 2³², passes
 * gjrand and PractRand up to a few GB: fine for sampling and bootstrap, not for cryptography.
 * The seed is reduced to 32 bits with ToUint32 (so 1.5 → 1 and −1 → 2³² − 1).
 *
 * When to use: anything random in Assay (audit sampling, bootstrap, simulations) takes an RNG
 * argument so that a run can be replayed from its stored seed; `Math.random` cannot be seeded.
 *
 * Reference: Tommy Ettinger, mulberry32 (public domain),
 * https://gist.github.com/tommyettinger/46a874533244883189143505d203312c ; overview in
 * https://github.com/bryc/code/blob/master/jshash/PRNGs.md#mulberry32
 *
 * Cost: O(1) time and memory per draw.
 *
 * @throws {StatsInputError} when the seed is not a finite number
 * @example
 * const random = createRandom(42)
 * random() // 0.6011037519201636
 */
export function createRandom(seed: number): () => number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new StatsInputError('`createRandom` requires a finite number as seed')
  }
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
