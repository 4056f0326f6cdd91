/**
 * Table types for Kysely, in camelCase (the CamelCasePlugin maps them to snake_case SQL).
 * One interface per table; aggregates add theirs here.
 */
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface TaxonomiesTable {
  version: number
  name: string
  document: Json<unknown>
  createdAt: Generated<Date>
}

export interface DecisionsTable {
  decisionId: string
  contentId: string
  contentType: string | null
  decidedAt: Timestamp
  region: string
  language: string | null
  queue: string
  site: string | null
  actorType: 'human' | 'machine'
  actorId: string
  policy: string
  action: string
  score: number | null
  handleTimeMs: number | null
  policyVersion: string | null
  attributes: Json<Record<string, string>>
}

export interface AuditsTable {
  auditId: string
  decisionId: string
  auditorId: string
  auditedAt: Timestamp
  policy: string
  action: string
  severity: 'critical' | 'major' | 'minor' | null
  rootCause: string | null
  kind: Generated<'qa' | 'second_qa' | 'arbitration' | 'appeal'>
  inclusionProbability: number | null
  comment: string | null
  attributes: Json<Record<string, string>>
  outcome: string
  taxonomyVersion: number
  source: Generated<string>
}

export interface RatingsTable {
  sessionId: string
  itemId: string
  raterId: string
  label: string
  ratedAt: Timestamp | null
}

interface RollupKey {
  day: string
  region: string
  queue: string
  site: string
  actorType: string
  policy: string
  action: string
}

export interface DecisionVolumeDailyTable extends RollupKey {
  decisions: number
  handleTimeCount: number
  handleTimeTotalMs: number
  /** The cell's handle-time sketch: DDSketch bucket indices, sorted, and their counts. */
  handleTimeBuckets: Generated<number[]>
  handleTimeBucketCounts: Generated<(number | string)[]>
}

export interface DecisionHandleTimeScopeTable {
  day: string
  region: string
  site: string
  bucket: number
  count: number
}

export interface UsersTable {
  userId: string
  displayName: string
  roles: string[]
  regions: string[] | null
  sites: string[] | null
  passwordHash: string | null
  createdAt: Generated<Date>
  disabledAt: Timestamp | null
}

export interface ApiTokensTable {
  tokenId: string
  userId: string
  name: string
  tokenHash: string
  createdAt: Generated<Date>
  expiresAt: Timestamp | null
  revokedAt: Timestamp | null
  lastUsedAt: Timestamp | null
  /** null: every permission of the user; otherwise the token's subset (effective = user's ∩ token's). */
  permissions: ColumnType<string[] | null, string[] | null | undefined, string[] | null>
}

export interface SessionsTable {
  sessionHash: string
  userId: string
  createdAt: Timestamp
  expiresAt: Timestamp
}

export interface EventLogTable {
  seq: number
  at: Timestamp
  actor: string
  action: string
  subjectType: string
  subjectId: string
  before: ColumnType<unknown, string | null, never>
  after: ColumnType<unknown, string | null, never>
  prevHash: string
  hash: string
}

export interface SamplingPlansTable {
  planId: string
  version: number
  name: string
  salt: string
  document: Json<unknown>
  createdAt: Generated<Date>
}

export interface SamplesTable {
  planId: string
  decisionId: string
  planVersion: number
  period: string
  stratum: string
  inclusionProbability: number
  method: 'stream' | 'batch'
  phase: Generated<number>
  drawnAt: Generated<Date>
}

export interface AuditorProfilesTable {
  userId: string
  languages: string[] | null
  site: string | null
  updatedAt: Generated<Date>
}

export interface AuditTasksTable {
  taskId: string
  decisionId: string
  planId: string | null
  planVersion: number | null
  kind: 'qa' | 'second_qa'
  assigneeId: string | null
  leaseExpiresAt: Timestamp | null
  createdAt: Generated<Date>
  completedAuditId: string | null
  excludedAuditorId: string | null
}

export interface DisputesTable {
  disputeId: string
  auditId: string
  decisionId: string
  moderatorId: string
  reason: string
  filedAt: Timestamp
}

export interface DisputeSettlementsTable {
  disputeId: string
  arbitratorId: string
  resolution: 'upheld' | 'overturned'
  arbitrationAuditId: string
  comment: string | null
  settledAt: Timestamp
}

/** The view metrics read: one final verdict per audited decision (see the create-workflow migration). */
export interface FinalVerdictsView {
  decisionId: string
  auditId: string
  auditorId: string
  auditedAt: Date
  policy: string
  action: string
  severity: 'critical' | 'major' | 'minor' | null
  rootCause: string | null
  outcome: string
  kind: 'qa' | 'second_qa' | 'arbitration' | 'appeal'
  source: string
  taxonomyVersion: number
  qaAuditId: string | null
  inclusionProbability: number | null
  disputed: boolean
  overturned: boolean
  secondQaAgrees: boolean | null
}

