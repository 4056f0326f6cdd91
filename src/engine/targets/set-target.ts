/** Creates or replaces a target after checking its metric, scope and period; both go to the trail. */
import { ValidationError } from '../../domain/errors.js'
import { isRollupDimension } from '../../domain/metrics/dimensions.js'
import { usesRollups } from '../../domain/metrics/metric-definition.js'
import { parsePeriod } from '../../domain/metrics/period.js'
import { defaultTargetId, parseTargetInput, type Target } from '../../domain/metrics/target.js'
import type { Database } from '../../store/db.js'
import {
  deleteTarget,
  findTarget,
  getTarget,
  listTargets,
  upsertTarget,
} from '../../store/targets-store.js'
import { getMetric, loadMetricSetup } from '../metrics/metric-setup.js'
import { recordEvent } from '../trail/record-event.js'

export async function setTarget(
  database: Database,
  input: unknown,
  createdBy: string | null,
  now: Date,
): Promise<Target> {
  const parsed = parseTargetInput(input)
  const setup = await loadMetricSetup(database)
  const metric = getMetric(setup, parsed.metric)
  // Resolving once checks the period expression now rather than at every report.
  parsePeriod(parsed.period, setup.range, now.toISOString().slice(0, 10))
  if (usesRollups(metric)) {
    const bad = Object.keys(parsed.scope).filter((d) => !isRollupDimension(d))
    if (bad.length > 0) {
      throw new ValidationError(
        `${metric.code} comes from the volume roll-ups, which have no ${bad.join(', ')}`,
        [{ path: 'scope', message: 'use region, queue, site, actor_type, policy or action' }],
      )
    }
  }
  if (
    (metric.kind === 'proportion' || metric.kind === 'weighted_score') &&
    (parsed.threshold < 0 || parsed.threshold > 1)
  ) {
    throw new ValidationError('the threshold of a rate or score is a fraction', [
      { path: 'threshold', message: 'between 0 and 1 (e.g. 0.95 for 95 %)' },
    ])
  }
  const targetId = parsed.targetId ?? defaultTargetId(parsed.metric, parsed.scope)
  return database.transaction(async (trx) => {
    const before = await findTarget(trx, targetId)
    const after = await upsertTarget(
      trx,
      {
        targetId,
        metric: metric.code,
        scope: parsed.scope,
        period: parsed.period,
        threshold: parsed.threshold,
        direction: parsed.direction ?? (metric.higher_is_better ? 'at_least' : 'at_most'),
        name: parsed.name ?? null,
        createdBy,
      },
      now,
    )
    await recordEvent(trx, {
      actor: createdBy ?? 'system',
      action: 'target.set',
      subjectType: 'target',
      subjectId: targetId,
      before: before ?? null,
      after,
      at: now,
    })
    return after
  })
}

/** Deletes a target (not found when there is none), recording it in the trail. */
export async function removeTarget(
  database: Database,
  targetId: string,
  actor = 'system',
): Promise<void> {
  await database.transaction(async (trx) => {
    const before = await getTarget(trx, targetId)
    await deleteTarget(trx, targetId)
    await recordEvent(trx, {
      actor,
      action: 'target.delete',
      subjectType: 'target',
      subjectId: targetId,
      before,
    })
  })
}

export { listTargets }
