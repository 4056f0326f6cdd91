/**
 * Canonical JSON: the value as JSON.stringify sees it (toJSON applied, undefined dropped), with
 * object keys sorted by code unit at every level and no whitespace. Stable across a round trip
 * through jsonb, which reorders keys but keeps values.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value))
  return serialise(plain)
}

function serialise(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(serialise).join(',')}]`
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${serialise((value as Record<string, unknown>)[key])}`)
  return `{${entries.join(',')}}`
}
