/** Sampling plans: save a YAML or JSON document as a new version, list, and size a sample. */
import { parsePlan, validatePlan } from '../../domain/sampling/plan.js'
import { ValidationError } from '../../domain/errors.js'
import { marginOfError, sampleSizeForMargin, StatsInputError } from '../../stats/index.js'
import type { Database } from '../../store/db.js'
import {
  findPlan,
  getPlan,
  listPlans,
  savePlanVersion,
  type StoredPlan,
} from '../../store/sampling-store.js'
import { newSalt } from './draw-sample.js'
import { recordEvent } from '../trail/record-event.js'

/**
 * Stores a plan as its next version when it changed (else returns the stored one); a new version
 * goes to the trail, without the salt (who knows it can tell which decisions will be audited).
 */
export async function savePlan(
  database: Database,
  input: { yaml: string; source?: string } | { document: unknown; source?: string },
  options: { actor?: string } = {},
): Promise<{ stored: StoredPlan; created: boolean }> {
  const plan =
    'yaml' in input
      ? parsePlan(input.yaml, input.source)
      : validatePlan(input.document, input.source)
  return database.transaction(async (trx) => {
    const saved = await savePlanVersion(trx, plan, newSalt)
    if (saved.created) {
      const { salt: _salt, ...document } = saved.stored.plan
      await recordEvent(trx, {
        actor: options.actor ?? 'system',
        action: 'plan.save',
        subjectType: 'plan',
        subjectId: saved.stored.planId,
        after: { version: saved.stored.version, document },
      })
    }
    return saved
  })
}

export interface PlanSizeInput {
  margin: number
  confidence?: number
  population?: number
  p?: number
}

/** "How many audits do I need" for a margin of error, and the margin that size really gives. */
export function planSampleSize(
  input: PlanSizeInput,
): PlanSizeInput & { sampleSize: number; achievedMargin: number } {
  const confidence = input.confidence ?? 0.95
  const p = input.p ?? 0.5
  try {
    const sampleSize = sampleSizeForMargin({
      margin: input.margin,
      confidence,
      p,
      population: input.population,
    })
    const achievedMargin = marginOfError(Math.min(sampleSize, input.population ?? sampleSize), {
      p,
      confidence,
      population: input.population,
    })
    return {
      margin: input.margin,
      confidence,
      p,
      ...(input.population === undefined ? {} : { population: input.population }),
      sampleSize,
      achievedMargin,
    }
  } catch (error) {
    if (error instanceof StatsInputError)
      throw new ValidationError('cannot size the sample', [{ path: '', message: error.message }], {
        cause: error,
      })
    throw error
  }
}

export async function listSamplingPlans(database: Database): Promise<StoredPlan[]> {
  return listPlans(database.db)
}

export async function findSamplingPlan(
  database: Database,
  planId: string,
  version?: number,
): Promise<StoredPlan | undefined> {
  return findPlan(database.db, planId, version)
}

export async function getSamplingPlan(
  database: Database,
  planId: string,
  version?: number,
): Promise<StoredPlan> {
  return getPlan(database.db, planId, version)
}
