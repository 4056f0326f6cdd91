import { StatsInputError } from '../stats-input-error.js'

/** Options for {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /**
   * Row/column order of the matrix. Every label in `truth` and `predicted` must be listed;
   * listed labels that never occur are kept (support 0). Default: the distinct observed
   * labels sorted by code unit (`Array.prototype.sort`).
   */
  labels?: readonly string[]
}

/** Precision, recall and F1 of one class or one average. */
export interface PrecisionRecallF1 {
  precision: number
  recall: number
  f1: number
}

/** Per-class scores plus the class's support (its number of true instances). */
export interface ClassScores extends PrecisionRecallF1 {
  support: number
}

/** Result of {@link confusionMatrix}. */
export interface ConfusionMatrixResult {
  labels: string[]
  /** matrix[i][j] = number of items whose truth is labels[i] and prediction is labels[j]. */
  matrix: number[][]
  perClass: Record<string, ClassScores>
  /** Unweighted mean over classes of the per-class precision, recall and F1. */
  macro: PrecisionRecallF1
  /** From pooled counts: Σ TP / Σ predicted, Σ TP / Σ true; all three equal accuracy here. */
  micro: PrecisionRecallF1
  /** Mean over classes of the per-class scores weighted by support. */
  weighted: PrecisionRecallF1
}

/**
 * Confusion matrix of a multi-class (or binary) labelling, with per-class and averaged
 * precision, recall and F1 — the numbers of scikit-learn's `classification_report`.
 *
 * Definition: for class c, TP = matrix[c][c], precision = TP / (column total), recall =
 * TP / (row total = support), F1 = 2PR / (P + R). Zero-division convention (scikit-learn's
 * `zero_division=0`): a class never predicted has precision 0, a class with no true items
 * has recall 0, and F1 is 0 when P + R = 0. Macro averages the per-class values over all
 * labels (including those with support 0); weighted weights them by support; micro pools the
 * counts, so with every label included micro precision = recall = F1 = accuracy.
 *
 * When to use: comparing moderator (or model) decisions against audit verdicts or a golden
 * set, per policy label. Macro treats every label equally (rare violations count as much as
 * common ones); weighted follows the label mix.
 *
 * Reference: https://en.wikipedia.org/wiki/Confusion_matrix and
 * https://en.wikipedia.org/wiki/Precision_and_recall; Sokolova & Lapalme (2009) "A systematic
 * analysis of performance measures for classification tasks", Information Processing and
 * Management 45(4):427-437, §3 (Table 3, micro and macro averaging).
 *
 * Cost: O(n + L²) time (a Map lookup per item), O(L²) memory for L labels.
 *
 * @param truth reference labels (audit verdicts, golden-set key)
 * @param predicted labels under evaluation, aligned with `truth`
 * @throws {StatsInputError} when the lengths differ or are zero, `labels` is empty or has
 * duplicates, or an observed label is missing from `labels`
 * @example
 * const result = confusionMatrix(['spam', 'spam', 'ok', 'ok'], ['spam', 'ok', 'ok', 'ok'])
 * result.matrix // [[2, 0], [1, 1]] (labels ['ok', 'spam'])
 * result.perClass.ok // { precision: 0.6666…, recall: 1, f1: 0.8, support: 2 }
 * result.micro.f1 // 0.75
 */
export function confusionMatrix(
  truth: readonly string[],
  predicted: readonly string[],
  { labels }: ConfusionMatrixOptions = {},
): ConfusionMatrixResult {
  if (truth.length !== predicted.length) {
    throw new StatsInputError('`confusionMatrix` requires truth and predicted of the same length')
  }
  if (truth.length === 0) {
    throw new StatsInputError('`confusionMatrix` requires at least one labelled item')
  }
  const order = labels ? [...labels] : [...new Set([...truth, ...predicted])].sort()
  if (order.length === 0) {
    throw new StatsInputError('`confusionMatrix` requires at least one label')
  }
  const position = new Map<string, number>()
  for (const [index, label] of order.entries()) {
    if (position.has(label)) {
      throw new StatsInputError(
        `\`confusionMatrix\` requires distinct labels, got "${label}" twice`,
      )
    }
    position.set(label, index)
  }
  const size = order.length
  const matrix = Array.from({ length: size }, () => new Array<number>(size).fill(0))
  for (let i = 0; i < truth.length; i++) {
    const row = position.get(truth[i] as string)
    const column = position.get(predicted[i] as string)
    if (row === undefined || column === undefined) {
      const missing = row === undefined ? truth[i] : predicted[i]
      throw new StatsInputError(
        `\`confusionMatrix\` requires every label in labels, missing "${missing}"`,
      )
    }
    const counts = matrix[row] as number[]
    counts[column] = (counts[column] as number) + 1
  }

  const perClassEntries: [string, ClassScores][] = []
  const columnTotals = new Array<number>(size).fill(0)
  for (const row of matrix)
    row.forEach((count, j) => (columnTotals[j] = (columnTotals[j] as number) + count))
  let truePositives = 0
  const macro = { precision: 0, recall: 0, f1: 0 }
  const weighted = { precision: 0, recall: 0, f1: 0 }
  for (let c = 0; c < size; c++) {
    const row = matrix[c] as number[]
    const tp = row[c] as number
    const support = row.reduce((sum, count) => sum + count, 0)
    const predictedTotal = columnTotals[c] as number
    const precision = safeDivide(tp, predictedTotal)
    const recall = safeDivide(tp, support)
    const f1 = harmonicMean(precision, recall)
    perClassEntries.push([order[c] as string, { precision, recall, f1, support }])
    truePositives += tp
    macro.precision += precision / size
    macro.recall += recall / size
    macro.f1 += f1 / size
    weighted.precision += (precision * support) / truth.length
    weighted.recall += (recall * support) / truth.length
    weighted.f1 += (f1 * support) / truth.length
  }
  // Every item is counted in exactly one row and one column, so both pooled denominators are n.
  const accuracy = truePositives / truth.length
  return {
    labels: order,
    matrix,
    // fromEntries defines own properties, so a label such as "__proto__" is stored safely.
    perClass: Object.fromEntries(perClassEntries),
    macro,
    micro: { precision: accuracy, recall: accuracy, f1: accuracy },
    weighted,
  }
}

function safeDivide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator
}

function harmonicMean(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
}
