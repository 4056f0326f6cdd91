/**
 * Options of the demo generator, their defaults and checks, and the record and item types it
 * yields. The end date is fixed (not the clock) so that a seed replays exactly.
 */
import type { Outcome } from '../../domain/taxonomy/outcome.js'
import type { Taxonomy } from '../../domain/taxonomy/taxonomy.js'
import type { Judgement } from './demo-decide.js'
import { moderatorCountFor, type DemoModerator } from './demo-organisation.js'
import type { ClassifierShape } from './demo-shape.js'

export const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS
export const WEEK_MS = 7 * DAY_MS

/** From `startsAt` on, the error rate of people deciding `region` × `queue` is multiplied by `factor`. */
export interface DemoDrift {
  region: string
  queue: string
  startsAt: Date
  factor: number
}

/** A burst (by default one day): more volume in one region × queue and more errors there. */
export interface DemoIncident {
  region: string
  queue: string
  startsAt: Date
  hours: number
  volumeFactor: number
  errorFactor: number
}

export interface DemoAuditPlan {
  /** Expected audits as a share of all decisions, before the per-stratum minimum (default 0.03). */
  targetRate: number
  /** Expected audits per stratum at least (default 30; all decisions when the stratum is smaller). */
  minPerStratum: number
  /** Machine decisions are sampled at this fraction of their stratum's rate (default 0.25). */
  machineFactor: number
  /** Share of audits where the auditor's verdict is itself wrong (default 0.02). */
  auditorErrorRate: number
}

export interface GenerateDemoOptions {
  /** Number of decisions (default 1,000,000). */
  decisions?: number
  /** Seed of the RNG; the same seed gives the same records (default 42). */
  seed?: number
  /** Length of the period in weeks (default 8). */
  weeks?: number
  /** End of the period, exclusive (default 2026-11-23T00:00:00Z). */
  end?: Date
  /** Number of moderators (default decisions / 500, between 25 and 5,000). */
  moderators?: number
  /** The quality drift; `null` for none. Default: MENA × live_review, from week 6 (or mid-period), ×3. */
  drift?: DemoDrift | null
  /** A one-off incident; default none. */
  incident?: DemoIncident | null
  audit?: Partial<DemoAuditPlan>
  /** Taxonomy used to derive audit outcomes (default: the shipped default taxonomy). */
  taxonomy?: Taxonomy
}

export interface ResolvedDemoOptions {
  decisions: number
  seed: number
  weeks: number
  start: Date
  end: Date
  moderators: number
  drift: DemoDrift | null
  incident: DemoIncident | null
  audit: DemoAuditPlan
}

export interface DemoDecisionRecord {
  decision_id: string
  content_id: string
  content_type: string
  decided_at: string
  region: string
  language: string
  queue: string
  site?: string
  actor_type: 'human' | 'machine'
  actor_id: string
  policy: string
  action: string
  score?: number
  handle_time_ms: number
  policy_version: string
  market_tier: string
  account_age_days: string
}

/** A decision with what the generator knows and the records do not say: the truth and why. */
export interface DemoItem {
  index: number
  decision: DemoDecisionRecord
  decidedAtMs: number
  truth: Judgement
  outcome: Outcome
  moderator: DemoModerator | null
  classifier: ClassifierShape | null
  inDrift: boolean
  inIncident: boolean
  /** Local hour of day in the item's region (for the fatigue root cause). */
  localHour: number
}

export const DEFAULT_DEMO_END = new Date('2026-11-23T00:00:00Z')
export const DEFAULT_DEMO_DECISIONS = 1_000_000
export const DEFAULT_DEMO_SEED = 42

function positiveInteger(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(
      `${name} must be an integer from 1 to ${max.toLocaleString('en-US')} (got ${value})`,
    )
  }
  return value
}

/** Fills in defaults and checks ranges; throws RangeError naming the option. */
export function resolveDemoOptions(options: GenerateDemoOptions = {}): ResolvedDemoOptions {
  const decisions = positiveInteger(
    'decisions',
    options.decisions ?? DEFAULT_DEMO_DECISIONS,
    100_000_000,
  )
  const seed = options.seed ?? DEFAULT_DEMO_SEED
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295 (got ${seed})`)
  }
  const weeks = positiveInteger('weeks', options.weeks ?? 8, 260)
  const end = options.end ?? DEFAULT_DEMO_END
  if (Number.isNaN(end.getTime())) throw new RangeError('end must be a valid date')
  const start = new Date(end.getTime() - weeks * WEEK_MS)
  // "From week 6 on" in the default 8 weeks; the middle of shorter periods.
  const driftStart =
    weeks >= 6
      ? start.getTime() + 5 * WEEK_MS
      : start.getTime() + Math.floor((weeks * 7) / 2) * DAY_MS
  const drift =
    options.drift === undefined
      ? { region: 'MENA', queue: 'live_review', startsAt: new Date(driftStart), factor: 3 }
      : options.drift
  const audit: DemoAuditPlan = {
    targetRate: 0.03,
    minPerStratum: 30,
    machineFactor: 0.25,
    auditorErrorRate: 0.02,
    ...options.audit,
  }
  if (!(audit.targetRate > 0 && audit.targetRate <= 1))
    throw new RangeError('audit.targetRate must be in (0, 1]')
  return {
    decisions,
    seed,
    weeks,
    start,
    end,
    moderators: positiveInteger(
      'moderators',
      options.moderators ?? moderatorCountFor(decisions),
      100_000,
    ),
    drift,
    incident: options.incident ?? null,
    audit,
  }
}
