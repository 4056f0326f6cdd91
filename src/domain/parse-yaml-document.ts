/** The one way a YAML (or JSON) document from a file or a request body becomes a plain value. */
import { parse as parseYaml } from 'yaml'
import { ValidationError } from './errors.js'
import { findLoneSurrogates } from './unicode-text.js'

/**
 * Parses `text` as YAML; throws ValidationError when it is not YAML, or when a string in it holds
 * an unpaired surrogate (a YAML or JSON `\ud800` escape makes one), naming where.
 * The parser's own message quotes at most a line of about 80 characters around the error.
 * @example parseYamlDocument('a: [1, 2]', 'plan.yaml') // { a: [1, 2] }
 */
export function parseYamlDocument(text: string, source: string): unknown {
  let document: unknown
  try {
    document = parseYaml(text)
  } catch (error) {
    throw new ValidationError(`${source} is not valid YAML: ${(error as Error).message}`, [], {
      cause: error,
    })
  }
  const issues = findLoneSurrogates(document)
  if (issues.length > 0)
    throw new ValidationError(`${source} holds text that is not valid Unicode`, issues)
  return document
}
