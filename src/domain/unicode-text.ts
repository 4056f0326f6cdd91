/**
 * Unpaired UTF-16 surrogates. JSON carries them (`"\ud800"`), YAML escapes make them and
 * JavaScript strings hold them, but they are not Unicode text: encoded as UTF-8 on the way to
 * PostgreSQL each one silently becomes U+FFFD, so what is stored would differ from what was sent
 * (and jsonb refuses them outright). Text that reaches the store is checked with these and refused
 * with a field-level issue instead.
 */
import type { FieldIssue } from './errors.js'

/** What an issue about an unpaired surrogate says; the path says which field. */
export const LONE_SURROGATE_MESSAGE =
  'holds an unpaired UTF-16 surrogate (a \\uD800–\\uDFFF without its pair), which is not valid Unicode text'

/** ES2024's String.prototype.isWellFormed (Node 20+); the project's lib is ES2023. */
type WellFormedString = string & { isWellFormed(): boolean }

/**
 * Whether `text` holds no unpaired surrogate. Native and cheap: V8 answers at once for strings
 * that are all Latin-1, which is nearly every value ingest sees.
 * @example isWellFormedText('😀') // true; isWellFormedText('\ud800') // false
 */
export function isWellFormedText(text: string): boolean {
  return (text as WellFormedString).isWellFormed()
}

const MAX_ISSUES = 20

/**
 * Every string (and object key) holding an unpaired surrogate anywhere inside a JSON-like value,
 * as issues whose path joins keys and array indexes with dots (`strata.0.name`), as zod does.
 * Iterative, so deep nesting cannot overflow the stack; stops after 20 issues.
 * @example findLoneSurrogates({ a: ['x', '\ud800'] }) // [{ path: 'a.1', message: LONE_SURROGATE_MESSAGE }]
 */
export function findLoneSurrogates(value: unknown, path = ''): FieldIssue[] {
  const issues: FieldIssue[] = []
  const seen = new Set<object>()
  const stack: [unknown, string][] = [[value, path]]
  const join = (parent: string, key: string | number) =>
    parent === '' ? String(key) : `${parent}.${key}`
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const [current, at] = stack.pop() as [unknown, string]
    if (typeof current === 'string') {
      if (!isWellFormedText(current)) issues.push({ path: at, message: LONE_SURROGATE_MESSAGE })
      continue
    }
    if (typeof current !== 'object' || current === null || seen.has(current)) continue
    seen.add(current)
    // Pushed in reverse, so issues come out in document order.
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], join(at, i)])
      continue
    }
    const children: [unknown, string][] = []
    for (const key of Object.keys(current)) {
      if (isWellFormedText(key))
        children.push([(current as Record<string, unknown>)[key], join(at, key)])
      else issues.push({ path: at, message: `has a field name that ${LONE_SURROGATE_MESSAGE}` })
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as [unknown, string])
  }
  return issues
}
