/**
 * Response and request shapes of the HTTP API, as the pages use them. The one file to adjust when a
 * route's shape changes. Only `import type` from src/: the web app shares no runtime code with the
 * server (STYLE.md §2).
 */
import type { Permission, Role } from '../../../src/domain/access.js'
import type { TargetDirection, TargetStatus } from '../../../src/domain/metrics/target.js'

export type { Permission, Role, TargetDirection, TargetStatus }

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown }
}

// ── session (security) ────────────────────────────────────────────────────────────────────────
export interface SignInRequest {
  userId: string
  password: string
}

export interface Session {
  userId: string
  displayName?: string | null
  roles: Role[]
  permissions: Permission[]
  regions?: string[] | null
  sites?: string[] | null
  /** Sent back as the x-csrf-token header on unsafe requests. */
  csrfToken?: string
  expiresAt?: string
}

// ── metrics, reports, targets ─────────────────────────────────────────────────────────────────
export interface Interval {
  estimate: number | null
  lower: number | null
  upper: number | null
}

export interface Estimate extends Interval {
  /** Audits (or decisions, for volume metrics) behind the estimate. */
  n: number
  effectiveSampleSize?: number | null
  successes?: number | null
}

export interface MetricSlice extends Estimate {
  /** Dimension → value of this slice. */
  keys: Record<string, string | null>
  comparison?: {
    difference: number
    z: number
    pValue: number
    adjustedPValue: number
    against: string
  } | null
}

/** GET /v1/metrics/{metric}?by=…&period=… */
export interface MetricResult {
  metric: { code: string; name: string; kind?: string; unit?: string; higher_is_better?: boolean }
  period: PeriodInfo
  comparedWith?: PeriodInfo | null
  by: string[]
  confidence: number
  overall: Estimate
  slices: MetricSlice[]
}

/** A slice of some metric with its distance from target (positive = worse). */
export interface MetricRow extends Estimate {
  slice: Record<string, string>
  gap?: number | null
}

export interface MetricInfo {
  code: string
  name: string
  higherIsBetter?: boolean
  kind?: string
  description?: string
}

export interface PeriodInfo {
  from: string
  to: string
  label: string
}

export interface TargetRow {
  targetId: string
  metric: string
  scope: Record<string, string>
  period: string
  threshold: number
  direction: TargetDirection
  name: string | null
  createdBy?: string | null
  updatedAt?: string
}

/** One target's evaluation, as GET /v1/targets and the report return it. */
export interface TargetResult {
  target: TargetRow
  metricName: string
  unit: string
  period: PeriodInfo
  value: Estimate
  status: TargetStatus
  /** Positive = the estimate is worse than the threshold. */
  gap: number | null
  auditsToSettle: number | null
}

/** A TargetResult flattened for tables. */
export interface TargetEvaluation extends TargetRow, Interval {
  status: TargetStatus
  n?: number
  gap?: number | null
  auditsNeeded?: number | null
  metricName?: string
  periodLabel?: string
}

export interface TrendPoint extends Interval {
  period: string
  n?: number
}

export interface ReportMetricInfo {
  code: string
  name: string
  unit: string
  kind: string
  higherIsBetter: boolean
}

export interface ReportSlice {
  dimension: string
  value: string | null
  current: Estimate
  reference: { kind: 'target' | 'overall'; threshold: number }
  gap: number | null
  status: TargetStatus | null
}

export interface ReportParetoItem {
  key: string
  audits: number
  estimated: number
  share: number
  cumulativeShare: number
  vitalFew: boolean
}

export type AlertState = 'open' | 'acknowledged' | 'resolved'

/** One alert as GET /v1/alerts lists it. */
export interface MonitorAlert {
  alertId: string
  monitorId: string
  metric: string | null
  slice: Record<string, string | null>
  rule: string
  severity: 'critical' | 'major' | 'minor'
  state: AlertState
  title: string
  firstPeriod: string
  lastPeriod: string
  /** YYYY-MM-DD: the start of the latest signalled period. */
  lastPeriodStart: string
  signalCount: number
  pValue: number | null
  pAdjusted: number | null
  evidence?: {
    ruleText?: string
    period?: { start?: string; end?: string; label?: string }
    unusualness?: { text?: string }
  } | null
  raisedAt: string
}

/** GET /v1/alerts?state=…&metric=…&from=…&to=… */
export interface AlertList {
  alerts: MonitorAlert[]
  nextCursor: string | null
  counts?: Record<string, number>
}

/** One corrective action as GET /v1/actions lists it. */
export interface CorrectiveAction {
  actionId: string
  title: string
  metric: string
  scope: Record<string, string>
  owner: string
  dueDate: string
  status: 'open' | 'too_early' | 'effective' | 'not_effective' | 'closed'
  rootCause: string | null
  alertId: string | null
  overdue: boolean
}

/** GET /v1/actions?overdue=true */
export interface ActionList {
  actions: CorrectiveAction[]
}

/** GET /v1/report (json). */
export interface Report {
  title: string
  generatedAt: string
  period: PeriodInfo
  previousPeriod?: PeriodInfo
  grain: 'day' | 'week' | 'month'
  confidence: number
  primaryMetric: ReportMetricInfo
  volume: { decisions: number; audits: number }
  headline: (ReportMetricInfo & { current: Estimate; previous: Estimate | null })[]
  targets: TargetResult[]
  slices: ReportSlice[]
  pareto: { errorTypes: ReportParetoItem[]; rootCauses: ReportParetoItem[] }
  trend: {
    metrics: ReportMetricInfo[]
    points: {
      start: string
      decisions: number
      audits: number
      metrics: Record<string, Estimate>
    }[]
  }
}

