import { StatsInputError } from '../stats-input-error.js'
import { isRatingLabel } from './is-rating-label.js'
import type { RatingLabel } from './rating-label.js'
import { sortLabels } from './sort-labels.js'

/** One label given by one rater to one item. */
export interface DawidSkeneLabel {
  item: string | number
  rater: string | number
  label: RatingLabel
}

/** Options for {@link dawidSkene}. */
export interface DawidSkeneOptions {
  /** Most EM iterations to run; default 100. */
  maxIterations?: number
  /**
   * Convergence threshold on the relative change of the log-likelihood between iterations,
   * |ℓₜ − ℓₜ₋₁| ≤ tolerance · |ℓₜ|; default 1e-6.
   */
  tolerance?: number
  /** The classes, in output order; may include classes never used. Default: sorted labels. */
  classes?: readonly RatingLabel[]
}

/** Result of {@link dawidSkene}. */
export interface DawidSkeneResult {
  /** Class order used by `priors`, the confusion rows and columns, and `posteriors`. */
  classes: RatingLabel[]
  /** Estimated share of items in each true class. */
  priors: number[]
  /** Per rater: confusion[rater][true class][given label], each row sums to 1. */
  confusion: Record<string, number[][]>
  /** Per item: posterior probability of each true class (sums to 1). */
  posteriors: Record<string, number[]>
  /** EM iterations run (each an M-step followed by an E-step). */
  iterations: number
  /** Whether the tolerance was met within `maxIterations`. */
  converged: boolean
  /** Observed-data log-likelihood ℓ = Σᵢ log Σₖ pₖ Πⱼ π_{r(j)}[k][l(j)] at the returned parameters. */
  logLikelihood: number
}

/** Sets an own enumerable property, also for the key '__proto__' (which `=` would not). */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  } else {
    target[key] = value
  }
}

/** Additive smoothing (pseudo-count) of every prior and confusion cell in the M-step. */
const SMOOTHING = 0.01

/**
 * Dawid-Skene estimates of each item's true class and each rater's confusion matrix from
 * redundant labels, by expectation-maximisation.
 *
 * Definition: the model says item i has a latent class k with probability pₖ, and rater r labels
 * a class-k item l with probability π_r[k][l], independently across raters. EM starts from
 * per-item majority-vote proportions Tᵢₖ (share of item i's labels equal to k), then repeats
 * M-step: pₖ = (Σᵢ Tᵢₖ + ε) / (N + Kε), π_r[k][l] = (Σ_{labels (i, r, l)} Tᵢₖ + ε) /
 * (Σ_{labels (i, r, ·)} Tᵢₖ + Kε) with ε = 0.01 (a small symmetric pseudo-count so that unseen
 * label/class pairs do not get probability 0 and EM cannot lock an item to a class forever);
 * E-step: log Tᵢₖ ∝ log pₖ + Σ_{labels (i, r, l)} log π_r[k][l], normalised per item in log
 * space (log-sum-exp), which also yields the log-likelihood ℓ. It stops when
 * |ℓₜ − ℓₜ₋₁| ≤ tolerance · |ℓₜ| or after `maxIterations`. A rater may label an item more than
 * once (each label counts, as in the paper). Items and raters are keyed by their string form.
 *
 * When to use: estimating true labels and per-moderator error patterns (which class a moderator
 * confuses with which) from overlapping reviews without a gold key; better than majority vote
 * when raters differ in skill. Needs several labels per item and raters who label many items;
 * EM finds a local optimum, and the majority-vote start keeps class identities aligned with the
 * labels.
 *
 * Reference: Dawid & Skene (1979) "Maximum likelihood estimation of observer error-rates using
 * the EM algorithm", Journal of the Royal Statistical Society C 28(1):20-28, §2-§3;
 * https://en.wikipedia.org/wiki/Expectation%E2%80%93maximization_algorithm
 *
 * Cost: O(I · L · K) time for I iterations, L labels and K classes (plus O(N K) exp per
 * iteration); O(N K + R K²) memory. Internally items, raters and labels are integer-coded in
 * typed arrays.
 *
 * @throws {StatsInputError} when there are no labels, a label entry is malformed, a label is not
 * in `classes`, there are fewer than two classes, two item (or rater) ids share a string form,
 * `maxIterations` is not a positive integer, or `tolerance` is negative or not finite
 * @example
 * const labels = [
 *   { item: 'a', rater: 'r1', label: 'spam' }, { item: 'a', rater: 'r2', label: 'spam' },
 *   { item: 'b', rater: 'r1', label: 'ok' }, { item: 'b', rater: 'r2', label: 'spam' },
 * ]
 * dawidSkene(labels).priors // [0.25927324388383716, 0.7407267561161629] for classes ['ok', 'spam']
 */
