/**
 * The store the API fuzz test (fuzz.test.ts) starts from, and valid request bodies it makes
 * hostile: a taxonomy, 300 decisions (some with markup in stored values), 150 audits, ratings, a
 * sampling plan with drawn tasks, targets, a monitor, a corrective action and users.
 */
import { sql } from 'kysely'
import { expect } from 'vitest'
import {
  actionInputSchema,
  actionPatchSchema,
} from '../../src/domain/monitoring/corrective-action.js'
import { AUDIT_FIELDS, DECISION_FIELDS, RATING_FIELDS } from '../../src/domain/records.js'
import { parsePlan } from '../../src/domain/sampling/plan.js'
import { openAction } from '../../src/engine/actions/corrective-actions.js'
import { createUser } from '../../src/engine/access/users.js'
import { ingestRecords, type IncomingRow } from '../../src/engine/ingest/index.js'
import { setMonitor } from '../../src/engine/monitoring/monitors.js'
import { drawSample } from '../../src/engine/sampling/draw-sample.js'
import { getSamplingPlan } from '../../src/engine/sampling/plans.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { setTarget } from '../../src/engine/targets/set-target.js'
import type { Database } from '../../src/store/db.js'
import { savePlanVersion } from '../../src/store/sampling-store.js'

const PAIRS = [
  ['none', 'no_action'],
  ['hate_speech', 'remove'],
  ['spam', 'remove'],
  ['harassment', 'restrict'],
  ['misinformation', 'label'],
  ['csam', 'remove'],
] as const
const REGIONS = ['EU', 'NA', 'APAC']

const PLAN_YAML = `
name: weekly-qa
period: week
strata: [region]
allocation: { method: fixed_count, count: 6 }
min_per_moderator: 1
second_qa_share: 0.5
match_rule: both
dispute_window_days: 7
assignment: { lease_minutes: 30 }
`

const DECISION_EXAMPLE = {
  decision_id: 'fz-d',
  content_id: 'c',
  decided_at: '2026-03-10T10:00:00Z',
  region: 'EU',
  queue: 'reports',
  actor_type: 'human',
  actor_id: 'mod-1',
  policy: 'spam',
  action: 'remove',
  score: 0.5,
  market: 'm1',
}
const AUDIT_EXAMPLE = {
  audit_id: 'fz-a',
  decision_id: 'seed-d-3',
  auditor_id: 'aud',
  audited_at: '2026-03-11T10:00:00Z',
  policy: 'spam',
  action: 'remove',
  severity: 'minor',
}
const RATING_EXAMPLE = {
  session_id: 's',
  item_id: 'i',
  rater_id: 'r',
  label: 'x',
  rated_at: '2026-03-11T10:00:00Z',
}

