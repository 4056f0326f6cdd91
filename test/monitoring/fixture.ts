/** Small hand-made stores for monitoring tests: audited decisions inserted straight into the tables. */
import { initStore } from '../../src/engine/setup/init-store.js'
import type { Database } from '../../src/store/db.js'

export interface FixtureAudit {
  day: string
  region: string
  queue: string
  actorType?: 'human' | 'machine'
  site?: string | null
  wrong: boolean
  /** Inclusion probability (weight 1/π); default 1. */
  probability?: number
}

let counter = 0

/** Inserts one audited decision per row (decided at noon UTC of its day); returns their ids. */
export async function insertAudits(
  database: Database,
  rows: readonly FixtureAudit[],
): Promise<string[]> {
  const { taxonomy } = await initStore(database)
  const ids: string[] = []
  const decisions = rows.map((r) => {
    counter += 1
    const id = `fx-${counter}-${Math.random().toString(36).slice(2, 8)}`
    ids.push(id)
    return {
      decisionId: id,
      contentId: `c-${id}`,
      contentType: 'video',
      decidedAt: new Date(`${r.day}T12:00:00Z`),
      region: r.region,
      language: 'en',
      queue: r.queue,
      site: r.site ?? null,
      actorType: r.actorType ?? ('human' as const),
      actorId: 'mod-1',
      policy: 'spam',
      action: 'remove',
      score: null,
      handleTimeMs: null,
      policyVersion: null,
      attributes: '{}',
    }
  })
  for (let i = 0; i < decisions.length; i += 2000)
    await database.db
      .insertInto('decisions')
      .values(decisions.slice(i, i + 2000))
      .execute()
  const audits = rows.map((r, i) => ({
    auditId: `a-${ids[i]}`,
    decisionId: ids[i] as string,
    auditorId: 'auditor-1',
    auditedAt: new Date(`${r.day}T18:00:00Z`),
    policy: r.wrong ? 'none' : 'spam',
    action: r.wrong ? 'no_action' : 'remove',
    severity: r.wrong ? ('major' as const) : null,
    rootCause: null,
    kind: 'qa' as const,
    inclusionProbability: r.probability ?? 1,
    comment: null,
    attributes: '{}',
    outcome: r.wrong ? 'false_positive' : 'correct',
    taxonomyVersion: taxonomy.version,
    source: 'import',
  }))
  for (let i = 0; i < audits.length; i += 2000)
    await database.db
      .insertInto('audits')
      .values(audits.slice(i, i + 2000))
      .execute()
  return ids
}

/** `count` audits on `day` in a slice, `wrong` of them errors. */
export function dayOf(
  day: string,
  region: string,
  queue: string,
  count: number,
  wrong: number,
  extra: Partial<FixtureAudit> = {},
): FixtureAudit[] {
  return Array.from({ length: count }, (_, i) => ({
    day,
    region,
    queue,
    wrong: i < wrong,
    ...extra,
  }))
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}
