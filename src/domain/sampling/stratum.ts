/**
 * Strata and filters over decisions, in TypeScript (streaming) — `store/sampling-store.ts` builds
 * the same expressions in SQL (batch) so the two draws put every decision in the same stratum.
 * A stratum key is the plan's stratum values joined by `|` (a `|` inside a value becomes `/`; a
 * missing value is empty); a plan without strata has the single stratum `all`.
 */
import type { DecisionRecord } from '../records.js'
import type { SamplingPlan } from './plan.js'

/** A decision as the sampler sees it: the contract record (ingest) or a stored row mapped to it. */
export type SamplingDecision = Pick<DecisionRecord, 'decision_id'> &
  Partial<Omit<DecisionRecord, 'decision_id'>>

export const ALL_STRATUM = 'all'

/** Policy code → severity tier, from the taxonomy. Unknown codes (and `none`) are tier 0. */
export type PolicyTiers = ReadonlyMap<string, number>

export function fieldValue(decision: SamplingDecision, field: string, tiers: PolicyTiers): string {
  if (field === 'policy_tier') return String(tiers.get(decision.policy ?? '') ?? 0)
  if (field.startsWith('attributes.'))
    return decision.attributes?.[field.slice('attributes.'.length)] ?? ''
  const value = (decision as Record<string, unknown>)[field]
  return value === undefined || value === null ? '' : String(value)
}

function escapeBar(value: string): string {
  return value.indexOf('|') < 0 ? value : value.replaceAll('|', '/')
}

/** A compiled accessor for one stratum field (no per-decision parsing of the field name). */
function createAccessor(field: string, tiers: PolicyTiers): (decision: SamplingDecision) => string {
  if (field === 'policy_tier') return (d) => String(tiers.get(d.policy ?? '') ?? 0)
  if (field.startsWith('attributes.')) {
    const key = field.slice('attributes.'.length)
    return (d) => escapeBar(d.attributes?.[key] ?? '')
  }
  return (d) => {
    const value = (d as Record<string, unknown>)[field]
    return value === undefined || value === null ? '' : escapeBar(String(value))
  }
}

/** Builds the stratum-key function of a plan. */
export function createStratumKey(
  plan: SamplingPlan,
  tiers: PolicyTiers,
): (decision: SamplingDecision) => string {
  const accessors = plan.strata.map((field) => createAccessor(field, tiers))
  if (accessors.length === 0) return () => ALL_STRATUM
  if (accessors.length === 1) return accessors[0]!
  return (d) => {
    let key = accessors[0]!(d)
    for (let i = 1; i < accessors.length; i++) key += `|${accessors[i]!(d)}`
    return key
  }
}

/** The plan's exclusions as a predicate (streaming); `already_audited` needs the store and is batch-only. */
export function createExclusion(
  plan: SamplingPlan,
  tiers: PolicyTiers,
): (decision: SamplingDecision) => boolean {
  const actorTypes = new Set<string>(plan.exclusions.actor_types)
  const where = Object.entries(plan.exclusions.where).map(
    ([field, values]) => [field, new Set(values)] as const,
  )
  if (actorTypes.size === 0 && where.length === 0) return () => false
  return (d) =>
    (d.actor_type !== undefined && actorTypes.has(d.actor_type)) ||
    where.some(([field, values]) => values.has(fieldValue(d, field, tiers)))
}
