/**
 * Corrective actions: open one (from an alert or a Pareto row), list (overdue ones for the
 * Overview), update, and measure — the status moves to effective, not effective or too early to
 * tell as audits after the intervention arrive (measured on read, and by every monitor run).
 */
import { randomBytes } from 'node:crypto'
import { isWithinScope, type Principal } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { isDimension } from '../../domain/metrics/dimensions.js'
import { toDay } from '../../domain/metrics/period.js'
import {
  actionInputSchema,
  actionPatchSchema,
  parseWith,
} from '../../domain/monitoring/corrective-action.js'
import type { Database } from '../../store/db.js'
import {
  findAction,
  insertAction,
  listActions,
  updateAction,
  type ActionFilter,
  type ActionRecord,
} from '../../store/action-store.js'
import { findAlert } from '../../store/alert-store.js'
import type { CorrectiveActionStatus } from '../../store/schema/index.js'
import { findCurrentTaxonomy } from '../../store/taxonomy-store.js'
import { getMetric, loadMetricSetup, type MetricSetup } from '../metrics/metric-setup.js'
import { recordEvent } from '../trail/record-event.js'
import { measureActionEffect, type ActionEffect } from './measure-effect.js'
import { clipInput } from '../../domain/quote-input.js'

export interface ActionView extends ActionRecord {
  overdue: boolean
}

function newActionId(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  return `ca-${[...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('')}`
}

function view(action: ActionRecord, today: string): ActionView {
  const finished =
    action.closedAt !== null || action.status === 'effective' || action.status === 'not_effective'
  return { ...action, overdue: !finished && action.dueDate < today }
}

async function checkRootCause(
  database: Database,
  rootCause: string | null | undefined,
): Promise<void> {
  if (rootCause == null) return
  const taxonomy = await findCurrentTaxonomy(database.db)
  if (taxonomy === undefined) return
  const codes = taxonomy.taxonomy.root_causes.map((r) => r.code)
  if (!codes.includes(rootCause)) {
    throw new ValidationError(`unknown root cause ${clipInput(rootCause)}`, [
      { path: 'rootCause', message: `use a taxonomy root cause: ${codes.join(', ')}` },
    ])
  }
}

/** Opens a corrective action; scope and metric default to the alert's when opened from one. */
export async function openAction(
  database: Database,
  input: unknown,
  createdBy: string,
  now: Date,
): Promise<ActionView> {
  const parsed = parseWith(actionInputSchema, input, 'corrective action')
  let metric = parsed.metric
  let scope = parsed.scope
  let rootCause = parsed.rootCause
  let title = parsed.title
  let source: unknown = null
  if (parsed.fromAlert !== undefined) {
    const alert = await findAlert(database.db, parsed.fromAlert)
    if (alert === undefined)
      throw new ValidationError(`no alert ${clipInput(parsed.fromAlert)}`, [
        { path: 'fromAlert', message: 'an alert id' },
      ])
    const evidence = alert.evidence as { target?: { scope?: Record<string, string> } }
    const alertScope =
      alert.rule === 'target_missed'
        ? (evidence.target?.scope ?? {})
        : Object.fromEntries(
            Object.entries(alert.slice).filter(
              (e): e is [string, string] => e[1] !== null && isDimension(e[0]),
            ),
          )
    metric ??= alert.metric ?? undefined
    scope ??= alertScope
    title ??= `Fix: ${alert.title}`
    source = { kind: 'alert', alertId: alert.alertId }
  } else if (parsed.fromPareto !== undefined) {
    const row = parsed.fromPareto
    rootCause ??= row.rootCause
    if (row.dimension !== undefined && row.value !== undefined) {
      if (!isDimension(row.dimension))
        throw new ValidationError(`unknown dimension ${clipInput(row.dimension)}`, [
          { path: 'fromPareto.dimension', message: 'a slicing dimension' },
        ])
      scope = { ...(scope ?? {}), [row.dimension]: row.value }
    }
    source = { kind: 'pareto', ...row }
  }
  if (metric === undefined)
    throw new ValidationError('a corrective action needs a metric', [
      { path: 'metric', message: 'e.g. error_rate (or open it from an alert)' },
    ])
  const setup = await loadMetricSetup(database)
  const definition = getMetric(setup, metric)
  if (definition.kind !== 'proportion' && definition.kind !== 'weighted_score') {
    throw new ValidationError(`${clipInput(metric)} cannot be measured before and after`, [
      { path: 'metric', message: 'use a rate or a score' },
    ])
  }
  await checkRootCause(database, rootCause)
  const actionId = parsed.actionId ?? newActionId()
  const record = {
    actionId,
    title: title ?? `Improve ${definition.name}`,
    metric,
    scope: scope ?? {},
    owner: parsed.owner,
    dueDate: parsed.dueDate,
    hypothesis: parsed.hypothesis,
    rootCause: rootCause ?? null,
    interventionDate: parsed.interventionDate ?? null,
    expectedEffect: parsed.expectedEffect ?? null,
    alertId: parsed.fromAlert ?? null,
    source,
    createdBy,
    createdAt: now,
  }
  await database.transaction(async (trx) => {
    if ((await findAction(trx, actionId)) !== undefined)
      throw new ValidationError(`action ${clipInput(actionId)} exists`, [
        { path: 'actionId', message: 'choose another id' },
      ])
    await insertAction(trx, record)
    await recordEvent(trx, {
      actor: createdBy,
      action: 'action.open',
      subjectType: 'corrective_action',
      subjectId: actionId,
      after: record,
      at: now,
    })
  })
  return getAction(database, actionId, { now })
}