export interface ControlPoint extends TrendPoint {
  centre?: number
  lcl?: number | null
  ucl?: number | null
  /** Nelson rules this point breaks (rule numbers or names). */
  rules?: (number | string)[]
}

export interface ControlChart {
  metric: string
  scope?: Record<string, string>
  centre?: number
  points: ControlPoint[]
}

export interface ParetoItem {
  code: string
  label?: string
  count: number
  share?: number
  cumulativeShare?: number
}

export interface Pareto {
  scope?: Record<string, string>
  items: ParetoItem[]
}

// ── workflow: plans, tasks, disputes, feedback ────────────────────────────────────────────────
export interface SamplingPlan {
  planId: string
  version: number
  name: string
  salt: string
  createdAt: string
  /** The plan document (strata, allocation, rates, minimums; see the README, QA sampling and the audit workflow). */
  plan: Record<string, unknown>
}

/** POST /v1/plans/size */
export interface SampleSizeRequest {
  margin: number
  confidence?: number
  population?: number
  p?: number
}

export interface SampleSize extends SampleSizeRequest {
  sampleSize: number
  achievedMargin: number
}

/** What an auditor sees before the verdict: never the decision's policy, action, actor or site. */
export interface BlindItem {
  contentId: string
  contentType: string | null
  language: string | null
  region: string
  queue: string
  decidedAt: string
  /** Visible attributes; `url` / `media_url` / `text` are shown as the content reference. */
  attributes: Record<string, string>
}

export interface BlindTask {
  taskId: string
  kind: 'qa' | 'second_qa'
  status: 'assigned' | 'leased'
  leaseExpiresAt: string | null
  item: BlindItem
}

export type Severity = 'critical' | 'major' | 'minor'

export interface VerdictRequest {
  policy: string
  action: string
  severity?: Severity
  root_cause?: string
  answers?: Record<string, string | boolean>
  comment?: string
}

export interface RevealedTask {
  taskId: string
  kind: 'qa' | 'second_qa'
  status: 'completed'
  item: BlindItem
  verdict: {
    auditId: string
    policy: string
    action: string
    severity: string | null
    rootCause: string | null
    comment: string | null
    auditedAt: string
  }
  original: {
    decisionId: string
    actorType: string
    actorId: string
    site: string | null
    policy: string
    action: string
    score: number | null
  }
  outcome: string
  matchRule?: string
}

export interface TaxonomyEntry {
  code: string
  name?: string
  parent?: string
  tier?: number
  enforces?: boolean
  description?: string
}

export interface RubricQuestion {
  code: string
  text: string
  type: 'yes_no' | 'choice' | 'text'
  options?: string[]
}

/** GET /v1/tasks/rubric: the verdict rubric from the current taxonomy. */
export interface Taxonomy {
  taxonomyVersion?: number
  policies: TaxonomyEntry[]
  actions: TaxonomyEntry[]
  severities?: TaxonomyEntry[]
  rootCauses: TaxonomyEntry[]
  questions?: RubricQuestion[]
}

export interface FeedbackItem {
  decisionId: string
  contentId: string
  decidedAt: string
  region: string
  queue: string
  yourDecision: { policy: string; action: string }
  verdict: {
    auditId: string
    kind: string
    policy: string
    action: string
    outcome: string
    severity: string | null
    rootCause: string | null
    comment: string | null
  }
  qaAuditId: string | null
  dispute: {
    state: 'none' | 'open' | 'upheld' | 'overturned'
    disputeId: string | null
    reason: string | null
    windowClosesAt: string | null
  }
}

export interface Feedback {
  moderatorId?: string
  items: FeedbackItem[]
}

export interface Dispute {
  disputeId: string
  auditId: string
  decisionId: string
  moderatorId: string
  reason: string
  filedAt: string
  state: 'open' | 'upheld' | 'overturned'
  arbitratorId: string | null
  arbitrationAuditId: string | null
  settlementComment: string | null
  settledAt: string | null
}

export interface DisputeRequest {
  audit_id: string
  reason: string
}

export interface SettleRequest {
  resolution: 'upheld' | 'overturned'
  policy?: string
  action?: string
  severity?: Severity
  root_cause?: string
  comment?: string
}

export interface Page<T> {
  items: T[]
  nextCursor?: string | null
}

/** One audited decision with its final verdict (GET /v1/audits, the drill-down from a slice). */
export interface AuditedDecision {
  auditId: string
  decisionId: string
  contentId: string
  decidedAt: string
  actorId: string
  region: string
  queue: string
  site: string | null
  decision: { policy: string; action: string }
  verdict: { policy: string; action: string }
  auditorId: string
  auditedAt: string
  kind: string
  outcome: string
  severity: string | null
  rootCause: string | null
  comment: string | null
  disputed: boolean
  overturned: boolean
}

/** GET /v1/audits?metric=&period=&<dimension>=<value>… */
export interface SliceAuditPage extends Page<AuditedDecision> {
  metric: string | null
  period: PeriodInfo
  slice: Record<string, string | null>
}
