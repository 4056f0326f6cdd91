/**
 * The streaming draw: as decisions arrive, a decision is sampled when u(salt, decision_id) is
 * below its stratum's rate. Stateless and deterministic — any number of workers, any order, any
 * re-run agree on the sample — so the ingest pipeline can call `drawStreaming` on every batch.
 *
 * Rates: fixed_rate plans use their rate (or the per-stratum override). Every other allocation
 * needs volumes, which a stream does not know in advance: the plan is allocated over a reference
 * period's volumes (normally the previous period) and rate_h = min(1, n_h / N_h); a stratum
 * unseen in the reference gets the overall rate Σ n_h / Σ N_h. The inclusion probability of a
 * streamed decision is its stratum's rate (the minimum per moderator is a top-up at period close,
 * see draw-sample.ts).
 */
import { allocateSample, type StratumVolume } from '../../domain/sampling/allocation.js'
import { createHashUniform } from '../../domain/sampling/hash.js'
import { ValidationError } from '../../domain/errors.js'
import {
  createExclusion,
  createStratumKey,
  type PolicyTiers,
  type SamplingDecision,
} from '../../domain/sampling/stratum.js'
import type { SamplingPlan } from '../../domain/sampling/plan.js'

export interface StreamingPlan {
  planId: string
  planVersion: number
  /** The plan's period kind: a streamed sample is filed under the day or ISO week of its decision. */
  period: SamplingPlan['period']
  rates: ReadonlyMap<string, number>
  defaultRate: number
  /** The largest rate of any stratum: a decision with u ≥ it is not sampled whatever its stratum. */
  maxRate: number
  stratumOf: (decision: SamplingDecision) => string
  isExcluded: (decision: SamplingDecision) => boolean
  u: (decisionId: string) => number
}

export interface StreamSample {
  decisionId: string
  planId: string
  planVersion: number
  stratum: string
  inclusionProbability: number
}

/** Per-stratum rates of a plan for streaming, from the reference volumes when the allocation needs them. */
export function streamingRates(
  plan: SamplingPlan,
  reference: readonly StratumVolume[],
): { rates: Map<string, number>; defaultRate: number } {
  const a = plan.allocation
  if (a.method === 'fixed_rate') {
    const perStratum = plan.caps.per_stratum
    const rates = new Map<string, number>(Object.entries(a.rates ?? {}))
    if (perStratum !== undefined) {
      // A per-stratum cap becomes a rate ceiling over the reference volume.
      for (const s of reference) {
        const rate = rates.get(s.stratum) ?? a.rate ?? 0
        if (s.volume > 0) rates.set(s.stratum, Math.min(rate, perStratum / s.volume))
      }
    }
    return { rates, defaultRate: a.rate ?? 0 }
  }
  const total = reference.reduce((sum, s) => sum + s.volume, 0)
  if (total === 0) {
    throw new ValidationError(
      `plan ${plan.name} allocates by ${a.method}, which needs the volumes of a reference period`,
      [
        {
          path: 'period',
          message:
            'the reference period (the one before) has no decisions; draw this period as a batch instead',
        },
      ],
    )
  }
  const allocation = allocateSample(plan, reference)
  const rates = new Map<string, number>()
  let sampled = 0
  for (const s of allocation) {
    if (s.volume > 0) rates.set(s.stratum, Math.min(1, s.size / s.volume))
    sampled += s.size
  }
  return { rates, defaultRate: Math.min(1, sampled / total) }
}

/** Binds a stored plan to its rates, strata and hash; cheap to call once per worker. */
export function compileStreamingPlan(
  stored: { planId: string; version: number; salt: string; plan: SamplingPlan },
  tiers: PolicyTiers,
  reference: readonly StratumVolume[] = [],
): StreamingPlan {
  const { rates, defaultRate } = streamingRates(stored.plan, reference)
  return {
    planId: stored.planId,
    planVersion: stored.version,
    period: stored.plan.period,
    rates,
    defaultRate,
    maxRate: Math.max(defaultRate, ...rates.values()),
    stratumOf: createStratumKey(stored.plan, tiers),
    isExcluded: createExclusion(stored.plan, tiers),
    u: createHashUniform(stored.salt),
  }
}

/** The decisions of `decisions` that the plan samples, with their inclusion probabilities. */
export function drawStreaming(
  plan: StreamingPlan,
  decisions: Iterable<SamplingDecision>,
): StreamSample[] {
  const sampled: StreamSample[] = []
  for (const decision of decisions) {
    // Hash first: most decisions are not sampled, and for them the stratum is never needed.
    const u = plan.u(decision.decision_id)
    if (u >= plan.maxRate || plan.isExcluded(decision)) continue
    const stratum = plan.stratumOf(decision)
    const rate = plan.rates.get(stratum) ?? plan.defaultRate
    if (u < rate) {
      sampled.push({
        decisionId: decision.decision_id,
        planId: plan.planId,
        planVersion: plan.planVersion,
        stratum,
        inclusionProbability: rate,
      })
    }
  }
  return sampled
}
