import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TokenBucketLimiter } from '../../src/server/rate-limit.js'

describe('TokenBucketLimiter', () => {
  it('allows a burst of capacity, then refuses with the seconds until the next token', () => {
    let now = 0
    const limiter = new TokenBucketLimiter({ capacity: 10, refillPerSecond: 10 / 60 }, () => now)
    for (let i = 0; i < 10; i += 1) expect(limiter.take('alice').allowed).toBe(true)
    expect(limiter.take('alice')).toEqual({ allowed: false, retryAfterSeconds: 6 })
    expect(limiter.take('bob').allowed).toBe(true)
    now += 5_999
    expect(limiter.take('alice').allowed).toBe(false)
    now += 1
    expect(limiter.take('alice').allowed).toBe(true)
    expect(limiter.take('alice').allowed).toBe(false)
  })

  it('refills to capacity and no further', () => {
    let now = 0
    const limiter = new TokenBucketLimiter({ capacity: 2, refillPerSecond: 1 }, () => now)
    limiter.take('k')
    now += 3_600_000
    expect(limiter.peek('k')).toBe(0)
    expect(limiter.take('k').allowed).toBe(true)
    expect(limiter.take('k').allowed).toBe(true)
    expect(limiter.take('k').allowed).toBe(false)
  })

  it('keeps at most maxKeys buckets, dropping idle ones first', () => {
    let now = 0
    const limiter = new TokenBucketLimiter(
      { capacity: 1, refillPerSecond: 1, maxKeys: 3 },
      () => now,
    )
    for (const key of ['a', 'b', 'c', 'd', 'e']) limiter.take(key)
    expect(limiter.size).toBe(3)
    now += 10_000
    limiter.take('f')
    expect(limiter.size).toBeLessThanOrEqual(3)
  })

  it('rejects a configuration that could never allow a request', () => {
    expect(() => new TokenBucketLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError)
    expect(() => new TokenBucketLimiter({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError)
  })

  it('never allows more than capacity + rate × elapsed in any run of requests', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 200 }),
        (capacity, rate, gaps) => {
          let now = 0
          const limiter = new TokenBucketLimiter({ capacity, refillPerSecond: rate }, () => now)
          let allowed = 0
          for (const gap of gaps) {
            now += gap
            if (limiter.take('k').allowed) allowed += 1
          }
          return allowed <= capacity + (rate * now) / 1000 + 1e-6
        },
      ),
    )
  })
})
