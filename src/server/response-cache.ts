/**
 * A read cache for the GET responses the dashboard makes over and over (report, metrics, targets,
 * alerts, actions, the audit drill-down): a 1M-decision report takes seconds to compute, and a
 * team leaving the Overview open must not recompute it for every load.
 *
 * - Key: method, path, the query string with its parameters sorted by name (values of a repeated
 *   name keep their order), and the caller's access scope: user id, roles, regions, sites and the
 *   API token's permissions. Two principals share an entry only when all of these are equal, so a
 *   regional lead never sees a figure computed for someone who sees more (or less).
 * - Invalidation: an entry is served only while the data version it was computed at is current.
 *   The version is (a) a counter of this process, bumped after every POST, PUT, PATCH or DELETE
 *   under /v1 that did not end in a client error, so a change made through this server is seen
 *   by the next GET at once; and (b) the store's data version (`readDataVersion`): the event-log
 *   head, which moves when a change that appends an event commits, wherever it was made; and the
 *   tables' change counters, which catch every other write from other processes (CLI ingest,
 *   workers, other servers) once PostgreSQL publishes them, usually within a second, at most ~10 s
 *   after the writer's commit. (b) is read at most once per `versionMaxAgeMs` by one query shared
 *   by all requests (which go on with the previous value, for up to 10 s more, while it waits).
 * - Time: relative periods ("last-7d", "month") and overdue actions depend on the clock — in
 *   whole days, since periods and due dates are days — so an entry is fresh for `ttlMs` (5 min:
 *   at most that late after midnight UTC; data changes never wait for it). After that, and for at most `staleMs` more, it is still answered
 *   (`X-Assay-Cache: stale`) while one background request recomputes it, so an expiry does not
 *   hold every connection behind a report that takes seconds (stale-while-revalidate).
 * - Size: least recently used entries are dropped beyond `maxEntries` or `maxBytes`.
 * - Concurrent identical misses wait for one computation (single-flight). Only 200 responses are
 *   stored; an error is never cached or shared, so the waiters of a failed computation compute
 *   their own answer.
 * - Bodies of 1 KiB and more are also kept gzipped (compressed once, off the event loop) and
 *   sent that way to clients that accept gzip, as every browser does: the Overview's report is
 *   ~600 KiB of JSON, ~10× less gzipped, and copying it is most of what a hit of it costs.
 * Every answer carries `X-Assay-Cache: hit | stale | miss`.
 *
 * Runs after authentication (and the route's permission rule), so it only ever answers a caller
 * who may call the route. Per process: several servers each keep their own cache.
 */
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { MiddlewareHandler } from 'hono'
import type { Principal } from '../domain/access.js'
import {
  matchedRouteKey,
  type AuthVariables,
  type Authenticated,
  type PrincipalMemo,
} from './auth.js'

export const CACHE_HEADER = 'x-assay-cache'

/** The routes whose GET responses are cached (`METHOD /path` as in ROUTE_PERMISSIONS). */
export const CACHED_ROUTES: readonly string[] = [
  'GET /v1/report',
  'GET /v1/metrics/:metric',
  'GET /v1/audits',
  'GET /v1/targets',
  'GET /v1/alerts',
  'GET /v1/actions',
]

export interface ResponseCacheOptions {
  /** How long an entry is fresh while the data is unchanged (default 5 min). */
  ttlMs: number
  /** How long after that it may still be answered while it is recomputed (default 30 s). */
  staleMs: number
  /** At most this many entries (default 500) … */
  maxEntries: number
  /** … and this many bytes of bodies (default 64 MiB); a larger body is not stored. */
  maxBytes: number
  /**
   * How old a read of the store's data version may be when used (default 1 s; 0: every request,
   * waiting for it); while the next read is pending, the last one serves up to 10 s longer.
   */
  versionMaxAgeMs: number
  /** The routes to cache (default CACHED_ROUTES). */
  routes: readonly string[]
  /**
   * How long a successful authentication may be remembered (default 30 s; 0: never; see `principals`
   * for what that trades away).
   */
  principalTtlMs: number
  /** At most this many remembered authentications (default 10,000). */
  maxPrincipals: number
  /** The clock, in milliseconds (default Date.now). */
  now: () => number
}

export const DEFAULT_RESPONSE_CACHE_OPTIONS: ResponseCacheOptions = {
  ttlMs: 300_000,
  staleMs: 30_000,
  maxEntries: 500,
  maxBytes: 64 * 1024 ** 2,
  versionMaxAgeMs: 1000,
  routes: CACHED_ROUTES,
  principalTtlMs: 30_000,
  maxPrincipals: 10_000,
  now: () => Date.now(),
}

