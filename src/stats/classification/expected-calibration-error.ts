import { StatsInputError } from '../stats-input-error.js'
import { validateScoredLabels } from './validate-scored-labels.js'

/** Options for {@link expectedCalibrationError}. */
export interface ExpectedCalibrationErrorOptions {
  /** Number of equal-width bins on [0, 1]; a positive integer, default 10. */
  bins?: number
}

/** One equal-width calibration bin; `meanScore`/`positiveRate` are null when the bin is empty. */
export interface CalibrationBin {
  count: number
  meanScore: number | null
  positiveRate: number | null
}

/** Result of {@link expectedCalibrationError}: the ECE and every bin in order (bin k = [k/B, (k+1)/B)). */
export interface ExpectedCalibrationErrorResult {
  value: number
  bins: CalibrationBin[]
}

/**
 * Expected calibration error (ECE) of probability scores, with its reliability-diagram bins.
 *
 * Definition: split [0, 1] into B equal-width bins [k/B, (k+1)/B), k = 0…B−1, the score 1.0
 * going into the last bin. With n_b scores in bin b, their mean score conf_b and observed
 * positive share acc_b, ECE = Σ_b (n_b / N) · |conf_b − acc_b|. Every bin is returned; an empty
 * bin has count 0 and null means (it contributes nothing to the sum).
 *
 * Bin edges are exact: a score equal (as a double) to the edge k/B lands in bin k even when
 * `score * B` rounds just below k, and a score just below k/B never rounds up into bin k.
 *
 * When to use: to check whether a classifier's scores can be read as probabilities before
 * using them for automation thresholds; the bins feed a reliability diagram. ECE depends on
 * the binning, so compare models only at the same B.
 *
 * Reference: Naeini, Cooper & Hauskrecht (2015) "Obtaining well calibrated probabilities
 * using Bayesian binning", AAAI, §2 (ECE definition); Guo, Pleiss, Sun & Weinberger (2017) "On
 * calibration of modern neural networks", ICML, §2 eq. (3) (https://arxiv.org/abs/1706.04599).
 *
 * Cost: O(n + B) time, O(B) memory.
 *
 * @param scores predicted probabilities of the positive class, each in [0, 1]
 * @param labels 1 for positive, 0 for negative, aligned with `scores`
 * @throws {StatsInputError} when the lengths differ or are zero, a score is outside [0, 1] or
 * not finite, a label is not 0 or 1, or `bins` is not a positive integer
 * @example
 * expectedCalibrationError([0.1, 0.3, 0.7, 0.9], [0, 1, 0, 1], { bins: 2 }).value // ≈ 0.3
 */
export function expectedCalibrationError(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  { bins = 10 }: ExpectedCalibrationErrorOptions = {},
): ExpectedCalibrationErrorResult {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new StatsInputError('`expectedCalibrationError` requires bins to be a positive integer')
  }
  validateScoredLabels('expectedCalibrationError', scores, labels)
  const counts = new Float64Array(bins)
  const scoreSums = new Float64Array(bins)
  const positiveCounts = new Float64Array(bins)
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number
    if (score < 0 || score > 1) {
      throw new StatsInputError('`expectedCalibrationError` requires scores between 0 and 1')
    }
    const bin = calibrationBinIndex(score, bins)
    counts[bin] = (counts[bin] as number) + 1
    scoreSums[bin] = (scoreSums[bin] as number) + score
    positiveCounts[bin] = (positiveCounts[bin] as number) + (labels[i] as number)
  }
  const total = scores.length
  let value = 0
  const result: CalibrationBin[] = []
  for (let k = 0; k < bins; k++) {
    const count = counts[k] as number
    if (count === 0) {
      result.push({ count: 0, meanScore: null, positiveRate: null })
      continue
    }
    const meanScore = (scoreSums[k] as number) / count
    const positiveRate = (positiveCounts[k] as number) / count
    value += (count / total) * Math.abs(meanScore - positiveRate)
    result.push({ count, meanScore, positiveRate })
  }
  return { value, bins: result }
}

/**
 * Bin k such that k/B ≤ score < (k+1)/B with the edges computed as `k / bins` (correctly
 * rounded), 1.0 in bin B−1. `Math.floor(score * bins)` alone can be off by one at an edge
 * because the product is rounded, so it is corrected against the edges themselves.
 */
function calibrationBinIndex(score: number, bins: number): number {
  let bin = Math.min(Math.floor(score * bins), bins - 1)
  if (bin > 0 && score < bin / bins) bin -= 1
  else if (bin < bins - 1 && score >= (bin + 1) / bins) bin += 1
  return bin
}