export function dawidSkene(
  labels: readonly DawidSkeneLabel[],
  options: DawidSkeneOptions = {},
): DawidSkeneResult {
  const fn = 'dawidSkene'
  const { maxIterations = 100, tolerance = 1e-6 } = options
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new StatsInputError(`\`${fn}\` requires maxIterations to be a positive integer`)
  }
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) {
    throw new StatsInputError(`\`${fn}\` requires a finite non-negative tolerance`)
  }
  if (!Array.isArray(labels) || labels.length === 0) {
    throw new StatsInputError(`\`${fn}\` requires at least one label`)
  }

  // --- integer coding -------------------------------------------------------------------
  const labelCount = labels.length
  const itemIndex = new Map<string | number, number>()
  const raterIndex = new Map<string | number, number>()
  const itemOf = new Int32Array(labelCount)
  const raterOf = new Int32Array(labelCount)
  const rawLabels: RatingLabel[] = new Array<RatingLabel>(labelCount)
  for (let j = 0; j < labelCount; j += 1) {
    const entry = labels[j]
    if (
      entry === null ||
      typeof entry !== 'object' ||
      !isRatingLabel(entry.item) ||
      !isRatingLabel(entry.rater) ||
      !isRatingLabel(entry.label)
    ) {
      throw new StatsInputError(
        `\`${fn}\` requires labels of the form { item, rater, label } with string or finite number values`,
      )
    }
    let item = itemIndex.get(entry.item)
    if (item === undefined) {
      item = itemIndex.size
      itemIndex.set(entry.item, item)
    }
    let rater = raterIndex.get(entry.rater)
    if (rater === undefined) {
      rater = raterIndex.size
      raterIndex.set(entry.rater, rater)
    }
    itemOf[j] = item
    raterOf[j] = rater
    rawLabels[j] = entry.label
  }
  let classes: RatingLabel[]
  if (options.classes === undefined) {
    classes = sortLabels(new Set(rawLabels))
  } else {
    classes = [...options.classes]
    if (!classes.every(isRatingLabel) || new Set(classes).size !== classes.length) {
      throw new StatsInputError(
        `\`${fn}\` requires classes to be distinct strings or finite numbers`,
      )
    }
  }
  const K = classes.length
  if (K < 2) {
    throw new StatsInputError(`\`${fn}\` requires at least two classes`)
  }
  const classIndex = new Map<RatingLabel, number>()
  classes.forEach((label, k) => classIndex.set(label, k))
  const N = itemIndex.size
  const R = raterIndex.size

  // Labels grouped by item (CSR): labels of item i are positions start[i] .. start[i + 1] − 1.
  const start = new Int32Array(N + 1)
  for (let j = 0; j < labelCount; j += 1) {
    const next = (itemOf[j] as number) + 1
    start[next] = (start[next] as number) + 1
  }
  for (let i = 0; i < N; i += 1) start[i + 1] = (start[i + 1] as number) + (start[i] as number)
  const fill = start.slice(0, N)
  // cell[p] = (rater * K + label) * K: offset of the K-vector π_r[·][label] in the transposed
  // confusion layout, so the inner loops over the true class read contiguous memory.
  const cell = new Int32Array(labelCount)
  for (let j = 0; j < labelCount; j += 1) {
    const k = classIndex.get(rawLabels[j] as RatingLabel)
    if (k === undefined) {
      throw new StatsInputError(`\`${fn}\` requires every label to be one of the classes`)
    }
    const item = itemOf[j] as number
    const position = fill[item] as number
    fill[item] = position + 1
    cell[position] = ((raterOf[j] as number) * K + k) * K
  }

  // --- EM ---------------------------------------------------------------------------------
  const posterior = new Float64Array(N * K)
  for (let i = 0; i < N; i += 1) {
    const from = start[i] as number
    const to = start[i + 1] as number
    const share = 1 / (to - from)
    for (let p = from; p < to; p += 1) {
      const k = ((cell[p] as number) / K) % K
      posterior[i * K + k] = (posterior[i * K + k] as number) + share
    }
  }
  const counts = new Float64Array(R * K * K)
  const logConfusion = new Float64Array(R * K * K)
  const rowTotals = new Float64Array(R * K)
  const priors = new Float64Array(K)
  const logPriors = new Float64Array(K)
  const scores = new Float64Array(K)
  let logLikelihood = -Infinity
  let previous = -Infinity
  let iterations = 0
  let converged = false
  while (iterations < maxIterations) {
    iterations += 1
    // M-step.
    counts.fill(0)
    priors.fill(0)
    for (let i = 0; i < N; i += 1) {
      const row = i * K
      for (let k = 0; k < K; k += 1)
        priors[k] = (priors[k] as number) + (posterior[row + k] as number)
      const to = start[i + 1] as number
      for (let p = start[i] as number; p < to; p += 1) {
        const offset = cell[p] as number
        for (let k = 0; k < K; k += 1) {
          counts[offset + k] = (counts[offset + k] as number) + (posterior[row + k] as number)
        }
      }
    }
    for (let k = 0; k < K; k += 1) {
      logPriors[k] = Math.log(((priors[k] as number) + SMOOTHING) / (N + K * SMOOTHING))
    }
    rowTotals.fill(0)
    for (let r = 0; r < R; r += 1) {
      for (let l = 0; l < K; l += 1) {
        const offset = (r * K + l) * K
        for (let k = 0; k < K; k += 1) {
          rowTotals[r * K + k] = (rowTotals[r * K + k] as number) + (counts[offset + k] as number)
        }
      }
    }
    for (let r = 0; r < R; r += 1) {
      for (let l = 0; l < K; l += 1) {
        const offset = (r * K + l) * K
        for (let k = 0; k < K; k += 1) {
          logConfusion[offset + k] = Math.log(
            ((counts[offset + k] as number) + SMOOTHING) /
              ((rowTotals[r * K + k] as number) + K * SMOOTHING),
          )
        }
      }
    }
    // E-step, normalised per item in log space.
    logLikelihood = 0
    for (let i = 0; i < N; i += 1) {
      scores.set(logPriors)
      const to = start[i + 1] as number
      for (let p = start[i] as number; p < to; p += 1) {
        const offset = cell[p] as number
        for (let k = 0; k < K; k += 1)
          scores[k] = (scores[k] as number) + (logConfusion[offset + k] as number)
      }
      let best = -Infinity
      for (let k = 0; k < K; k += 1) if ((scores[k] as number) > best) best = scores[k] as number
      let sum = 0
      for (let k = 0; k < K; k += 1) {
        const weight = Math.exp((scores[k] as number) - best)
        scores[k] = weight
        sum += weight
      }
      const row = i * K
      for (let k = 0; k < K; k += 1) posterior[row + k] = (scores[k] as number) / sum
      logLikelihood += best + Math.log(sum)
    }
    if (
      iterations > 1 &&
      Math.abs(logLikelihood - previous) <= tolerance * Math.abs(logLikelihood)
    ) {
      converged = true
      break
    }
    previous = logLikelihood
  }

  // --- results keyed by the caller's ids --------------------------------------------------
  const confusion: Record<string, number[][]> = {}
  for (const [rater, r] of raterIndex) {
    const matrix: number[][] = []
    for (let k = 0; k < K; k += 1) {
      const row: number[] = new Array<number>(K)
      for (let l = 0; l < K; l += 1) row[l] = Math.exp(logConfusion[(r * K + l) * K + k] as number)
      matrix.push(row)
    }
    setOwn(confusion, String(rater), matrix)
  }
  const posteriors: Record<string, number[]> = {}
  for (const [item, i] of itemIndex) {
    const row: number[] = new Array<number>(K)
    for (let k = 0; k < K; k += 1) row[k] = posterior[i * K + k] as number
    setOwn(posteriors, String(item), row)
  }
  if (Object.keys(posteriors).length !== N || Object.keys(confusion).length !== R) {
    throw new StatsInputError(`\`${fn}\` requires item and rater ids that differ as strings`)
  }
  return {
    classes,
    priors: Array.from(logPriors, Math.exp),
    confusion,
    posteriors,
    iterations,
    converged,
    logLikelihood,
  }
}
