/**
 * The typed API client: same-origin fetch with the session cookie, the CSRF token as a header on
 * unsafe methods, JSON in and out, every failure through parseApiError.
 */
import { parseApiError } from './errors'

const CSRF_HEADER = 'x-csrf-token'
const CSRF_KEY = 'assay.csrf'

let csrfToken: string | null = readStoredCsrf()

function readStoredCsrf(): string | null {
  try {
    return sessionStorage.getItem(CSRF_KEY)
  } catch {
    return null
  }
}

/** Remembers the CSRF token the session routes hand out (kept per tab, like the cookie's session). */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null
  try {
    if (csrfToken === null) sessionStorage.removeItem(CSRF_KEY)
    else sessionStorage.setItem(CSRF_KEY, csrfToken)
  } catch {
    // Private modes may refuse storage; the in-memory token still works for this page.
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text === '' ? path : `${path}?${text}`
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== null) headers[CSRF_HEADER] = csrfToken
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (error) {
    throw parseApiError(error)
  }
  const text = await response.text()
  let parsed: unknown = undefined
  if (text !== '') {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = text
    }
  }
  if (!response.ok) {
    throw parseApiError(
      typeof parsed === 'object' && parsed !== null
        ? parsed
        : {
            error: {
              code: `http_${response.status}`,
              message: `${response.status} ${response.statusText}`,
            },
          },
      response.status,
    )
  }
  return parsed as T
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  delete: <T>(path: string) => request<T>('DELETE', path),
}
