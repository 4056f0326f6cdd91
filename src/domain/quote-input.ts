/**
 * How an error message shows what a client sent: never more than the first 80 characters of it,
 * then "…". A client can send megabytes in a field, a path or a header, and an error that echoes
 * all of it multiplies the traffic, floods logs and makes the message useless.
 */

/** At most this many characters of a client's value appear in an error message. */
export const MAX_QUOTED_CHARACTERS = 80

/**
 * The first `max` characters of `text`, then "…" when there was more; a surrogate pair is never
 * cut in half.
 * @example clipInput('abcdef', 3) // 'abc…'
 */
export function clipInput(text: string, max = MAX_QUOTED_CHARACTERS): string {
  if (text.length <= max) return text
  const code = text.charCodeAt(max - 1)
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max
  return `${text.slice(0, end)}…`
}

/**
 * A client's value quoted for an error message: a string in JSON quotes (so blanks, control
 * characters and unpaired surrogates show as escapes), anything else as JSON; at most the first 80
 * characters of the value, then "…".
 * @example quoteInput('x'.repeat(100)) // '"xxx…x…"' (80 x, then …, in quotes)
 * @example quoteInput(undefined) // 'nothing'
 */
export function quoteInput(value: unknown, max = MAX_QUOTED_CHARACTERS): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(clipInput(value, max))
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    json = undefined // a BigInt, or nesting too deep to write
  }
  return json === undefined ? typeof value : clipInput(json, max)
}

/**
 * Several client values as a list for an error message: each clipped to 80 characters, at most
 * `count` of them, then how many more there were.
 * @example clipInputs(['a', 'b', 'c'], 2) // 'a, b and 1 more'
 */
export function clipInputs(values: readonly string[], count = 10): string {
  const shown = values.slice(0, count).map((v) => clipInput(v))
  const more = values.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ')
}
