import { StatsInputError } from '../stats-input-error.js'
import { splitSortedByLabel, validateScoredLabels } from './validate-scored-labels.js'

/**
 * Average precision (AP): the area under the precision-recall curve as a step sum.
 *
 * Definition: with distinct score thresholds t₁ > t₂ > … taken in decreasing order (tied
 * scores form one threshold), precision P_n and recall R_n of the rule "score ≥ t_n",
 * AP = Σ_n (R_n − R_{n−1}) · P_n, R₀ = 0. No interpolation: this is scikit-learn's
 * `average_precision_score`, not the 11-point interpolated AP of older IR papers.
 *
 * When to use: ranking quality when positives are rare (violating content among many benign
 * items), where ROC AUC looks flattering. Its baseline for random scores is the positive
 * share, not 0.5.
 *
 * Reference: scikit-learn user guide §3.4.4.9 "Precision, recall and F-measures"
 * (https://scikit-learn.org/stable/modules/model_evaluation.html#precision-recall-f-measure-metrics);
 * Manning, Raghavan & Schütze (2008) "Introduction to Information Retrieval", §8.4;
 * https://en.wikipedia.org/wiki/Evaluation_measures_(information_retrieval)#Average_precision
 *
 * Cost: O(n log n) time (two native sorts), O(n) memory.
 *
 * @param scores higher means "more likely positive"; any finite numbers
 * @param labels 1 for positive, 0 for negative, aligned with `scores`
 * @throws {StatsInputError} when the lengths differ or are zero, a score is not finite, a
 * label is not 0 or 1, or there is no positive label (recall is undefined)
 * @example
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) // 0.8333333333333333
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const positives = validateScoredLabels('averagePrecision', scores, labels)
  if (positives === 0) {
    throw new StatsInputError('`averagePrecision` requires at least one positive label')
  }
  const { positive, negative } = splitSortedByLabel(scores, labels, positives)
  // Walk both ascending arrays from the top: each step consumes every score equal to the
  // current highest remaining one (one threshold), then adds ΔR·P. ΔR = (new TPs)/positives.
  let p = positive.length - 1
  let n = negative.length - 1
  let truePositives = 0
  let falsePositives = 0
  let sum = 0
  while (p >= 0) {
    const topPositive = positive[p] as number
    const threshold = n >= 0 ? Math.max(topPositive, negative[n] as number) : topPositive
    let gained = 0
    while (p >= 0 && positive[p] === threshold) {
      gained += 1
      p -= 1
    }
    while (n >= 0 && negative[n] === threshold) {
      falsePositives += 1
      n -= 1
    }
    truePositives += gained
    if (gained > 0) sum += (gained * truePositives) / (truePositives + falsePositives)
  }
  // Thresholds below the lowest positive add no recall, so they are skipped.
  return sum / positives
}
