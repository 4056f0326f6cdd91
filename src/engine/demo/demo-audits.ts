/**
 * QA audits of the demo: a stratified sample (strata region × queue) with square-root allocation,
 * so small strata get higher rates, and a minimum per stratum. A decision is in the sample when
 * the hash of its id falls under its stratum's rate (machine decisions at a quarter of it), so the
 * sample needs no state and every audit carries its inclusion probability. Each sampled decision
 * gets one audit: an auditor of its region, the truth as verdict (with a small auditor error),
 * and, for errors, a severity by policy tier and a plausible root cause.
 */
import type { Outcome, TaxonomyIndex } from '../../domain/taxonomy/outcome.js'
import { deriveOutcome } from '../../domain/taxonomy/outcome.js'
import { mistake } from './demo-decide.js'
import type { DemoOrganisation } from './demo-organisation.js'
import { hashUniform, keyedRandom, pick, pickOne, weighted, type Random } from './demo-random.js'
import { POLICY_TIER, QUEUES, QUEUE_CODES, REGIONS, type QueueCode } from './demo-shape.js'
import type { DemoItem, ResolvedDemoOptions } from './demo-options.js'

export interface DemoStratum {
  region: string
  queue: QueueCode
  /** Expected decisions in the stratum. */
  expected: number
  /** Inclusion probability of a human decision. */
  rate: number
  /** Inclusion probability of a machine decision. */
  machineRate: number
}

export interface DemoAuditRecord {
  audit_id: string
  decision_id: string
  auditor_id: string
  audited_at: string
  policy: string
  action: string
  severity?: 'critical' | 'major' | 'minor'
  root_cause?: string
  kind: 'qa'
  inclusion_probability: number
  comment?: string
}

const DAY_MS = 86_400_000

/** Rates are rounded so the stored inclusion probability is exactly the one the rule used. */
function roundRate(rate: number): number {
  return Math.min(1, Math.max(1e-6, Math.round(rate * 1e6) / 1e6))
}

/** The strata and their rates, from the expected volume of each region × queue. */
export function planAuditSample(options: ResolvedDemoOptions): DemoStratum[] {
  const { targetRate, minPerStratum, machineFactor } = options.audit
  const cells = REGIONS.flatMap((region) => {
    const mixTotal = QUEUE_CODES.reduce((sum, q) => sum + region.queueMix[q], 0)
    return QUEUE_CODES.map((queue) => ({
      region: region.code,
      queue,
      expected: (options.decisions * region.share * region.queueMix[queue]) / mixTotal,
      machineShare: QUEUES.find((q) => q.code === queue)?.machineShare ?? 0,
    }))
  })
  const rootSum = cells.reduce((sum, c) => sum + Math.sqrt(c.expected), 0)
  const totalAudits = targetRate * options.decisions
  return cells.map((cell) => {
    const allocated = Math.max(
      (totalAudits * Math.sqrt(cell.expected)) / rootSum,
      Math.min(minPerStratum, cell.expected),
    )
    // Machine decisions are sampled less, so people's rate is raised to keep the stratum's total.
    const effective = cell.expected * (1 - cell.machineShare * (1 - machineFactor))
    const rate = roundRate(allocated / effective)
    return {
      region: cell.region,
      queue: cell.queue,
      expected: cell.expected,
      rate,
      machineRate: roundRate(rate * machineFactor),
    }
  })
}

function severityFor(
  outcome: Outcome,
  tier: number,
  random: Random,
): 'critical' | 'major' | 'minor' {
  const table: Record<number, readonly (readonly ['critical' | 'major' | 'minor', number])[]> =
    outcome === 'false_positive'
      ? {
          1: [
            ['critical', 0.2],
            ['major', 0.7],
            ['minor', 0.1],
          ],
          2: [
            ['major', 0.5],
            ['minor', 0.5],
          ],
        }
      : outcome === 'wrong_action'
        ? {
            1: [
              ['critical', 0.3],
              ['major', 0.7],
            ],
            2: [
              ['major', 0.4],
              ['minor', 0.6],
            ],
          }
        : {
            1: [
              ['critical', 0.85],
              ['major', 0.15],
            ],
            2: [
              ['critical', 0.15],
              ['major', 0.65],
              ['minor', 0.2],
            ],
            3: [
              ['major', 0.4],
              ['minor', 0.6],
            ],
          }
  return pick(
    weighted(
      table[tier] ?? [
        ['major', 0.15],
        ['minor', 0.85],
      ],
    ),
    random,
  )
}

