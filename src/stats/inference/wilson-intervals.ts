import { StatsInputError } from '../stats-input-error.js'
import { criticalValue } from './critical-value.js'
import { wilsonBounds } from './wilson-bounds.js'

export interface WilsonIntervalsResult {
  /** successes[i] / trials[i] */
  estimate: Float64Array
  lower: Float64Array
  upper: Float64Array
}

/**
 * Wilson score intervals for many slices at once (batch form of
 * `proportionInterval(x, n, { method: 'wilson' })`), over plain or typed arrays.
 *
 * Definition: for each i, the Wilson interval for successes[i] of trials[i] at the given
 * confidence (see `proportionInterval`); the critical value is computed once. Results are
 * written into Float64Arrays, which may be supplied through `output` to reuse memory.
 *
 * When to use: dashboards and alerting over thousands to millions of slices (queue × policy ×
 * language × day), where one object per slice would dominate the cost.
 *
 * Reference: E. B. Wilson (1927) JASA 22:209-212; R. G. Newcombe (1998) Stat. Med. 17:857-872;
 * https://en.wikipedia.org/wiki/Binomial_proportion_confidence_interval#Wilson_score_interval
 *
 * Cost: O(k) time for k slices, no allocation when `output` is given.
 *
 * @throws {StatsInputError} when the arrays differ in length, an output array is shorter than
 * the input, any trials[i] is not a positive integer or successes[i] not an integer in
 * [0, trials[i]] (the message names the index), or confidence is not in (0, 1)
 * @example
 * wilsonIntervals([81, 0], [263, 20]) // lower ≈ [0.25531, 0], upper ≈ [0.36624, 0.16113]
 */
export function wilsonIntervals(
  successes: ArrayLike<number>,
  trials: ArrayLike<number>,
  confidence = 0.95,
  output?: WilsonIntervalsResult,
): WilsonIntervalsResult {
  const count = successes.length
  if (trials.length !== count) {
    throw new StatsInputError('`wilsonIntervals` requires successes and trials of the same length')
  }
  const z = criticalValue(confidence, 'wilsonIntervals')
  const estimate = output?.estimate ?? new Float64Array(count)
  const lower = output?.lower ?? new Float64Array(count)
  const upper = output?.upper ?? new Float64Array(count)
  if (estimate.length < count || lower.length < count || upper.length < count) {
    throw new StatsInputError(
      '`wilsonIntervals` requires output arrays at least as long as the input',
    )
  }
  const bounds: [number, number] = [0, 0]
  for (let i = 0; i < count; i++) {
    const x = successes[i]!
    const n = trials[i]!
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(x) || x < 0 || x > n) {
      throw new StatsInputError(
        `\`wilsonIntervals\` requires integer counts with 0 ≤ successes ≤ trials and trials ≥ 1 (index ${i})`,
      )
    }
    const p = x / n
    wilsonBounds(p, n, z, bounds)
    estimate[i] = p
    lower[i] = bounds[0]
    upper[i] = bounds[1]
  }
  return { estimate, lower, upper }
}
