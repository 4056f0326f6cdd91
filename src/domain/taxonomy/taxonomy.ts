/**
 * The taxonomy: policies, actions, error types, severities, root causes and rubric questions.
 * A YAML document validated here; stored versioned, so an audit can be judged under the version
 * that was current when it was made.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import { parseYamlDocument } from '../parse-yaml-document.js'
import { issuesFromZod } from '../zod-issues.js'

const code = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,63}$/,
    'must be lower_snake_case, starting with a letter, at most 64 characters',
  )

const entry = {
  code,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
}

export const taxonomySchema = z
  .object({
    version: z.number().int().positive(),
    name: z.string().min(1).max(200),
    policies: z
      .array(z.object({ ...entry, tier: z.number().int().min(0).max(9), parent: code.optional() }))
      .min(2),
    actions: z.array(z.object({ ...entry, enforces: z.boolean() })).min(2),
    error_types: z.array(z.object(entry)).min(1),
    severities: z.array(z.object({ ...entry, weight: z.number().positive() })).min(1),
    root_causes: z.array(z.object(entry)).default([]),
    rubric: z
      .array(
        z.object({
          code,
          text: z.string().min(1),
          type: z.enum(['yes_no', 'choice', 'text']),
          options: z.array(z.string()).optional(),
        }),
      )
      .default([]),
  })
  .superRefine((t, ctx) => {
    const unique = (list: { code: string }[], key: string) => {
      const seen = new Set<string>()
      list.forEach((item, i) => {
        if (seen.has(item.code))
          ctx.addIssue({
            code: 'custom',
            path: [key, i, 'code'],
            message: `duplicate code ${item.code}`,
          })
        seen.add(item.code)
      })
      return seen
    }
    const policies = unique(t.policies, 'policies')
    const actions = unique(t.actions, 'actions')
    unique(t.error_types, 'error_types')
    unique(t.severities, 'severities')
    unique(t.root_causes, 'root_causes')
    if (!policies.has('none'))
      ctx.addIssue({
        code: 'custom',
        path: ['policies'],
        message: 'must include the policy code none (no violation)',
      })
    t.policies.forEach((p, i) => {
      if (p.parent !== undefined && !policies.has(p.parent)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'parent'],
          message: `unknown parent policy ${p.parent}`,
        })
      }
      if (p.parent === 'none' || (p.code === 'none' && p.parent !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'parent'],
          message: 'none can neither have nor be a parent',
        })
      }
    })
    if (!t.actions.some((a) => a.enforces) || !t.actions.some((a) => !a.enforces)) {
      ctx.addIssue({
        code: 'custom',
        path: ['actions'],
        message: 'needs at least one enforcing and one non-enforcing action',
      })
    }
    if (actions.size === 0) return
  })

export type Taxonomy = z.infer<typeof taxonomySchema>

/** Parses and validates a taxonomy YAML document; throws ValidationError listing every problem. */
export function parseTaxonomy(yamlText: string, source = 'taxonomy'): Taxonomy {
  const document = parseYamlDocument(yamlText, source)
  const parsed = taxonomySchema.safeParse(document)
  if (!parsed.success) {
    throw new ValidationError(`${source} is not a valid taxonomy`, issuesFromZod(parsed.error))
  }
  return parsed.data
}

export const DEFAULT_TAXONOMY_PATH = new URL('./default-taxonomy.yaml', import.meta.url)

/** The taxonomy that ships with Assay. */
export function loadDefaultTaxonomy(): Taxonomy {
  return parseTaxonomy(readFileSync(DEFAULT_TAXONOMY_PATH, 'utf8'), 'default taxonomy')
}
