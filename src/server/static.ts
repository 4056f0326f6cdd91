/**
 * Serves the web app (web/dist, built by `npm run build`) from the same origin as the API, so the
 * session cookie and CSRF header work without CORS. Registered after the /v1 routes as a middleware
 * (not a route), so it never answers a /v1 path and never appears in the route-permission table:
 * GET/HEAD of a file under web/dist returns it; any other non-/v1 GET gets index.html (SPA fallback,
 * the browser router picks the page). Files are read once and kept in memory with a gzip copy.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { MiddlewareHandler } from 'hono'

/** web/dist relative to this file: the same from src/server (tsx) and dist/server (compiled). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map', '.txt'])

/** Content-Security-Policy of the app: own scripts only; media previews may come from https URLs. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "media-src 'self' https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

interface CachedFile {
  body: Uint8Array
  gzip: Uint8Array | null
  type: string
  immutable: boolean
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Assay</title>
<p>The web app is not built. Run <code>npm run build</code>, then reload. The API is under <a href="/v1/openapi.json">/v1</a>.</p>`

export interface WebAppOptions {
  /** Folder of the built app (default: web/dist of the package). */
  root?: string
}

export function serveWebApp(options: WebAppOptions = {}): MiddlewareHandler {
  const root = normalize(options.root ?? DEFAULT_WEB_ROOT)
  const cache = new Map<string, CachedFile | null>()

  const load = (relative: string): CachedFile | null => {
    const hit = cache.get(relative)
    if (hit !== undefined) return hit
    const file = normalize(join(root, relative))
    let found: CachedFile | null = null
    if (
      file.startsWith(root.endsWith(sep) ? root : root + sep) &&
      existsSync(file) &&
      statSync(file).isFile()
    ) {
      const body = readFileSync(file)
      const ext = extname(file)
      found = {
        body,
        gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : null,
        type: TYPES[ext] ?? 'application/octet-stream',
        immutable: relative.startsWith('assets/'),
      }
    }
    // index.html may be rebuilt while serving in development; assets are content-hashed.
    if (relative !== 'index.html') cache.set(relative, found)
    return found
  }

  return async (c, next) => {
    const path = c.req.path
    if (
      (c.req.method !== 'GET' && c.req.method !== 'HEAD') ||
      path === '/v1' ||
      path.startsWith('/v1/')
    ) {
      return next()
    }
    let relative: string
    try {
      relative = decodeURIComponent(path).replace(/^\/+/, '')
    } catch {
      return next()
    }
    const asset = relative === '' ? null : load(relative)
    // A missing file with an extension (a stale hashed asset) is a 404, not the app shell.
    if (asset === null && relative.startsWith('assets/')) return next()
    const file = asset ?? load('index.html')
    if (file === null) return c.html(NOT_BUILT, 503)
    const headers: Record<string, string> = {
      'content-type': file.type,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    }
    if (file.type.startsWith('text/html')) {
      headers['content-security-policy'] = CSP
      headers['referrer-policy'] = 'same-origin'
    }
    const gzip = file.gzip !== null && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')
    if (gzip) headers['content-encoding'] = 'gzip'
    const body = gzip ? (file.gzip as Uint8Array) : file.body
    if (c.req.method === 'HEAD') return c.body(null, 200, headers)
    return c.body(new Uint8Array(body), 200, headers)
  }
}