/** Measures the action's effect as of `asOf`, stores it and its status (recording a status change). */
export async function measureAction(
  database: Database,
  action: ActionRecord,
  options: { asOf: string; now: Date; actor?: string; setup?: MetricSetup },
): Promise<ActionRecord> {
  if (action.interventionDate === null || action.closedAt !== null) return action
  const setup = options.setup ?? (await loadMetricSetup(database))
  const effect: ActionEffect = await measureActionEffect(
    database,
    setup,
    {
      metric: getMetric(setup, action.metric),
      scope: action.scope,
      interventionDate: action.interventionDate,
      expectedEffect: action.expectedEffect,
    },
    { asOf: options.asOf },
  )
  const status: CorrectiveActionStatus = effect.status
  await database.transaction(async (trx) => {
    await updateAction(trx, action.actionId, { status, effect }, options.now)
    if (status !== action.status) {
      await recordEvent(trx, {
        actor: options.actor ?? 'system',
        action: 'action.status',
        subjectType: 'corrective_action',
        subjectId: action.actionId,
        before: { status: action.status },
        after: {
          status,
          difference: effect.difference,
          lower: effect.lower,
          upper: effect.upper,
          pValue: effect.pValue,
        },
        at: options.now,
      })
    }
  })
  return { ...action, status, effect }
}

/**
 * An action, measured as of today (or `asOf`); not found when its scope is outside the reader's
 * regions / sites.
 */
export async function getAction(
  database: Database,
  actionId: string,
  options: { now: Date; asOf?: string; reader?: Pick<Principal, 'regions' | 'sites'> },
): Promise<ActionView> {
  const action = await findAction(database.db, actionId)
  if (
    action === undefined ||
    (options.reader !== undefined && !isWithinScope(options.reader, action.scope))
  )
    throw new NotFoundError(`no corrective action ${clipInput(actionId)}`)
  const measured = await measureAction(database, action, {
    asOf: options.asOf ?? toDay(options.now),
    now: options.now,
  })
  return view(measured, toDay(options.now))
}

/** Actions by the filter; with `reader`, only those scoped within its regions / sites. */
export async function findActions(
  database: Database,
  filter: Partial<ActionFilter> & {
    overdue?: boolean
    reader?: Pick<Principal, 'regions' | 'sites'>
  },
  now: Date,
): Promise<ActionView[]> {
  const today = toDay(now)
  const rows = await listActions(database.db, {
    statuses: filter.statuses,
    alertId: filter.alertId,
    regions: filter.reader?.regions ?? null,
    sites: filter.reader?.sites ?? null,
    overdueOn: filter.overdue ? today : undefined,
    limit: Math.min(500, Math.max(1, filter.limit ?? 100)),
  })
  return rows.map((r) => view(r, today))
}

/** Changes an action's fields; not found when its scope is outside `options.reader`'s. */
export async function updateActionFields(
  database: Database,
  actionId: string,
  input: unknown,
  by: string,
  now: Date,
  options: { reader?: Pick<Principal, 'regions' | 'sites'> } = {},
): Promise<ActionView> {
  const patch = parseWith(actionPatchSchema, input, 'corrective action update')
  const action = await findAction(database.db, actionId)
  if (
    action === undefined ||
    (options.reader !== undefined && !isWithinScope(options.reader, action.scope))
  )
    throw new NotFoundError(`no corrective action ${clipInput(actionId)}`)
  await checkRootCause(database, patch.rootCause)
  const { closed, ...fields } = patch
  const update = {
    ...fields,
    ...(closed === undefined
      ? {}
      : {
          closedAt: closed ? now : null,
          ...(closed ? { status: 'closed' as const } : { status: 'open' as const }),
        }),
  }
  await database.transaction(async (trx) => {
    await updateAction(trx, actionId, update, now)
    await recordEvent(trx, {
      actor: by,
      action: 'action.update',
      subjectType: 'corrective_action',
      subjectId: actionId,
      before: action,
      after: update,
      at: now,
    })
  })
  return getAction(database, actionId, { now })
}

/** Re-measures every open action with an intervention date (monitor runs call this). */
export async function measureOpenActions(
  database: Database,
  options: { asOf: string; now: Date; actor?: string },
): Promise<number> {
  const actions = await listActions(database.db, {
    statuses: ['open', 'too_early', 'effective', 'not_effective'],
    limit: 10_000,
  })
  const setup = await loadMetricSetup(database)
  let measured = 0
  for (const action of actions) {
    if (action.interventionDate === null || action.interventionDate > options.asOf) continue
    await measureAction(database, action, { ...options, setup })
    measured += 1
  }
  return measured
}