export interface TargetsTable {
  targetId: string
  metric: string
  scope: Json<Record<string, string>>
  period: string
  threshold: number
  direction: 'at_least' | 'at_most'
  name: string | null
  createdBy: string | null
  createdAt: Generated<Date>
  updatedAt: Timestamp
}

export interface MetricDefinitionsTable {
  code: string
  document: Json<unknown>
  updatedAt: Timestamp
}

/** Dimensions of every audited decision, copied by a trigger on audits (metrics read these). */
export interface AuditedDecisionsTable {
  decisionId: string
  decidedAt: Timestamp
  region: string
  queue: string
  site: string | null
  language: string | null
  contentType: string | null
  actorType: string
  actorId: string
  policy: string
  action: string
  policyVersion: string | null
  attributes: Json<Record<string, string>>
}

export interface MonitorsTable {
  monitorId: string
  document: Json<unknown>
  createdBy: string | null
  updatedAt: Timestamp
}

export interface MonitorRunsTable {
  runId: Generated<number>
  startedAt: Timestamp
  finishedAt: Timestamp
  asOfFrom: string
  asOfTo: string
  actor: string
  monitors: number
  pointsJudged: number
  signals: number
  alertsRaised: number
}

export type AlertSeverity = 'critical' | 'major' | 'minor'
export type AlertState = 'open' | 'acknowledged' | 'resolved'

export interface AlertsTable {
  alertId: string
  monitorId: string
  groupKey: string
  metric: string | null
  slice: Json<Record<string, string | null>>
  rule: string
  severity: AlertSeverity
  state: Generated<AlertState>
  title: string
  firstPeriod: string
  lastPeriod: string
  lastPeriodStart: string
  signalCount: Generated<number>
  pValue: number | null
  pAdjusted: number | null
  evidence: Json<unknown>
  raisedAt: Timestamp
  updatedAt: Timestamp
  acknowledgedAt: Timestamp | null
  acknowledgedBy: string | null
  resolvedAt: Timestamp | null
  resolvedBy: string | null
  note: string | null
}

export interface AlertSignalsTable {
  monitorId: string
  sliceKey: string
  rule: string
  period: string
  alertId: string
  asOf: string
  pValue: number | null
  pAdjusted: number | null
  createdAt: Timestamp
}

export interface WebhooksTable {
  webhookId: string
  url: string
  format: Generated<'json' | 'slack'>
  minSeverity: Generated<AlertSeverity>
  enabled: Generated<boolean>
  createdAt: Generated<Date>
}

export interface AlertDeliveriesTable {
  deliveryId: Generated<number>
  alertId: string
  webhookId: string
  status: Generated<'pending' | 'delivered' | 'failed'>
  attempts: Generated<number>
  nextAttemptAt: Timestamp
  lastError: string | null
  createdAt: Timestamp
  deliveredAt: Timestamp | null
}

export interface AlertDeliveryAttemptsTable {
  deliveryId: number
  attempt: number
  attemptedAt: Timestamp
  ok: boolean
  statusCode: number | null
  error: string | null
  durationMs: number
}

export type CorrectiveActionStatus = 'open' | 'too_early' | 'effective' | 'not_effective' | 'closed'

export interface CorrectiveActionsTable {
  actionId: string
  title: string
  metric: string
  scope: Json<Record<string, string>>
  owner: string
  dueDate: string
  hypothesis: string
  rootCause: string | null
  interventionDate: string | null
  expectedEffect: number | null
  alertId: string | null
  source: Json<unknown> | null
  status: Generated<CorrectiveActionStatus>
  effect: Json<unknown> | null
  createdBy: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
  closedAt: Timestamp | null
}

export interface Schema {
  targets: TargetsTable
  metricDefinitions: MetricDefinitionsTable
  auditedDecisions: AuditedDecisionsTable
  users: UsersTable
  apiTokens: ApiTokensTable
  sessions: SessionsTable
  eventLog: EventLogTable
  taxonomies: TaxonomiesTable
  decisions: DecisionsTable
  audits: AuditsTable
  ratings: RatingsTable
  decisionVolumeDaily: DecisionVolumeDailyTable
  decisionHandleTimeScope: DecisionHandleTimeScopeTable
  samplingPlans: SamplingPlansTable
  samples: SamplesTable
  auditorProfiles: AuditorProfilesTable
  auditTasks: AuditTasksTable
  disputes: DisputesTable
  disputeSettlements: DisputeSettlementsTable
  finalVerdicts: FinalVerdictsView
  monitors: MonitorsTable
  monitorRuns: MonitorRunsTable
  alerts: AlertsTable
  alertSignals: AlertSignalsTable
  webhooks: WebhooksTable
  alertDeliveries: AlertDeliveriesTable
  alertDeliveryAttempts: AlertDeliveryAttemptsTable
  correctiveActions: CorrectiveActionsTable
}
