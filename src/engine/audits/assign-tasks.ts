/**
 * Assigns open audit tasks to auditors, balanced by load: each task goes to the eligible auditor
 * with the fewest open tasks (ties broken by a hash of task and auditor, so no auditor is always
 * first). Eligible: holds the auditor role, did not make the decision, is not the first auditor of
 * a second-QA task, speaks the decision's language when the auditor lists languages, is not of
 * the decision's site when the plan excludes the same site, and may see the decision's region and
 * site (the user's region / site scope). A task with no eligible auditor stays
 * in the queue, where `leaseNextTask` can still hand it to a newly eligible auditor.
 */
import { isWithinScope } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { createHashUniform } from '../../domain/sampling/hash.js'
import type { Database } from '../../store/db.js'
import {
  assignTask,
  findAuditorProfile,
  listAuditorsWithLoad,
  listUnassignedTasks,
  upsertAuditorProfile,
  type AuditorProfile,
  type OpenTask,
} from '../../store/audit-workflow-store.js'
import { getUser } from '../../store/user-store.js'
import { clipInputs } from '../../domain/quote-input.js'
import { recordEvent } from '../trail/record-event.js'

/** Primary language subtags, lower-case: `pt-BR` → `pt`. */
export function primaryLanguages(languages: readonly string[] | null): string[] | null {
  if (languages === null || languages.length === 0) return null
  return [
    ...new Set(languages.map((l) => l.trim().split('-')[0]!.toLowerCase()).filter((l) => l !== '')),
  ]
}

export function isEligible(
  task: OpenTask,
  auditor: AuditorProfile & { regions?: string[] | null; scopeSites?: string[] | null },
): boolean {
  if (task.actorId === auditor.userId || task.excludedAuditorId === auditor.userId) return false
  const scope = { regions: auditor.regions ?? null, sites: auditor.scopeSites ?? null }
  if (!isWithinScope(scope, task)) return false
  const languages = primaryLanguages(auditor.languages)
  if (
    languages !== null &&
    task.language !== null &&
    !languages.includes(task.language.split('-')[0]!.toLowerCase())
  )
    return false
  if (task.excludeSameSite && auditor.site !== null && task.site === auditor.site) return false
  return true
}

export async function assignOpenTasks(
  database: Database,
  _options: { now?: Date } = {},
): Promise<number> {
  const auditors = await listAuditorsWithLoad(database.db)
  if (auditors.length === 0) return 0
  const tasks = await listUnassignedTasks(database.db)
  const tieBreak = createHashUniform('assign')
  let assigned = 0
  for (const task of tasks) {
    let best: (typeof auditors)[number] | undefined
    let bestKey = Number.POSITIVE_INFINITY
    for (const auditor of auditors) {
      if (!isEligible(task, auditor)) continue
      const key = auditor.load + tieBreak(`${task.taskId}:${auditor.userId}`)
      if (key < bestKey) {
        best = auditor
        bestKey = key
      }
    }
    if (best === undefined) continue
    await assignTask(database.db, task.taskId, best.userId)
    best.load += 1
    assigned += 1
  }
  return assigned
}

const LANGUAGE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/

/** Sets an auditor's languages and site (what assignment matches on). */
export async function setAuditorProfile(
  database: Database,
  input: { userId: string; languages?: string[] | null; site?: string | null },
  now = new Date(),
  actor = 'system',
): Promise<AuditorProfile> {
  await getUser(database.db, input.userId)
  const languages =
    input.languages === undefined || input.languages === null
      ? null
      : input.languages.map((l) => l.trim())
  const bad = (languages ?? []).filter((l) => !LANGUAGE.test(l))
  if (bad.length > 0) {
    throw new ValidationError('invalid auditor profile', [
      { path: 'languages', message: `not BCP-47 language tags: ${clipInputs(bad)}` },
    ])
  }
  const profile = {
    userId: input.userId,
    languages: languages && languages.length > 0 ? languages : null,
    site: input.site ?? null,
  }
  await database.transaction(async (trx) => {
    const before = await findAuditorProfile(trx, profile.userId)
    await upsertAuditorProfile(trx, profile, now)
    await recordEvent(trx, {
      actor,
      action: 'auditor_profile.set',
      subjectType: 'user',
      subjectId: profile.userId,
      before: before ?? null,
      after: profile,
      at: now,
    })
  })
  return profile
}
