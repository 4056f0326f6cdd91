import { StatsInputError } from '../stats-input-error.js'
import { splitSortedByLabel, validateScoredLabels } from './validate-scored-labels.js'

/**
 * Area under the receiver operating characteristic curve (ROC AUC) of a binary classifier.
 *
 * Definition: the probability that a randomly chosen positive scores higher than a randomly
 * chosen negative, ties counting one half:
 * AUC = (1 / (n₁·n₀)) Σ_{i ∈ pos} Σ_{j ∈ neg} ([s_i > s_j] + ½[s_i = s_j]),
 * which equals the Mann-Whitney U statistic of the positives (with midranks for ties)
 * divided by n₁·n₀, and equals the trapezoidal area under the ROC curve drawn through
 * every distinct threshold.
 *
 * When to use: a threshold-free summary of how well classifier scores rank positives above
 * negatives (e.g. an auto-action model checked against audit verdicts). It ignores calibration
 * and class balance; pair it with `averagePrecision` when positives are rare.
 *
 * Reference: Hanley & McNeil (1982) "The meaning and use of the area under a ROC curve",
 * Radiology 143(1):29-36, §"AUC and the Wilcoxon statistic"; Fawcett (2006) "An introduction
 * to ROC analysis", Pattern Recognition Letters 27(8):861-874, §7;
 * https://en.wikipedia.org/wiki/Receiver_operating_characteristic#Area_under_the_curve
 *
 * Cost: O(n log n) time (two native sorts), O(n) memory.
 *
 * @param scores higher means "more likely positive"; any finite numbers
 * @param labels 1 for positive, 0 for negative, aligned with `scores`
 * @throws {StatsInputError} when the lengths differ or are zero, a score is not finite, a
 * label is not 0 or 1, or one of the two classes is absent
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const positives = validateScoredLabels('rocAuc', scores, labels)
  const negatives = scores.length - positives
  if (positives === 0 || negatives === 0) {
    throw new StatsInputError('`rocAuc` requires at least one positive and one negative label')
  }
  const { positive, negative } = splitSortedByLabel(scores, labels, positives)
  // Walk both ascending lists; for each run of equal positive scores count the negatives
  // strictly below and equal to it. Counts stay integers until the final division.
  let below = 0
  let wins = 0
  let ties = 0
  let i = 0
  while (i < positive.length) {
    const score = positive[i] as number
    let runEnd = i
    while (runEnd < positive.length && positive[runEnd] === score) runEnd += 1
    const run = runEnd - i
    while (below < negative.length && (negative[below] as number) < score) below += 1
    let equalEnd = below
    while (equalEnd < negative.length && negative[equalEnd] === score) equalEnd += 1
    wins += run * below
    ties += run * (equalEnd - below)
    i = runEnd
  }
  return (wins + ties / 2) / (positives * negatives)
}
