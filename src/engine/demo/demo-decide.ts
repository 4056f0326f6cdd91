/**
 * How a demo actor decides an item: a moderator errs with a probability set by their latent
 * accuracy, the item's difficulty and any drift or incident; a classifier enforces above its
 * score threshold. Errors take the four shapes of the contract (false positive, false negative,
 * wrong policy, wrong action).
 */
import type { DemoModerator } from './demo-organisation.js'
import { normal, pick, pickOne, weighted, type Random, type Weighted } from './demo-random.js'
import {
  CONFUSABLE,
  DIFFICULTY,
  QUEUES,
  correctAction,
  otherAction,
  type ClassifierShape,
  type QueueCode,
} from './demo-shape.js'

export interface Judgement {
  policy: string
  action: string
}

/** Violations of each queue weighted by prevalence: what a false positive is called. */
const VIOLATIONS: ReadonlyMap<QueueCode, Weighted<string>> = new Map(
  QUEUES.map(
    (q) => [q.code, weighted(q.prevalence.filter(([policy]) => policy !== 'none'))] as const,
  ),
)

function violationsOf(queue: QueueCode): Weighted<string> {
  return VIOLATIONS.get(queue) as Weighted<string>
}

/** A plausible wrong judgement of an item whose truth is `truth` (used for moderators and auditors). */
export function mistake(truth: Judgement, queue: QueueCode, random: Random): Judgement {
  if (truth.policy === 'none') {
    const policy = pick(violationsOf(queue), random)
    return { policy, action: correctAction(policy, queue) }
  }
  const u = random()
  if (u < 0.5) return { policy: 'none', action: 'no_action' }
  if (u < 0.8) {
    const policy = pickOne(CONFUSABLE[truth.policy] ?? ['none'], random)
    return { policy, action: correctAction(policy, queue) }
  }
  return { policy: truth.policy, action: otherAction(truth.action, queue, random) }
}

/** The probability that this moderator gets this item wrong. */
export function humanErrorProbability(
  moderator: DemoModerator,
  truthPolicy: string,
  factor: number,
): number {
  return Math.min(0.9, (1 - moderator.accuracy) * (DIFFICULTY[truthPolicy] ?? 1) * factor)
}

export function decideAsHuman(
  moderator: DemoModerator,
  truth: Judgement,
  queue: QueueCode,
  factor: number,
  random: Random,
): Judgement {
  return random() < humanErrorProbability(moderator, truth.policy, factor)
    ? mistake(truth, queue, random)
    : truth
}

export interface MachineJudgement extends Judgement {
  /** The model's confidence in the decided policy (1 − violation score when it decides `none`). */
  score: number
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x))

export function decideAsMachine(
  classifier: ClassifierShape,
  truth: Judgement,
  queue: QueueCode,
  random: Random,
): MachineJudgement {
  const inLane = classifier.policies.includes(truth.policy)
  const mean = inLane ? classifier.positiveMean : classifier.negativeMean
  const violationScore = logistic(mean + classifier.sd * normal(random))
  if (violationScore < classifier.threshold) {
    return { policy: 'none', action: 'no_action', score: round4(1 - violationScore) }
  }
  let policy = classifier.policies[0] as string
  if (inLane) policy = random() < 0.9 ? truth.policy : pickOne(classifier.policies, random)
  return { policy, action: correctAction(policy, queue), score: round4(violationScore) }
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000
}
