/**
 * A seeded metrics fixture inserted straight into the tables (no ingest path): decisions over
 * Oct–Nov 2026 with their volume roll-ups, QA audits drawn with unequal inclusion probabilities,
 * second-QA audits, disputes with arbitration (upheld and overturned), and appeal reviews.
 * `readRawRows` returns the raw rows the independent computations in the tests loop over.
 */
import { sql } from 'kysely'
import { deriveOutcome, indexTaxonomy } from '../../src/domain/taxonomy/outcome.js'
import { loadDefaultTaxonomy } from '../../src/domain/taxonomy/taxonomy.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { quantileSketchBucket } from '../../src/stats/index.js'
import type { Database } from '../../src/store/db.js'

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const REGIONS = ['emea', 'apac', 'amer']
const QUEUES = ['video', 'comment', 'live']
const SITES = ['dublin', 'manila', null]
const POLICIES = ['none', 'hate_speech', 'spam', 'harassment', 'adult_nudity']
const ENFORCING = ['remove', 'restrict', 'label']
const ROOT_CAUSES = ['policy_misread', 'fatigue', 'missing_context', null]
const SEVERITIES = ['critical', 'major', 'minor', null] as const
const INCLUSION: Record<string, number | null> = { video: 0.2, comment: 0.5, live: 1 }

export interface FixtureDecision {
  decisionId: string
  decidedAt: Date
  region: string
  queue: string
  site: string | null
  actorType: 'human' | 'machine'
  actorId: string
  policy: string
  action: string
  handleTimeMs: number | null
  policyVersion: string
  attributes: Record<string, string>
}