/** What the middleware needs from the app: the data version, and a way to replay a request. */
export interface ResponseCacheDependencies {
  readDataVersion: () => Promise<string>
  /** Access changes (revocations) made by this process: they apply to the next request. */
  accessVersion?: () => number
  fetch: (request: Request) => Response | Promise<Response>
}

/** Counters, for tests and diagnostics. */
export interface ResponseCacheStats {
  hits: number
  stale: number
  misses: number
  /** Misses that waited for another request's computation instead of computing. */
  coalesced: number
  /** Computations run (misses that computed, and background refreshes). */
  computed: number
  stored: number
  invalidations: number
  /** Authentications answered from memory / looked up in the store. */
  principalHits: number
  principalMisses: number
}

interface StoredResponse {
  status: number
  headers: [string, string][]
  body: Uint8Array<ArrayBuffer>
  /** The body gzipped once, for the clients that accept it (every browser), when worth it. */
  gzipped: Uint8Array<ArrayBuffer> | undefined
}

interface Entry extends StoredResponse {
  version: string
  storedAt: number
}

/** Headers that belong to one response, never to a stored copy. */
const UNSHARED_HEADERS = new Set(['set-cookie', 'x-request-id', 'content-length', CACHE_HEADER])

/** How much longer the last store version serves while the next read of it is pending. */
const PENDING_VERSION_GRACE_MS = 10_000

/** Bodies from this size on, of these types, are also kept gzipped. */
const GZIP_MIN_BYTES = 1024
const COMPRESSIBLE = /^(application\/json|text\/)/i
const gzipAsync = promisify(gzip)

/** Whether an Accept-Encoding header admits gzip (`gzip` or `*`, with a q-value above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false
  return header.split(',').some((part) => {
    const [name = '', ...params] = part.trim().toLowerCase().split(';')
    if (name.trim() !== 'gzip' && name.trim() !== '*') return false
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}

async function gzipIfWorthIt(
  body: Uint8Array<ArrayBuffer>,
  headers: [string, string][],
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const type = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? ''
  const encoded = headers.some(([name]) => name.toLowerCase() === 'content-encoding')
  if (body.byteLength < GZIP_MIN_BYTES || encoded || !COMPRESSIBLE.test(type)) return undefined
  // On libuv's thread pool: a 600 KiB report takes a few ms there, none on the event loop.
  const zipped = await gzipAsync(body)
  return new Uint8Array(
    zipped.buffer,
    zipped.byteOffset,
    zipped.byteLength,
  ) as Uint8Array<ArrayBuffer>
}

/** The access scope of a principal: everything that can make two callers see different data. */
export function scopeKey(principal: Principal): string {
  const sorted = (values: readonly string[] | null | undefined) =>
    values == null ? null : [...values].sort()
  return JSON.stringify([
    principal.userId,
    sorted(principal.roles),
    sorted(principal.regions),
    sorted(principal.sites),
    sorted(principal.permissions),
  ])
}

/** The query string with parameters sorted by name; a repeated name keeps its values' order. */
export function normalizedQuery(url: string): string {
  const params = [...new URL(url).searchParams.entries()]
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return new URLSearchParams(params).toString()
}

const sizeOf = (stored: StoredResponse) =>
  stored.body.byteLength + (stored.gzipped?.byteLength ?? 0)

function respond(
  stored: StoredResponse,
  cache: 'hit' | 'stale' | 'miss',
  acceptEncoding: string | undefined,
): Response {
  const headers = new Headers(stored.headers)
  headers.set(CACHE_HEADER, cache)
  if (stored.gzipped === undefined)
    return new Response(stored.body, { status: stored.status, headers })
  headers.append('vary', 'accept-encoding')
  if (!acceptsGzip(acceptEncoding))
    return new Response(stored.body, { status: stored.status, headers })
  headers.set('content-encoding', 'gzip')
  return new Response(stored.gzipped, { status: stored.status, headers })
}

export class ResponseCache {
  readonly options: ResponseCacheOptions
  readonly stats: ResponseCacheStats = {
    hits: 0,
    stale: 0,
    misses: 0,
    coalesced: 0,
    computed: 0,
    stored: 0,
    invalidations: 0,
    principalHits: 0,
    principalMisses: 0,
  }
  private readonly entries = new Map<string, Entry>()
  private bytes = 0
  private generation = 0
  private storeVersion: { value: string; readAt: number } | undefined
  private storeVersionRead: { promise: Promise<string>; startedAt: number } | undefined
  /** Computations in flight, by key and version: what concurrent identical misses wait for. */
  private readonly inFlight = new Map<string, Promise<StoredResponse | undefined>>()
  /** Keys being recomputed in the background, and the requests this cache replays to do it. */
  private readonly refreshing = new Map<string, Promise<void>>()
  private readonly refreshRequests = new WeakSet<Request>()
  private dependencies: ResponseCacheDependencies | undefined
  private readonly principalEntries = new Map<
    string,
    { found: Authenticated; version: string; expiresAt: number; rememberedAt: number }
  >()

