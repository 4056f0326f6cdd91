/**
 * Derives an audit's outcome from the original decision and the auditor's verdict.
 * Pure rule; the matching rule (what must agree for "correct") is configurable.
 */
import type { Taxonomy } from './taxonomy.js'

export const OUTCOMES = [
  'correct',
  'false_positive',
  'false_negative',
  'wrong_policy',
  'wrong_action',
] as const
export type Outcome = (typeof OUTCOMES)[number]
export type MatchRule = 'both' | 'policy' | 'action'

export interface Judgement {
  policy: string
  action: string
}

/** Index of a taxonomy for fast lookups on hot paths (ingest). */
export interface TaxonomyIndex {
  taxonomy: Taxonomy
  policies: ReadonlySet<string>
  actions: ReadonlySet<string>
  enforcing: ReadonlySet<string>
  rootCauses: ReadonlySet<string>
}

export function indexTaxonomy(taxonomy: Taxonomy): TaxonomyIndex {
  return {
    taxonomy,
    policies: new Set(taxonomy.policies.map((p) => p.code)),
    actions: new Set(taxonomy.actions.map((a) => a.code)),
    enforcing: new Set(taxonomy.actions.filter((a) => a.enforces).map((a) => a.code)),
    rootCauses: new Set(taxonomy.root_causes.map((r) => r.code)),
  }
}

/**
 * correct when the compared parts agree; otherwise
 * - false_positive: the decision enforced, the truth is `none`;
 * - false_negative: the decision did not enforce, the truth is a violation;
 * - wrong_policy: both enforce (or both see a violation) but under different policies;
 * - wrong_action: same policy, different action.
 */
export function deriveOutcome(
  index: TaxonomyIndex,
  decision: Judgement,
  verdict: Judgement,
  rule: MatchRule = 'both',
): Outcome {
  const policyMatches = decision.policy === verdict.policy
  const actionMatches = decision.action === verdict.action
  const decisionEnforced = index.enforcing.has(decision.action)
  const truthEnforces = verdict.policy !== 'none' && index.enforcing.has(verdict.action)
  const isCorrect =
    rule === 'policy'
      ? policyMatches
      : rule === 'action'
        ? actionMatches
        : policyMatches && actionMatches
  if (isCorrect) return 'correct'
  if (decisionEnforced && verdict.policy === 'none') return 'false_positive'
  if (!decisionEnforced && verdict.policy !== 'none' && truthEnforces) return 'false_negative'
  return policyMatches ? 'wrong_action' : 'wrong_policy'
}
