/**
 * The plans an ingest samples with (`assay ingest decisions --sample-with PLAN`,
 * `POST /v1/decisions?sampleWith=PLAN`), compiled once per ingest call: the latest version of each
 * plan, bound to the taxonomy's policy tiers and to reference volumes taken as `drawSample` takes
 * them for a streamed period — the period before the current one (the one holding `now`).
 *
 * Reference volumes are read only when the rates depend on them: every allocation but fixed_rate,
 * and fixed_rate with `caps.per_stratum` (a rate ceiling per_stratum / N_h). A replayed stream
 * (`drawSample` with method 'stream') caps a fixed_rate plan by the drawn period's own volumes,
 * which an ingest cannot know yet; it uses the previous period's instead.
 *
 * @throws {ValidationError} when a plan id is unknown (before anything is ingested), or when an
 * allocation needs reference volumes and the previous period has no decisions.
 */
import { ValidationError } from '../../domain/errors.js'
import { lastCompletePeriod, previousPeriod } from '../../domain/sampling/period.js'
import type { Database } from '../../store/db.js'
import { findPlan, type StoredPlan } from '../../store/sampling-store.js'
import { countVolumes, createKeyOfValues, policyTiers, withErrors } from './draw-sample.js'
import { compileStreamingPlan, type StreamingPlan } from './draw-streaming.js'
import { quoteInput } from '../../domain/quote-input.js'

export interface CompileIngestPlansOptions {
  /** The ingest's "now" (default the current time): its period's predecessor is the reference. */
  now?: Date
  /** Where the plan ids came from, for the error (default `sampleWith`). */
  path?: string
}

function needsReference(stored: StoredPlan): boolean {
  const plan = stored.plan
  return plan.allocation.method !== 'fixed_rate' || plan.caps.per_stratum !== undefined
}

/** Compiles the named plans (duplicates ignored) for sampling at ingest; [] for no ids. */
export async function compileIngestPlans(
  database: Database,
  planIds: readonly string[],
  options: CompileIngestPlansOptions = {},
): Promise<StreamingPlan[]> {
  const ids = [...new Set(planIds)]
  if (ids.length === 0) return []
  const found = await Promise.all(ids.map((id) => findPlan(database.db, id)))
  const unknown = ids.filter((_, i) => found[i] === undefined)
  if (unknown.length > 0) {
    throw new ValidationError(
      `unknown sampling plan${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      unknown.map((id) => ({
        path: options.path ?? 'sampleWith',
        message: `no sampling plan ${quoteInput(id)} is stored (POST /v1/plans stores one, and so does assay sample PLAN.yaml --dry-run)`,
      })),
    )
  }
  const tiers = await policyTiers(database)
  const now = options.now ?? new Date()
  const compiled: StreamingPlan[] = []
  for (const stored of found as StoredPlan[]) {
    let reference: Awaited<ReturnType<typeof withErrors>> = []
    if (needsReference(stored)) {
      const plan = stored.plan
      const period = lastCompletePeriod(plan.period, now)
      const keyOf = createKeyOfValues(plan, tiers)
      const volumes = await countVolumes(database, plan, tiers, period, false, keyOf)
      reference = await withErrors(database, plan, tiers, volumes.strata, previousPeriod(period))
    }
    compiled.push(compileStreamingPlan(stored, tiers, reference))
  }
  return compiled
}
