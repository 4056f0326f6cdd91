/**
 * In-memory token-bucket rate limiting, per process: each key (a user id, an IP, an API token)
 * has a bucket of `capacity` tokens refilled at `refillPerSecond`; a request takes one token or is
 * refused with the seconds until one is back. Memory is bounded by `maxKeys`: past it, full
 * (idle) buckets are dropped first, then the oldest. With several API processes each keeps its
 * own buckets, so the effective limit is per process.
 */
import type { Context as HonoContext, MiddlewareHandler } from 'hono'
import type { ErrorBody } from './errors.js'

export interface TokenBucketOptions {
  /** The burst: how many requests a fresh key may make at once. */
  capacity: number
  /** Sustained rate: tokens added per second. */
  refillPerSecond: number
  /** Most keys kept at once (default 100,000). */
  maxKeys?: number
}

export type TakeResult =
  { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number }

// Refill arithmetic in floating point: 6 s × (10/60)/s is 0.9999999999999999, which is one token.
const EPSILON = 1e-9

interface Bucket {
  tokens: number
  updatedMs: number
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly maxKeys: number

  constructor(
    readonly options: TokenBucketOptions,
    private readonly nowMs: () => number = () => Date.now(),
  ) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new RangeError('TokenBucketLimiter requires capacity >= 1 and refillPerSecond > 0')
    }
    this.maxKeys = options.maxKeys ?? 100_000
  }

  private refill(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key)
    if (bucket === undefined) return { tokens: this.options.capacity, updatedMs: now }
    const elapsed = Math.max(0, now - bucket.updatedMs) / 1000
    return {
      tokens: Math.min(
        this.options.capacity,
        bucket.tokens + elapsed * this.options.refillPerSecond,
      ),
      updatedMs: now,
    }
  }

  /** Takes one token for `key` if there is one. */
  take(key: string): TakeResult {
    const now = this.nowMs()
    const bucket = this.refill(key, now)
    // Re-insert so that Map order is least recently used first.
    this.buckets.delete(key)
    if (bucket.tokens >= 1 - EPSILON) {
      bucket.tokens = Math.max(0, bucket.tokens - 1)
      this.buckets.set(key, bucket)
      this.prune(now)
      return { allowed: true, remaining: Math.floor(bucket.tokens) }
    }
    this.buckets.set(key, bucket)
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.refillPerSecond)),
    }
  }

  /** Seconds until `key` may make a request, without taking a token (0: it may now). */
  peek(key: string): number {
    const bucket = this.refill(key, this.nowMs())
    return bucket.tokens >= 1 - EPSILON
      ? 0
      : Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.refillPerSecond))
  }

  get size(): number {
    return this.buckets.size
  }

  private prune(now: number): void {
    if (this.buckets.size <= this.maxKeys) return
    for (const [key] of this.buckets) {
      if (this.buckets.size <= this.maxKeys) return
      if (this.refill(key, now).tokens >= this.options.capacity - EPSILON) this.buckets.delete(key)
    }
    for (const [key] of this.buckets) {
      if (this.buckets.size <= this.maxKeys) return
      this.buckets.delete(key)
    }
  }
}

/** The 429 answer: `rate_limited` with a Retry-After header in seconds. */
export function rateLimitedResponse(
  c: HonoContext,
  retryAfterSeconds: number,
  what: string,
): Response {
  return c.json<ErrorBody>(
    {
      error: { code: 'rate_limited', message: `too many ${what}; retry in ${retryAfterSeconds} s` },
    },
    429,
    { 'Retry-After': String(retryAfterSeconds) },
  )
}

/**
 * Middleware limiting requests that `key(c)` maps to a key; requests mapped to undefined pass.
 * @example app.use('/v1/*', rateLimit(limiter, (c) => c.req.method === 'POST' ? c.get('credentialId') : undefined, 'requests'))
 */
export function rateLimit<E extends object>(
  limiter: TokenBucketLimiter,
  key: (c: HonoContext<{ Variables: E }>) => string | undefined,
  what = 'requests',
): MiddlewareHandler<{ Variables: E }> {
  return async (c, next) => {
    const k = key(c)
    if (k !== undefined) {
      const result = limiter.take(k)
      if (!result.allowed) return rateLimitedResponse(c, result.retryAfterSeconds, what)
    }
    return next()
  }
}

/**
 * The client's address: the socket's remote address under @hono/node-server, else `unknown`.
 * Forwarded headers are not trusted (anyone can send them); behind a proxy, set the limits there.
 */
export function clientAddress(c: HonoContext): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}