  /**
   * With principalTtlMs > 0, a memory of successful authentications (by a hash of the
   * credential) valid for the same data version as the responses, so that a cache hit costs no
   * database round trip (about half of a hit's CPU). Every change to a user, token or session made
   * through the engine appends an event and so moves the version: through this server at once,
   * from another process (the CLI) within versionMaxAgeMs (up to 10 s more while a read of the
   * version waits for a connection). A remembered credential also lapses at
   * its own expiry and after principalTtlMs; unknown credentials are never remembered.
   * Off by default because it trades away immediacy: without it every request is checked against
   * the store, so a revocation by another process, or by SQL that appends no event, applies at once.
   */
  get principals(): PrincipalMemo | undefined {
    return this.options.principalTtlMs > 0 ? this.principalMemo : undefined
  }

  private readonly principalMemo: PrincipalMemo = {
    version: () => this.currentVersion(),
    recall: (key, version, now) => {
      const entry = this.principalEntries.get(key)
      if (entry === undefined) return undefined
      const at = now.getTime()
      if (
        entry.version !== version ||
        entry.expiresAt <= at ||
        this.options.now() - entry.rememberedAt >= this.options.principalTtlMs
      ) {
        this.principalEntries.delete(key)
        return undefined
      }
      this.stats.principalHits += 1
      return entry.found
    },
    remember: (key, version, found, expiresAt) => {
      this.stats.principalMisses += 1
      if (version !== this.versionNow()) return
      this.principalEntries.delete(key)
      this.principalEntries.set(key, {
        found,
        version,
        expiresAt: expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
        rememberedAt: this.options.now(),
      })
      for (const oldest of this.principalEntries.keys()) {
        if (this.principalEntries.size <= this.options.maxPrincipals) break
        this.principalEntries.delete(oldest)
      }
    },
  }

  constructor(options: Partial<ResponseCacheOptions> = {}) {
    this.options = { ...DEFAULT_RESPONSE_CACHE_OPTIONS, ...options }
  }

  get size(): number {
    return this.entries.size
  }

  /**
   * Resolves once no background work is left — refreshes of stale entries, and a read of the
   * store's data version that requests stopped waiting for — so that the database can be closed.
   * Call it after the server has stopped taking requests (`assay serve` does at shutdown).
   */
  async settled(): Promise<void> {
    for (;;) {
      const pending: Promise<unknown>[] = [...this.refreshing.values()]
      if (this.storeVersionRead !== undefined) pending.push(this.storeVersionRead.promise)
      if (pending.length === 0) return
      await Promise.allSettled(pending)
    }
  }

  /** Makes every entry stale for good: the next GET of each computes again. */
  invalidate(): void {
    this.generation += 1
    this.stats.invalidations += 1
    this.entries.clear()
    this.bytes = 0
    this.principalEntries.clear()
  }

