/**
 * Fills a store with the demo organisation: initialises it, streams the generated decisions and
 * then the audits through the ordinary ingest path, and creates the demo users. Refuses a store
 * that already holds data unless `force` (then the demo is added to it; the same seed adds nothing
 * twice, because ingest is idempotent on the record ids).
 *
 * Cost: generation runs at roughly half a million records a second; ingest dominates.
 */
import { ConflictError, ValidationError, type FieldIssue } from '../../domain/errors.js'
import type { Taxonomy } from '../../domain/taxonomy/taxonomy.js'
import type { Database } from '../../store/db.js'
import { createUser } from '../access/tokens.js'
import { ingestRecords } from '../ingest/ingest-records.js'
import { initStore } from '../setup/init-store.js'
import { getStatus } from '../status/get-status.js'
import {
  generateDemo,
  type GenerateDemoOptions,
  type ResolvedDemoOptions,
} from './generate-demo.js'
import { CLASSIFIERS, CONFUSABLE, DEMO_ACTIONS, DEMO_ROOT_CAUSES, QUEUES } from './demo-shape.js'

type IngestSummary = Awaited<ReturnType<typeof ingestRecords>>

export interface DemoProgress {
  phase: 'decisions' | 'audits'
  done: number
  /** Exact for decisions, expected for audits. */
  total: number
}

export interface RunDemoOptions extends GenerateDemoOptions {
  /** Add the demo to a store that already has decisions or audits. */
  force?: boolean
  /** Called every `progressEvery` records (default 10,000) and at the end of each phase. */
  onProgress?: (progress: DemoProgress) => void
  progressEvery?: number
}

export interface DemoIngestCounts {
  received: number
  inserted: number
  duplicates: number
  rejected: number
}

export interface DemoSummary {
  location: string
  options: ResolvedDemoOptions
  decisions: DemoIngestCounts
  audits: DemoIngestCounts
  moderators: number
  auditors: number
  sites: number
  classifiers: string[]
  /** The first rejected rows, if any (a demo should have none). */
  rejects: { kind: 'decisions' | 'audits'; line: number; issues: unknown }[]
  /** Demo users created now (existing ones are left as they are). */
  usersCreated: string[]
  seconds: number
}

/** The demo users: one per role, auditors matching the first auditor ids, moderators the first moderator ids. */
export function demoUsers(
  moderatorIds: readonly string[],
): { userId: string; displayName: string; roles: string[] }[] {
  return [
    { userId: 'admin', displayName: 'Demo administrator', roles: ['admin'] },
    { userId: 'lead', displayName: 'Demo quality lead', roles: ['quality_lead'] },
    ...[1, 2, 3].map((n) => ({
      userId: `auditor-${n}`,
      displayName: `Demo QA auditor ${n}`,
      roles: ['auditor'],
    })),
    { userId: 'arbitrator-1', displayName: 'Demo arbitrator', roles: ['arbitrator'] },
    ...moderatorIds
      .slice(0, 3)
      .map((id) => ({ userId: id, displayName: `Demo moderator ${id}`, roles: ['moderator'] })),
  ]
}

/** Checks that the store's taxonomy knows every code the demo writes. */
export function checkDemoTaxonomy(taxonomy: Taxonomy): void {
  const policies = new Set(taxonomy.policies.map((p) => p.code))
  const actions = new Set(taxonomy.actions.map((a) => a.code))
  const rootCauses = new Set(taxonomy.root_causes.map((r) => r.code))
  const used = new Set<string>([
    ...QUEUES.flatMap((q) => q.prevalence.map(([policy]) => policy)),
    ...Object.values(CONFUSABLE).flat(),
    ...CLASSIFIERS.flatMap((c) => c.policies),
  ])
  const issues: FieldIssue[] = [
    ...[...used]
      .filter((c) => !policies.has(c))
      .map((c) => ({ path: 'policies', message: `needs ${c}` })),
    ...DEMO_ACTIONS.filter((c) => !actions.has(c)).map((c) => ({
      path: 'actions',
      message: `needs ${c}`,
    })),
    ...DEMO_ROOT_CAUSES.filter((c) => !rootCauses.has(c)).map((c) => ({
      path: 'root_causes',
      message: `needs ${c}`,
    })),
  ]
  if (issues.length > 0) {
    throw new ValidationError(
      'the demo needs the default taxonomy (or one with its codes); this store has another',
      issues,
    )
  }
}

function counts(summary: IngestSummary): DemoIngestCounts {
  return {
    received: summary.received,
    inserted: summary.inserted,
    duplicates: summary.duplicates,
    rejected: summary.rejected,
  }
}

function* asRows<T>(
  records: Iterable<T>,
  phase: DemoProgress['phase'],
  total: number,
  every: number,
  onProgress: RunDemoOptions['onProgress'],
): Generator<{ source: string; line: number; raw: unknown }> {
  let line = 0
  for (const raw of records) {
    line += 1
    yield { source: `demo ${phase}`, line, raw }
    if (onProgress !== undefined && line % every === 0)
      onProgress({ phase, done: line, total: Math.max(total, line) })
  }
  onProgress?.({ phase, done: line, total: line })
}

export async function runDemo(
  database: Database,
  options: RunDemoOptions = {},
): Promise<DemoSummary> {
  const started = performance.now()
  const { taxonomy } = await initStore(database)
  checkDemoTaxonomy(taxonomy.taxonomy)
  const status = await getStatus(database)
  if (!options.force && (status.decisions > 0 || status.audits > 0)) {
    throw new ConflictError(
      `${database.location} already holds ${status.decisions.toLocaleString('en-US')} decisions and ` +
        `${status.audits.toLocaleString('en-US')} audits; run the demo on an empty store (another --data-dir), ` +
        'or pass --force to add the demo to this data',
    )
  }
  const demo = generateDemo({ ...options, taxonomy: taxonomy.taxonomy })
  const every = options.progressEvery ?? 10_000
  const expectedAudits = Math.round(demo.strata.reduce((sum, s) => sum + s.expected * s.rate, 0))

  const decisionSummary = await ingestRecords(
    database,
    'decisions',
    asRows(demo.decisions(), 'decisions', demo.options.decisions, every, options.onProgress),
  )
  const auditSummary = await ingestRecords(
    database,
    'audits',
    asRows(demo.audits(), 'audits', expectedAudits, every, options.onProgress),
  )

  const usersCreated: string[] = []
  for (const user of demoUsers(demo.organisation.moderators.map((m) => m.id))) {
    try {
      await createUser(database, user, 'demo')
      usersCreated.push(user.userId)
    } catch (error) {
      // A re-run (--force) finds its users already there; that is fine.
      if (!(error instanceof ConflictError)) throw error
    }
  }

  const rejects = [
    ...decisionSummary.rejects
      .slice(0, 5)
      .map((r) => ({ kind: 'decisions' as const, line: r.line, issues: r.issues })),
    ...auditSummary.rejects
      .slice(0, 5)
      .map((r) => ({ kind: 'audits' as const, line: r.line, issues: r.issues })),
  ]
  return {
    location: database.location,
    options: demo.options,
    decisions: counts(decisionSummary),
    audits: counts(auditSummary),
    moderators: demo.organisation.moderators.length,
    auditors: demo.organisation.auditors.length,
    sites: new Set(demo.organisation.moderators.map((m) => m.site)).size,
    classifiers: CLASSIFIERS.map((c) => c.id),
    rejects,
    usersCreated,
    seconds: (performance.now() - started) / 1000,
  }
}