/** Valid bodies (and their fields) of routes whose OpenAPI schema is an open record or too loose. */
export const EXAMPLES: Record<string, Record<string, unknown>> = {
  'POST /v1/session': { userId: 'seed-admin', password: 'not the password' },
  'POST /v1/tokens': { name: 'fz', expires: '30d', permissions: ['status:read'] },
  'POST /v1/users': {
    userId: 'fz-user',
    displayName: 'F',
    roles: ['viewer'],
    regions: ['EU'],
    sites: null,
    password: 'a long enough password',
  },
  'POST /v1/plans/size': { margin: 0.05, confidence: 0.95, population: 1000, p: 0.5 },
  'POST /v1/plans': {
    document: {
      name: 'fz-plan',
      period: 'week',
      strata: ['region'],
      allocation: { method: 'fixed_count', count: 2 },
    },
  },
  'POST /v1/samples': {
    planId: 'weekly-qa',
    period: '2026-W10',
    method: 'batch',
    dryRun: true,
    confidence: 0.9,
  },
  'PUT /v1/tasks/auditors/:userId': { languages: ['en'], site: 'site-a' },
  'POST /v1/tasks/:taskId/verdict': {
    policy: 'spam',
    action: 'remove',
    severity: 'minor',
    root_cause: 'fatigue',
    answers: { context_checked: 'yes' },
    comment: 'c',
  },
  'POST /v1/disputes': { audit_id: 'seed-a-3', reason: 'I disagree' },
  'POST /v1/disputes/:disputeId/settlement': {
    resolution: 'overturned',
    policy: 'none',
    action: 'no_action',
    comment: 'c',
  },
  'PUT /v1/targets/:targetId': {
    metric: 'accuracy',
    scope: { region: 'EU' },
    period: 'month',
    threshold: 0.9,
    direction: 'at_least',
    name: 'n',
  },
  'POST /v1/monitors/run': {
    asOf: '2026-03-19',
    from: '2026-03-17',
    monitors: ['error-rate-daily'],
    falseAlarmRate: 0.01,
  },
  'PUT /v1/monitors/:monitorId': {
    name: 'm',
    metric: 'error_rate',
    by: ['region'],
    restrict: { queue: 'reports' },
    period: 'day',
    rules: [1, 2],
    minCount: 5,
    enabled: true,
    baseline: { kind: 'rolling', periods: 7 },
  },
  'POST /v1/alerts/:alertId/acknowledge': { note: 'n' },
  'POST /v1/alerts/:alertId/resolve': { note: 'n' },
  'PUT /v1/webhooks/:webhookId': {
    url: 'http://127.0.0.1:9/hook',
    format: 'json',
    minSeverity: 'major',
    enabled: false,
  },
  'POST /v1/actions': {
    title: 't',
    metric: 'error_rate',
    scope: { region: 'EU' },
    owner: 'o',
    dueDate: '2026-04-01',
    hypothesis: 'h',
    rootCause: 'fatigue',
    interventionDate: '2026-03-15',
    expectedEffect: 0.02,
    fromPareto: { rootCause: 'fatigue', dimension: 'queue', value: 'reports' },
  },
  'PATCH /v1/actions/:actionId': {
    title: 't',
    owner: 'o',
    dueDate: '2026-04-02',
    hypothesis: 'h',
    rootCause: null,
    interventionDate: null,
    expectedEffect: null,
    closed: false,
  },
}

/** Field names the engine reads from open records (z.record bodies), beyond the examples above. */
export const EXTRA_KEYS: Record<string, readonly string[]> = {
  'POST /v1/actions': Object.keys(actionInputSchema.shape),
  'PATCH /v1/actions/:actionId': Object.keys(actionPatchSchema.shape),
  'PUT /v1/monitors/:monitorId': [
    'id',
    'kind',
    'k',
    'lambda',
    'history',
    'delay',
    'severity',
    'cooldown',
    'targets',
    'confidence',
  ],
}

/** The ingest routes: their bodies are arrays or NDJSON of records, each made hostile. */
export const RECORD_ROUTES: Record<
  string,
  { fields: readonly string[]; example: Record<string, unknown> }
> = {
  'POST /v1/decisions': { fields: [...DECISION_FIELDS, 'market'], example: DECISION_EXAMPLE },
  'POST /v1/audits': { fields: [...AUDIT_FIELDS, 'market'], example: AUDIT_EXAMPLE },
  'POST /v1/ratings': { fields: RATING_FIELDS, example: RATING_EXAMPLE },
}

/** Valid ids of nothing stored: a 2xx under one of them creates a row, which is allowed. */
export const FRESH_IDS = ['fz-new', 'fz.2', 'a', '0']

export interface Seeded {
  /** Ids a GET may name: anything stored. */
  readable: string[]
  /** Ids a mutating route may name: rows that exist to be changed. */
  sacrificial: string[]
}