  /** The middleware, to be used after authentication on /v1/*. */
  middleware(dependencies: ResponseCacheDependencies): MiddlewareHandler<{
    Variables: AuthVariables
  }> {
    this.dependencies = dependencies
    return async (c, next) => {
      const method = c.req.method
      if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
        await next()
        // A client error changed nothing; anything else may have (a 500 after a partial write).
        if (c.res.status < 400 || c.res.status >= 500) this.invalidate()
        return
      }
      const route = matchedRouteKey(c)
      const principal = c.get('principal') as Principal | undefined
      if (
        method !== 'GET' ||
        route === undefined ||
        !this.options.routes.includes(route) ||
        principal === undefined
      ) {
        return next()
      }
      const generation = this.generation
      let version: string
      try {
        version = await this.currentVersion()
      } catch {
        return next() // no version, no cache; the route answers (or fails) on its own
      }
      const key = `GET ${c.req.path}?${normalizedQuery(c.req.url)} ${scopeKey(principal)}`
      const acceptEncoding = c.req.header('accept-encoding')
      const isRefresh = this.refreshRequests.has(c.req.raw)

      if (!isRefresh) {
        const entry = this.entries.get(key)
        if (entry !== undefined && entry.version !== version) this.remove(key)
        else if (entry !== undefined) {
          const age = this.options.now() - entry.storedAt
          if (age < this.options.ttlMs + this.options.staleMs) {
            this.entries.delete(key) // re-insert: most recently used last
            this.entries.set(key, entry)
            if (age < this.options.ttlMs) {
              this.stats.hits += 1
              return respond(entry, 'hit', acceptEncoding)
            }
            this.stats.stale += 1
            this.refreshInBackground(key, c.req.raw, dependencies)
            return respond(entry, 'stale', acceptEncoding)
          }
          this.remove(key)
        }
        this.stats.misses += 1
      }

      const flightKey = `${key} @${version}`
      const running = this.inFlight.get(flightKey)
      if (running !== undefined) {
        this.stats.coalesced += 1
        const shared = await running
        if (shared !== undefined) return respond(shared, 'hit', acceptEncoding)
        return next() // the shared computation failed: compute (and fail or not) on our own
      }

      let settle: (stored: StoredResponse | undefined) => void = () => {}
      this.inFlight.set(
        flightKey,
        new Promise((resolve) => {
          settle = resolve
        }),
      )
      let stored: StoredResponse | undefined
      try {
        this.stats.computed += 1
        await next()
        if (c.res.status === 200 && c.error === undefined) {
          const body = new Uint8Array(await c.res.arrayBuffer())
          const headers: [string, string][] = []
          c.res.headers.forEach((value, name) => {
            if (!UNSHARED_HEADERS.has(name.toLowerCase())) headers.push([name, value])
          })
          stored = { status: 200, headers, body, gzipped: await gzipIfWorthIt(body, headers) }
          // Computed across a change made here: correct for this caller, too old to keep.
          if (generation === this.generation) this.store(key, version, stored)
          c.res = respond(stored, 'miss', acceptEncoding)
        } else {
          c.header(CACHE_HEADER, 'miss')
        }
      } finally {
        this.inFlight.delete(flightKey)
        settle(stored)
      }
    }
  }

  private store(key: string, version: string, stored: StoredResponse): void {
    const size = sizeOf(stored)
    if (size > this.options.maxBytes) return
    this.remove(key)
    this.entries.set(key, { ...stored, version, storedAt: this.options.now() })
    this.bytes += size
    this.stats.stored += 1
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.options.maxEntries && this.bytes <= this.options.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= sizeOf(entry)
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    this.entries.delete(key)
    this.bytes -= sizeOf(entry)
  }

  /** `<generation>:<store data version>`: what entries are valid for. */
  private async currentVersion(): Promise<string> {
    const generation = this.localVersion()
    return `${generation}:${await this.storeDataVersion()}`
  }

  /** The version as last known, without reading the store (undefined before the first read). */
  private versionNow(): string | undefined {
    return this.storeVersion === undefined
      ? undefined
      : `${this.localVersion()}:${this.storeVersion.value}`
  }

  /** What this process changed: writes through the app, and access changes made anywhere in it. */
  private localVersion(): string {
    return `${this.generation}.${this.dependencies?.accessVersion?.() ?? 0}`
  }

  /** The store's data version, read at most once per versionMaxAgeMs by one shared query. */
  private async storeDataVersion(): Promise<string> {
    const dependencies = this.dependencies
    if (dependencies === undefined) throw new Error('the response cache is not attached to an app')
    const maxAge = this.options.versionMaxAgeMs
    const now = this.options.now()
    if (this.storeVersion !== undefined && now - this.storeVersion.readAt < maxAge)
      return this.storeVersion.value
    let read = this.storeVersionRead
    // A read started before this request may share its answer only within the allowed age.
    if (read === undefined || maxAge === 0 || now - read.startedAt >= maxAge) {
      const startedAt = now
      const promise = dependencies.readDataVersion().then((value) => {
        if (this.storeVersion === undefined || this.storeVersion.readAt <= startedAt)
          this.storeVersion = { value, readAt: startedAt }
        return value
      })
      read = { promise, startedAt }
      this.storeVersionRead = read
      const settled = () => {
        if (this.storeVersionRead === read) this.storeVersionRead = undefined
      }
      promise.then(settled, settled)
    }
    // While the new read waits (for a pool connection, behind a report's queries), the previous
    // value still serves for a while, so requests do not queue up behind the read.
    if (
      maxAge > 0 &&
      this.storeVersion !== undefined &&
      now - this.storeVersion.readAt < maxAge + PENDING_VERSION_GRACE_MS
    )
      return this.storeVersion.value
    return read.promise
  }

  /** Replays the request through the app with the same credentials; the middleware stores the answer. */
  private refreshInBackground(
    key: string,
    original: Request,
    dependencies: ResponseCacheDependencies,
  ): void {
    if (this.refreshing.has(key)) return
    const request = new Request(original.url, { method: 'GET', headers: original.headers })
    this.refreshRequests.add(request)
    const refresh = (async () => {
      try {
        const response = await dependencies.fetch(request)
        await response.arrayBuffer()
      } catch {
        // A failed refresh stores nothing; the stale entry ages out and the next miss computes.
      } finally {
        this.refreshing.delete(key)
      }
    })()
    this.refreshing.set(key, refresh)
  }
}
