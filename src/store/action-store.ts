/** Queries for corrective actions. */
import { sql, type Kysely } from 'kysely'
import type { CorrectiveActionStatus, Schema } from './schema/index.js'

export interface ActionRecord {
  actionId: string
  title: string
  metric: string
  scope: Record<string, string>
  owner: string
  dueDate: string
  hypothesis: string
  rootCause: string | null
  interventionDate: string | null
  expectedEffect: number | null
  alertId: string | null
  source: unknown
  status: CorrectiveActionStatus
  effect: unknown
  createdBy: string | null
  createdAt: Date
  updatedAt: Date
  closedAt: Date | null
}

const parseJson = <T>(value: unknown): T =>
  (typeof value === 'string' ? JSON.parse(value) : value) as T

function toAction(row: Record<string, unknown>): ActionRecord {
  const r = row as unknown as ActionRecord
  return {
    ...r,
    scope: parseJson(r.scope),
    source: r.source == null ? null : parseJson(r.source),
    effect: r.effect == null ? null : parseJson(r.effect),
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
    closedAt: r.closedAt === null ? null : new Date(r.closedAt),
  }
}

export type NewAction = Omit<ActionRecord, 'status' | 'effect' | 'updatedAt' | 'closedAt'>

export async function insertAction(db: Kysely<Schema>, action: NewAction): Promise<void> {
  await db
    .insertInto('correctiveActions')
    .values({
      ...action,
      scope: JSON.stringify(action.scope),
      source: action.source == null ? null : JSON.stringify(action.source),
      updatedAt: action.createdAt,
    })
    .execute()
}

export async function findAction(
  db: Kysely<Schema>,
  actionId: string,
): Promise<ActionRecord | undefined> {
  const row = await db
    .selectFrom('correctiveActions')
    .selectAll()
    .where('actionId', '=', actionId)
    .executeTakeFirst()
  return row && toAction(row)
}

export interface ActionFilter {
  statuses?: readonly CorrectiveActionStatus[]
  /** Only open actions whose due date is before this day (YYYY-MM-DD). */
  overdueOn?: string
  alertId?: string
  /** Only actions whose scope names one of these regions / sites (null or absent: any). */
  regions?: readonly string[] | null
  sites?: readonly string[] | null
  limit: number
}

export async function listActions(
  db: Kysely<Schema>,
  filter: ActionFilter,
): Promise<ActionRecord[]> {
  let query = db.selectFrom('correctiveActions').selectAll()
  if (filter.statuses !== undefined && filter.statuses.length > 0)
    query = query.where('status', 'in', [...filter.statuses])
  if (filter.overdueOn !== undefined) {
    query = query
      .where('closedAt', 'is', null)
      .where('status', 'not in', ['effective', 'not_effective'])
      .where(sql<boolean>`due_date < ${filter.overdueOn}::date`)
  }
  if (filter.alertId !== undefined) query = query.where('alertId', '=', filter.alertId)
  // As isWithinScope: an action scoped to no region is visible only without a region limit.
  if (filter.regions != null)
    query = query.where(sql<boolean>`scope ->> 'region' = any(${[...filter.regions]}::text[])`)
  if (filter.sites != null)
    query = query.where(sql<boolean>`scope ->> 'site' = any(${[...filter.sites]}::text[])`)
  const rows = await query.orderBy('dueDate').orderBy('actionId').limit(filter.limit).execute()
  return rows.map((r) => toAction(r as Record<string, unknown>))
}

export interface ActionUpdate {
  title?: string
  owner?: string
  dueDate?: string
  hypothesis?: string
  rootCause?: string | null
  interventionDate?: string | null
  expectedEffect?: number | null
  status?: CorrectiveActionStatus
  effect?: unknown
  closedAt?: Date | null
}

export async function updateAction(
  db: Kysely<Schema>,
  actionId: string,
  update: ActionUpdate,
  now: Date,
): Promise<void> {
  const { effect, ...rest } = update
  await db
    .updateTable('correctiveActions')
    .set({
      ...rest,
      ...(effect === undefined ? {} : { effect: effect === null ? null : JSON.stringify(effect) }),
      updatedAt: now,
    })
    .where('actionId', '=', actionId)
    .execute()
}