export async function seedStore(database: Database, now: Date): Promise<Seeded> {
  await initStore(database)
  const decisions: IncomingRow[] = []
  const audits: IncomingRow[] = []
  for (let i = 0; i < 300; i++) {
    const [policy, action] = PAIRS[i % PAIRS.length] as (typeof PAIRS)[number]
    const decidedAt = new Date(
      Date.parse('2026-02-15T00:00:00Z') + ((i * 7919) % (32 * 86_400)) * 1000,
    )
    decisions.push({
      source: 'seed',
      line: i + 1,
      raw: {
        decision_id: `seed-d-${i}`,
        content_id: `content-${i}`,
        content_type: 'video',
        decided_at: decidedAt.toISOString(),
        region: REGIONS[i % 3],
        language: i % 4 === 0 ? 'de' : 'en',
        // Markup in stored values: every HTML view must escape it (checked on every response).
        queue: i % 9 === 4 ? '<script>alert(1)</script>' : i % 2 === 0 ? 'reports' : 'proactive',
        site: i % 5 < 2 ? 'site-a' : 'site-b',
        actor_type: i % 10 === 0 ? 'machine' : 'human',
        actor_id: i % 10 === 0 ? 'model-v1' : `mod-${i % 6}`,
        policy,
        action,
        score: i % 10 === 0 ? 0.9 : undefined,
        handle_time_ms: 1000 + (i % 50) * 300,
        market: ['m1', '"><img src=x onerror=alert(1)>', 'm|3'][i % 3],
      },
    })
    if (i % 2 === 1) {
      const wrong = i % 7 === 1
      const [auditPolicy, auditAction] = wrong
        ? (PAIRS[(i + 1) % PAIRS.length] ?? PAIRS[0])
        : [policy, action]
      audits.push({
        source: 'seed',
        line: audits.length + 1,
        raw: {
          audit_id: `seed-a-${i}`,
          decision_id: `seed-d-${i}`,
          auditor_id: 'seed-auditor',
          audited_at: new Date(decidedAt.getTime() + 86_400_000).toISOString(),
          policy: auditPolicy,
          action: auditAction,
          severity: wrong ? 'major' : undefined,
          root_cause: wrong ? 'fatigue' : undefined,
          inclusion_probability: 0.5,
        },
      })
    }
  }
  const ratings: IncomingRow[] = Array.from({ length: 60 }, (_, i) => ({
    source: 'seed',
    line: i + 1,
    raw: {
      session_id: 'cal-1',
      item_id: `item-${i % 20}`,
      rater_id: `rater-${i % 3}`,
      label: i % 4 === 0 ? 'spam' : 'none',
    },
  }))
  for (const [kind, rows] of [
    ['decisions', decisions],
    ['audits', audits],
    ['ratings', ratings],
  ] as const) {
    const summary = await ingestRecords(database, kind, rows)
    expect(summary.rejected, `seed ${kind}: ${JSON.stringify(summary.rejects.slice(0, 3))}`).toBe(0)
  }
  await createUser(database, { userId: 'fuzz-user', roles: ['moderator'] })
  await savePlanVersion(database.db, parsePlan(PLAN_YAML, 'seed'), () => 'fixed-salt')
  await drawSample(database, await getSamplingPlan(database, 'weekly-qa'), {
    period: '2026-W10',
    now,
  })
  for (const targetId of ['seed.accuracy', 'fuzz-target'])
    await setTarget(
      database,
      { targetId, metric: 'accuracy', threshold: 0.9, name: '<svg onload=alert(1)>' },
      'seed',
      now,
    )
  await setMonitor(
    database,
    { id: 'fuzz-monitor', name: 'Fuzz', metric: 'error_rate' },
    'seed',
    now,
  )
  await openAction(
    database,
    {
      actionId: 'fuzz-action',
      metric: 'error_rate',
      owner: 'lead',
      dueDate: '2026-04-01',
      hypothesis: 'h',
      interventionDate: '2026-03-01',
    },
    'seed',
    now,
  )
  const { rows: tasks } = await sql<{
    taskId: string
  }>`select task_id from audit_tasks order by task_id`.execute(database.db)
  expect(tasks.length).toBeGreaterThan(0)
  const taskIds = tasks.map((t) => t.taskId).slice(0, 3)
  const sacrificial = ['fuzz-target', 'fuzz-action', 'fuzz-monitor', 'fuzz-user', ...taskIds]
  return {
    sacrificial,
    readable: [
      ...sacrificial,
      'seed.accuracy',
      'weekly-qa',
      'seed-admin',
      'mod-1',
      'seed-d-3',
      'seed-a-3',
      'accuracy',
      'error_rate',
      'volume',
      'handle_time_p90',
      'error-rate-daily',
      'targets-missed',
    ],
  }
}
