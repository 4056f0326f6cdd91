import { StatsInputError } from '../stats-input-error.js'

/**
 * Shared input check for score-based classifier metrics: equal, non-zero lengths, finite
 * scores and labels that are exactly 0 or 1. Returns the number of positives so callers can
 * size their buffers. Internal helper, not part of the public API.
 */
export function validateScoredLabels(
  functionName: string,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): number {
  if (scores.length !== labels.length) {
    throw new StatsInputError(`\`${functionName}\` requires scores and labels of the same length`)
  }
  if (scores.length === 0) {
    throw new StatsInputError(`\`${functionName}\` requires at least one score`)
  }
  let positives = 0
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new StatsInputError(`\`${functionName}\` requires finite scores`)
    }
    const label = labels[i]
    if (label === 1) positives += 1
    else if (label !== 0) {
      throw new StatsInputError(`\`${functionName}\` requires labels that are 0 or 1`)
    }
  }
  return positives
}

/**
 * Splits scores by label into two sorted Float64Arrays (ascending). Sorting the two classes
 * separately with the native typed-array sort is much faster than sorting an index array
 * with a comparator, and is all that rank-based metrics need. Internal helper.
 */
export function splitSortedByLabel(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  positives: number,
): { positive: Float64Array; negative: Float64Array } {
  const positive = new Float64Array(positives)
  const negative = new Float64Array(scores.length - positives)
  let p = 0
  let n = 0
  for (let i = 0; i < scores.length; i++) {
    // -0 and +0 compare equal but typed-array sort orders -0 first; normalise so ties stay ties.
    const score = (scores[i] as number) + 0
    if (labels[i] === 1) positive[p++] = score
    else negative[n++] = score
  }
  positive.sort()
  negative.sort()
  return { positive, negative }
}