function rootCauseFor(item: DemoItem, random: Random): string {
  if (item.classifier !== null) {
    return pick(
      weighted([
        ['model_threshold', 6],
        ['new_trend', 2],
        ['guideline_gap', 1],
        ['missing_context', 1],
      ]),
      random,
    )
  }
  const nonEnglish = item.decision.language !== 'en'
  const night = item.localHour < 6
  return pick(
    weighted([
      ['policy_misread', 25],
      ['missing_context', item.inIncident ? 50 : 22],
      ['guideline_gap', 15],
      ['language_gap', nonEnglish ? 14 : 4],
      ['fatigue', night ? 25 : 8],
      ['misclick', 8],
      // The drift is a new evasion trend the guidelines do not cover yet.
      ['new_trend', item.inDrift ? 150 : 4],
    ]),
    random,
  )
}

const COMMENTS: Readonly<Record<Outcome, readonly string[]>> = {
  correct: ['Good call on a borderline item.', 'Correct; context well checked.'],
  false_positive: [
    'Satire / counter-speech, not a violation.',
    'No violation in context; please check the caption.',
    'Newsworthy content, leave up with context.',
  ],
  false_negative: [
    'Violation visible in the first seconds; please watch to the end.',
    'Coded language; see the guideline examples.',
    'Missed the violation in the audio track.',
  ],
  wrong_policy: [
    'Right to enforce, but under a different policy.',
    'Policy label mixed up; see the decision tree.',
  ],
  wrong_action: [
    'Right policy, but the action should be different.',
    'Over-actioned: a label would have been enough.',
  ],
}

export interface AuditContext {
  options: ResolvedDemoOptions
  organisation: DemoOrganisation
  strata: readonly DemoStratum[]
  taxonomyIndex: TaxonomyIndex
}

const strataIndex = new WeakMap<readonly DemoStratum[], Map<string, Map<string, DemoStratum>>>()

function stratumOf(strata: readonly DemoStratum[], region: string, queue: string): DemoStratum {
  let index = strataIndex.get(strata)
  if (index === undefined) {
    index = new Map()
    for (const s of strata) {
      const byQueue = index.get(s.region) ?? new Map<string, DemoStratum>()
      byQueue.set(s.queue, s)
      index.set(s.region, byQueue)
    }
    strataIndex.set(strata, index)
  }
  const found = index.get(region)?.get(queue)
  if (found === undefined) throw new Error(`no stratum for ${region} × ${queue}`)
  return found
}

/** Inclusion probability of a decision under the demo's sampling plan. */
export function inclusionProbability(item: DemoItem, strata: readonly DemoStratum[]): number {
  const stratum = stratumOf(strata, item.decision.region, item.decision.queue)
  return item.classifier === null ? stratum.rate : stratum.machineRate
}

/** The audit of a decision when the hash rule samples it, else null. */
export function buildAudit(item: DemoItem, context: AuditContext): DemoAuditRecord | null {
  const { seed } = context.options
  const { decision } = item
  const probability = inclusionProbability(item, context.strata)
  if (hashUniform(`${seed}:sample:${decision.decision_id}`) >= probability) return null
  const random = keyedRandom(`${seed}:audit:${decision.decision_id}`)
  const candidates = context.organisation
    .auditorsIn(decision.region)
    .filter((a) => a.id !== decision.actor_id)
  const auditor = pickOne(candidates, random)
  const verdict =
    random() < context.options.audit.auditorErrorRate
      ? mistake(item.truth, decision.queue as QueueCode, random)
      : item.truth
  const outcome = deriveOutcome(context.taxonomyIndex, decision, verdict)
  const delay =
    random() * Math.min(3 * DAY_MS, context.options.end.getTime() - 1 - item.decidedAtMs)
  const audit: DemoAuditRecord = {
    audit_id: `qa-${decision.decision_id.slice(2)}`,
    decision_id: decision.decision_id,
    auditor_id: auditor.id,
    audited_at: new Date(item.decidedAtMs + Math.max(0, Math.floor(delay))).toISOString(),
    policy: verdict.policy,
    action: verdict.action,
    kind: 'qa',
    inclusion_probability: probability,
  }
  if (outcome !== 'correct') {
    const tierPolicy = verdict.policy !== 'none' ? verdict.policy : decision.policy
    audit.severity = severityFor(outcome, POLICY_TIER[tierPolicy] ?? 4, random)
    audit.root_cause = rootCauseFor(item, random)
  }
  if (random() < (outcome === 'correct' ? 0.01 : 0.15))
    audit.comment = pickOne(COMMENTS[outcome], random)
  return audit
}
