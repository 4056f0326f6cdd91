/**
 * Small random helpers for the demo generator, all driven by an injected uniform RNG
 * (`createRandom(seed)`), so that a seed replays the same organisation and the same data.
 */
import { createRandom } from '../../stats/random/create-random.js'

export type Random = () => number

/** A categorical distribution prepared for repeated draws (cumulative weights, linear scan). */
export interface Weighted<T> {
  values: readonly T[]
  cumulative: Float64Array
  total: number
}

export function weighted<T>(entries: readonly (readonly [T, number])[]): Weighted<T> {
  const values: T[] = []
  const cumulative = new Float64Array(entries.length)
  let total = 0
  entries.forEach(([value, weight], i) => {
    if (!(weight >= 0)) throw new Error(`weight of ${String(value)} must be ≥ 0`)
    total += weight
    values.push(value)
    cumulative[i] = total
  })
  if (total <= 0) throw new Error('weights must not all be zero')
  return { values, cumulative, total }
}

/** Draws one value; binary search, so large pools (moderators) stay cheap. */
export function pick<T>(distribution: Weighted<T>, random: Random): T {
  const target = random() * distribution.total
  const { cumulative, values } = distribution
  let low = 0
  let high = cumulative.length - 1
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((cumulative[mid] as number) > target) high = mid
    else low = mid + 1
  }
  return values[low] as T
}

/** Uniform choice from a non-empty list. */
export function pickOne<T>(values: readonly T[], random: Random): T {
  return values[Math.floor(random() * values.length)] as T
}

/** Standard normal by Box–Muller (one of the pair; simplicity over speed). */
export function normal(random: Random): number {
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** Log-normal with the given median and log-scale standard deviation. */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random))
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}

/** 32-bit FNV-1a of a string: the demo's stateless hash rule (same input, same number anywhere). */
export function hash32(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  // A final avalanche (murmur3 fmix32) so that ids differing in the last character spread evenly.
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

/** A uniform number in [0, 1) from the hash of `key`: the sampling rule "u(id) < rate". */
export function hashUniform(key: string): number {
  return hash32(key) / 4294967296
}

/** An RNG of its own for one keyed item, so audits do not depend on the order records are read. */
export function keyedRandom(key: string): Random {
  return createRandom(hash32(key))
}

export { createRandom }
