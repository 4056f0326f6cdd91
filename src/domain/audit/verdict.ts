/**
 * An auditor's verdict, an arbitrator's settlement and a moderator's dispute, as they arrive at
 * the edge (API body or CLI flags), and the rubric checks against the taxonomy.
 */
import { z } from 'zod'
import { ValidationError, type FieldIssue } from '../errors.js'
import { SEVERITIES } from '../records.js'
import type { TaxonomyIndex } from '../taxonomy/outcome.js'
import { clipInput } from '../quote-input.js'
import { issuesFromZod } from '../zod-issues.js'

const code = z.string().trim().min(1, 'must not be empty').max(64)

export const verdictSchema = z.object({
  policy: code,
  action: code,
  /** Severity of the error, if the verdict turns out to be an error (ignored when correct). */
  severity: z.enum(SEVERITIES, { error: 'must be critical, major or minor' }).optional(),
  root_cause: code.optional(),
  /** Answers to the taxonomy's rubric questions, by question code. */
  answers: z.record(z.string(), z.union([z.string().max(2000), z.boolean()])).default({}),
  comment: z.string().max(10_000).optional(),
})
export type VerdictInput = z.input<typeof verdictSchema>
export type Verdict = z.infer<typeof verdictSchema>

export const disputeSchema = z.object({
  audit_id: z.string().trim().min(1).max(128),
  reason: z.string().trim().min(1, 'must say why').max(10_000),
})
export type DisputeInput = z.infer<typeof disputeSchema>

export const settlementSchema = z
  .object({
    resolution: z.enum(['upheld', 'overturned'], { error: 'must be upheld or overturned' }),
    /** The correct policy and action when overturning (the new verdict). */
    policy: code.optional(),
    action: code.optional(),
    severity: z.enum(SEVERITIES, { error: 'must be critical, major or minor' }).optional(),
    root_cause: code.optional(),
    comment: z.string().max(10_000).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.resolution === 'overturned') {
      if (s.policy === undefined)
        ctx.addIssue({ code: 'custom', path: ['policy'], message: 'is required to overturn' })
      if (s.action === undefined)
        ctx.addIssue({ code: 'custom', path: ['action'], message: 'is required to overturn' })
    }
  })
export type SettlementInput = z.infer<typeof settlementSchema>

/** Parses an edge input with a schema; every failing field is reported. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new ValidationError(`invalid ${what}`, issuesFromZod(parsed.error))
  }
  return parsed.data
}

/** Checks a verdict's codes and rubric answers against the taxonomy; throws ValidationError. */
export function checkVerdictCodes(
  index: TaxonomyIndex,
  verdict: Pick<Verdict, 'policy' | 'action' | 'root_cause'> & { answers?: Verdict['answers'] },
): void {
  const issues: FieldIssue[] = []
  if (!index.policies.has(verdict.policy))
    issues.push({ path: 'policy', message: `unknown policy code ${clipInput(verdict.policy)}` })
  if (!index.actions.has(verdict.action))
    issues.push({ path: 'action', message: `unknown action code ${clipInput(verdict.action)}` })
  if (verdict.root_cause !== undefined && !index.rootCauses.has(verdict.root_cause)) {
    issues.push({
      path: 'root_cause',
      message: `unknown root cause ${clipInput(verdict.root_cause)}`,
    })
  }
  const questions = new Map(index.taxonomy.rubric.map((q) => [q.code, q]))
  for (const [key, answer] of Object.entries(verdict.answers ?? {})) {
    const question = questions.get(key)
    if (question === undefined) {
      issues.push({ path: `answers.${key}`, message: 'is not a rubric question of the taxonomy' })
    } else if (
      question.type === 'yes_no' &&
      typeof answer !== 'boolean' &&
      answer !== 'yes' &&
      answer !== 'no'
    ) {
      issues.push({ path: `answers.${key}`, message: 'must be yes or no' })
    } else if (question.type === 'choice' && !(question.options ?? []).includes(String(answer))) {
      issues.push({
        path: `answers.${key}`,
        message: `must be one of ${(question.options ?? []).join(', ')}`,
      })
    }
  }
  if (issues.length > 0) throw new ValidationError('the verdict does not fit the taxonomy', issues)
}

/** Rubric answers as audit attributes (`rubric.<code>`: string). */
export function answersAsAttributes(answers: Verdict['answers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(answers).map(([key, value]) => [
      `rubric.${key}`,
      typeof value === 'boolean' ? (value ? 'yes' : 'no') : value,
    ]),
  )
}