export async function seedMetricsFixture(
  database: Database,
  { decisions = 1500, seed = 7 } = {},
): Promise<void> {
  await initStore(database)
  const random = mulberry32(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const index = indexTaxonomy(loadDefaultTaxonomy())
  const start = Date.UTC(2026, 9, 1)
  const span = Date.UTC(2026, 10, 26) - start
  const rows: FixtureDecision[] = []
  for (let i = 0; i < decisions; i++) {
    const policy = random() < 0.45 ? 'none' : pick(POLICIES.slice(1))
    const human = random() < 0.75
    rows.push({
      decisionId: `d${String(i).padStart(5, '0')}`,
      decidedAt: new Date(start + Math.floor(random() * span)),
      region: pick(REGIONS),
      queue: pick(QUEUES),
      site: pick(SITES),
      actorType: human ? 'human' : 'machine',
      actorId: human ? `mod-${String(1 + Math.floor(random() * 9)).padStart(2, '0')}` : 'model-v1',
      policy,
      action: policy === 'none' ? (random() < 0.9 ? 'no_action' : 'escalate') : pick(ENFORCING),
      handleTimeMs: random() < 0.1 ? null : Math.floor(500 + random() * random() * 60_000),
      policyVersion: random() < 0.5 ? 'v1' : 'v2',
      attributes: { market: random() < 0.5 ? 'de' : 'fr' },
    })
  }
  await database.db
    .insertInto('decisions')
    .values(
      rows.map((d) => ({
        ...d,
        contentId: `c-${d.decisionId}`,
        contentType: 'video',
        language: 'en',
        score: null,
        attributes: JSON.stringify(d.attributes),
      })),
    )
    .execute()

  // Roll-ups, as ingest keeps them.
  const volume = new Map<
    string,
    { decisions: number; count: number; total: number; buckets: Map<number, number> }
  >()
  for (const d of rows) {
    const key = JSON.stringify([
      d.decidedAt.toISOString().slice(0, 10),
      d.region,
      d.queue,
      d.site ?? '',
      d.actorType,
      d.policy,
      d.action,
    ])
    const cell = volume.get(key) ?? { decisions: 0, count: 0, total: 0, buckets: new Map() }
    cell.decisions += 1
    if (d.handleTimeMs !== null) {
      cell.count += 1
      cell.total += d.handleTimeMs
      const b = quantileSketchBucket(d.handleTimeMs, 0.01)
      cell.buckets.set(b, (cell.buckets.get(b) ?? 0) + 1)
    }
    volume.set(key, cell)
  }
  const volumeRows = [...volume].map(([key, cell]) => {
    const [day, region, queue, site, actorType, policy, action] = JSON.parse(key) as string[]
    return {
      day: day as string,
      region: region as string,
      queue: queue as string,
      site: site as string,
      actorType: actorType as string,
      policy: policy as string,
      action: action as string,
      cell,
    }
  })
  await database.db
    .insertInto('decisionVolumeDaily')
    .values(
      volumeRows.map(({ cell, ...k }) => {
        const buckets = [...cell.buckets.keys()].sort((a, b) => a - b)
        return {
          ...k,
          decisions: cell.decisions,
          handleTimeCount: cell.count,
          handleTimeTotalMs: cell.total,
          handleTimeBuckets: buckets,
          handleTimeBucketCounts: buckets.map((b) => cell.buckets.get(b) as number),
        }
      }),
    )
    .execute()
  // The narrow (day, region, site) sketches, as ingest writes them beside the cells.
  const scope = new Map<string, number>()
  for (const { cell, day, region, site } of volumeRows)
    for (const [bucket, count] of cell.buckets) {
      const key = JSON.stringify([day, region, site, bucket])
      scope.set(key, (scope.get(key) ?? 0) + count)
    }
  const scopeRows = [...scope].map(([key, count]) => {
    const [day, region, site, bucket] = JSON.parse(key) as [string, string, string, number]
    return { day, region, site, bucket, count }
  })
  if (scopeRows.length > 0)
    await database.db.insertInto('decisionHandleTimeScope').values(scopeRows).execute()

  type AuditRow = {
    auditId: string
    decisionId: string
    auditorId: string
    auditedAt: Date
    policy: string
    action: string
    severity: 'critical' | 'major' | 'minor' | null
    rootCause: string | null
    kind: 'qa' | 'second_qa' | 'arbitration' | 'appeal'
    inclusionProbability: number | null
    outcome: string
    taxonomyVersion: number
  }
  const audits: AuditRow[] = []
  const disputes: {
    disputeId: string
    auditId: string
    decisionId: string
    moderatorId: string
    reason: string
    filedAt: Date
  }[] = []
  const verdictFor = (d: FixtureDecision, agree: number) => {
    if (random() < agree) return { policy: d.policy, action: d.action }
    const policy = random() < 0.4 ? 'none' : pick(POLICIES.slice(1))
    return { policy, action: policy === 'none' ? 'no_action' : pick(ENFORCING) }
  }
  const audit = (
    d: FixtureDecision,
    kind: AuditRow['kind'],
    verdict: { policy: string; action: string },
    pi: number | null,
    offsetHours: number,
    auditor: string,
  ): AuditRow => {
    const outcome = deriveOutcome(index, d, verdict)
    const row: AuditRow = {
      auditId: `a${audits.length}`,
      decisionId: d.decisionId,
      auditorId: auditor,
      auditedAt: new Date(d.decidedAt.getTime() + offsetHours * 3_600_000),
      ...verdict,
      severity: outcome === 'correct' ? null : pick(SEVERITIES),
      rootCause: outcome === 'correct' ? null : pick(ROOT_CAUSES),
      kind,
      inclusionProbability: pi,
      outcome,
      taxonomyVersion: 1,
    }
    audits.push(row)
    return row
  }
  for (const d of rows) {
    const base = INCLUSION[d.queue] as number
    // A few audits come from outside any sample: no inclusion probability (weight 1).
    const pi = random() < 0.05 ? null : base
    if (random() < (pi ?? base)) {
      const qa = audit(d, 'qa', verdictFor(d, 0.8), pi, 5, pick(['aud-1', 'aud-2', 'aud-3']))
      if (random() < 0.25)
        audit(
          d,
          'second_qa',
          random() < 0.85 ? { policy: qa.policy, action: qa.action } : verdictFor(d, 0.5),
          null,
          9,
          'aud-4',
        )
      if (random() < 0.15) {
        disputes.push({
          disputeId: `disp-${qa.auditId}`,
          auditId: qa.auditId,
          decisionId: d.decisionId,
          moderatorId: d.actorId,
          reason: 'disagree',
          filedAt: new Date(qa.auditedAt.getTime() + 3_600_000),
        })
        const r = random()
        if (r < 0.4)
          audit(d, 'arbitration', { policy: d.policy, action: d.action }, null, 30, 'arb-1')
        else if (r < 0.7)
          audit(d, 'arbitration', { policy: qa.policy, action: qa.action }, null, 30, 'arb-1')
      }
    }
    if (random() < 0.04) audit(d, 'appeal', verdictFor(d, 0.6), null, 50, 'appeals-1')
  }
  // Insert qa first (disputes reference them), then the rest.
  for (let i = 0; i < audits.length; i += 500) {
    await database.db
      .insertInto('audits')
      .values(audits.slice(i, i + 500).map((a) => ({ ...a, comment: null, attributes: '{}' })))
      .execute()
  }
  if (disputes.length > 0) await database.db.insertInto('disputes').values(disputes).execute()
}

export interface RawVerdictRow {
  decisionId: string
  auditorId: string
  policy: string
  action: string
  severity: string | null
  rootCause: string | null
  outcome: string
  kind: string
  inclusionProbability: number | null
  disputed: boolean
  overturned: boolean
  secondQaAgrees: boolean | null
  isAppeal: boolean
  decision: FixtureDecision
}

/** Final verdicts and first appeal reviews joined to the raw decisions, read back without the metrics code. */
export async function readRawRows(database: Database): Promise<RawVerdictRow[]> {
  const decisions = await database.db.selectFrom('decisions').selectAll().execute()
  const byId = new Map(
    decisions.map((d) => [
      d.decisionId,
      {
        ...d,
        decidedAt: new Date(d.decidedAt),
        attributes: (typeof d.attributes === 'string'
          ? JSON.parse(d.attributes)
          : d.attributes) as Record<string, string>,
      } as unknown as FixtureDecision,
    ]),
  )
  const verdicts = await sql<
    Omit<RawVerdictRow, 'decision' | 'isAppeal'>
  >`select * from final_verdicts`.execute(database.db)
  const appeals = await database.db
    .selectFrom('audits')
    .selectAll()
    .where('kind', '=', 'appeal')
    .orderBy('auditedAt')
    .orderBy('auditId')
    .execute()
  const firstAppeal = new Map<string, (typeof appeals)[number]>()
  for (const a of appeals) if (!firstAppeal.has(a.decisionId)) firstAppeal.set(a.decisionId, a)
  return [
    ...verdicts.rows.map((v) => ({
      ...v,
      isAppeal: false,
      decision: byId.get(v.decisionId) as FixtureDecision,
    })),
    ...[...firstAppeal.values()].map((a) => ({
      decisionId: a.decisionId,
      auditorId: a.auditorId,
      policy: a.policy,
      action: a.action,
      severity: a.severity,
      rootCause: a.rootCause,
      outcome: a.outcome,
      kind: a.kind,
      inclusionProbability: a.inclusionProbability,
      disputed: false,
      overturned: false,
      secondQaAgrees: null,
      isAppeal: true,
      decision: byId.get(a.decisionId) as FixtureDecision,
    })),
  ]
}
