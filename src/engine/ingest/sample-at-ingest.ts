/**
 * Sampling at ingest: the streaming draw (`drawStreaming`) applied to the decisions a batch
 * actually inserts, written in the batch's transaction. A crash loses the batch and its samples
 * together; a re-run finds the decisions stored (duplicates) and samples nothing again.
 *
 * Cost: while a row is validated, one hash per plan (≈0.15 µs each); only a decision whose u is
 * below some plan's largest rate is kept as a candidate, so memory and the stratum work grow with
 * the sample, not with the batch.
 */
import { formatIsoWeek } from '../../domain/sampling/period.js'
import type { SamplingDecision } from '../../domain/sampling/stratum.js'
import type { RawConnection } from '../../store/db.js'
import { insertSamplesWithTasks } from '../../store/ingest-store.js'
import type { SampleRow } from '../../store/sampling-store.js'
import { drawStreaming, type StreamingPlan } from '../sampling/draw-streaming.js'

/** A decision some plan may sample, with its UTC day (for the sample's period). */
export interface SampleCandidate {
  decision: SamplingDecision
  day: string
}

export interface IngestSampling {
  /** Samples written (new ones; a sample already stored is not counted). */
  samples: number
  /** `qa` audit tasks created for them. */
  tasksCreated: number
}

/** Hash first: false for most decisions, which then cost nothing more. */
export function mayBeSampled(plans: readonly StreamingPlan[], decisionId: string): boolean {
  for (const plan of plans) if (plan.u(decisionId) < plan.maxRate) return true
  return false
}

/** The period a plan files a decision of `day` (YYYY-MM-DD, UTC) under: that day or its ISO week. */
function createPeriodOf(plan: StreamingPlan): (day: string) => string {
  if (plan.period === 'day') return (day) => day
  const weeks = new Map<string, string>()
  return (day) => {
    let week = weeks.get(day)
    if (week === undefined) {
      week = formatIsoWeek(new Date(`${day}T00:00:00Z`))
      weeks.set(day, week)
    }
    return week
  }
}

/** What every plan samples among `candidates` (decisions just inserted), as sample rows. */
export function sampleRowsOf(
  plans: readonly StreamingPlan[],
  candidates: readonly SampleCandidate[],
): SampleRow[] {
  if (candidates.length === 0) return []
  const dayOf = new Map(candidates.map((c) => [c.decision.decision_id, c.day]))
  const decisions = candidates.map((c) => c.decision)
  const rows: SampleRow[] = []
  for (const plan of plans) {
    const periodOf = createPeriodOf(plan)
    for (const s of drawStreaming(plan, decisions)) {
      rows.push({
        planId: s.planId,
        planVersion: s.planVersion,
        decisionId: s.decisionId,
        period: periodOf(dayOf.get(s.decisionId) as string),
        stratum: s.stratum,
        inclusionProbability: s.inclusionProbability,
        method: 'stream',
        phase: 1,
      })
    }
  }
  return rows
}

/** Draws and writes the samples of a batch's inserted candidates, inside the caller's transaction. */
export async function writeIngestSamples(
  connection: RawConnection,
  plans: readonly StreamingPlan[],
  candidates: readonly SampleCandidate[],
): Promise<IngestSampling> {
  const rows = sampleRowsOf(plans, candidates)
  if (rows.length === 0) return { samples: 0, tasksCreated: 0 }
  const { samples, tasks } = await insertSamplesWithTasks(connection, rows)
  return { samples, tasksCreated: tasks }
}
