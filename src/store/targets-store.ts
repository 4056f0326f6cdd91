/** Queries for the targets aggregate: one row per target, upserted by id. */
import type { Kysely } from 'kysely'
import { NotFoundError } from '../domain/errors.js'
import type { Target, TargetDirection } from '../domain/metrics/target.js'
import type { Schema } from './schema/index.js'
import { clipInput } from '../domain/quote-input.js'

export interface TargetRecord {
  targetId: string
  metric: string
  scope: Record<string, string>
  period: string
  threshold: number
  direction: TargetDirection
  name: string | null
  createdBy: string | null
}

function toTarget(row: {
  targetId: string
  metric: string
  scope: unknown
  period: string
  threshold: number
  direction: TargetDirection
  name: string | null
  createdBy: string | null
  updatedAt: Date
}): Target {
  const scope = (typeof row.scope === 'string' ? JSON.parse(row.scope) : row.scope) as Record<
    string,
    string
  >
  return { ...row, scope, updatedAt: new Date(row.updatedAt) }
}

const COLUMNS = [
  'targetId',
  'metric',
  'scope',
  'period',
  'threshold',
  'direction',
  'name',
  'createdBy',
  'updatedAt',
] as const

/** Creates the target or replaces the one with the same id. */
export async function upsertTarget(
  db: Kysely<Schema>,
  target: TargetRecord,
  now: Date,
): Promise<Target> {
  const values = { ...target, scope: JSON.stringify(target.scope), updatedAt: now }
  const row = await db
    .insertInto('targets')
    .values(values)
    .onConflict((oc) =>
      oc.column('targetId').doUpdateSet({
        metric: values.metric,
        scope: values.scope,
        period: values.period,
        threshold: values.threshold,
        direction: values.direction,
        name: values.name,
        updatedAt: now,
      }),
    )
    .returning(COLUMNS)
    .executeTakeFirstOrThrow()
  return toTarget(row)
}

export async function listTargets(db: Kysely<Schema>): Promise<Target[]> {
  const rows = await db.selectFrom('targets').select(COLUMNS).orderBy('targetId').execute()
  return rows.map(toTarget)
}

export async function findTarget(
  db: Kysely<Schema>,
  targetId: string,
): Promise<Target | undefined> {
  const row = await db
    .selectFrom('targets')
    .select(COLUMNS)
    .where('targetId', '=', targetId)
    .executeTakeFirst()
  return row && toTarget(row)
}

export async function getTarget(db: Kysely<Schema>, targetId: string): Promise<Target> {
  const found = await findTarget(db, targetId)
  if (found === undefined) throw new NotFoundError(`no target ${clipInput(targetId)}`)
  return found
}

export async function deleteTarget(db: Kysely<Schema>, targetId: string): Promise<void> {
  const result = await db.deleteFrom('targets').where('targetId', '=', targetId).executeTakeFirst()
  if (Number(result.numDeletedRows) === 0)
    throw new NotFoundError(`no target ${clipInput(targetId)}`)
}
