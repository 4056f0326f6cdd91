/** zod's issues as the application's field issues, quoting little of the client's input. */
import type { z } from 'zod'
import type { FieldIssue } from './errors.js'
import { clipInput, clipInputs } from './quote-input.js'

/**
 * One FieldIssue per zod issue, the path joined with dots (`strata.0.rate`) after `prefix`. Keys a
 * client chose (record keys, unknown fields of a strict object) are clipped to 80 characters:
 * zod's own "Unrecognized key" message would quote them whole.
 * @example issuesFromZod(schema.safeParse({ nme: 1 }).error) // [{ path: '', message: 'unknown field nme' }]
 */
export function issuesFromZod(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = `${prefix}${issue.path.map((p) => clipInput(String(p))).join('.')}`
    if (issue.code === 'unrecognized_keys')
      return {
        path,
        message: `unknown field${issue.keys.length === 1 ? '' : 's'} ${clipInputs(issue.keys)}`,
      }
    return { path, message: issue.message }
  })
}
