import { StatsInputError } from '../stats-input-error.js'

/** Options for {@link bootstrapInterval}. */
export interface BootstrapIntervalOptions {
  /** Resamples to draw; default 1000. */
  replicates?: number
  /** Coverage of the two-sided interval, in (0, 1); default 0.95. */
  confidence?: number
  /** Uniform [0, 1) generator, e.g. `createRandom(seed)`, so the run replays. */
  random: () => number
}

/** A point estimate with its percentile bootstrap interval. */
export interface BootstrapInterval {
  /** The statistic on the original units. */
  estimate: number
  /** Lower percentile, (1 − confidence)/2. */
  lower: number
  /** Upper percentile, (1 + confidence)/2. */
  upper: number
  /** Resamples on which the statistic was defined (the ones that formed the interval). */
  replicates: number
}

/**
 * Percentile bootstrap confidence interval of any statistic of independent units.
 *
 * Definition: draw B resamples of the n units with replacement (indices ⌊U·n⌋ from `random`),
 * evaluate the statistic on each and return the empirical (1 − c)/2 and (1 + c)/2 quantiles of
 * the B values (linear interpolation between order statistics, Hyndman-Fan type 7). A resample
 * on which the statistic throws `StatsInputError` (e.g. kappa on a resample with a single
 * category) is skipped and not counted in `replicates`; other errors propagate.
 *
 * When to use: an interval for a statistic without a usable closed-form variance (agreement
 * coefficients, ratios of sums). Resample the independent unit (the item, not the rating).
 * Percentile intervals can undercover for small n or skewed statistics.
 *
 * Reference: Efron & Tibshirani (1993) An Introduction to the Bootstrap, ch. 13 (percentile
 * intervals); https://en.wikipedia.org/wiki/Bootstrapping_(statistics)
 *
 * Cost: O(B × (n + cost of statistic)) time, O(B + n) memory.
 *
 * @throws {StatsInputError} when there are fewer than two units, `replicates` is not a positive
 * integer, `confidence` is not in (0, 1), `random` is not a function, the statistic returns a
 * non-finite number, or it is undefined on more than half of the resamples
 * @example
 * const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
 * bootstrapInterval(mean, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { random: createRandom(1) })
 * // { estimate: 5.5, lower: 3.8, upper: 7.4, replicates: 1000 }
 */
export function bootstrapInterval<T>(
  statistic: (sample: readonly T[]) => number,
  units: readonly T[],
  options: BootstrapIntervalOptions,
): BootstrapInterval {
  const fn = 'bootstrapInterval'
  const { replicates = 1000, confidence = 0.95, random } = options
  if (!Array.isArray(units) || units.length < 2) {
    throw new StatsInputError(`\`${fn}\` requires at least two units`)
  }
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new StatsInputError(`\`${fn}\` requires replicates to be a positive integer`)
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new StatsInputError(`\`${fn}\` requires confidence between 0 and 1`)
  }
  if (typeof random !== 'function') {
    throw new StatsInputError(`\`${fn}\` requires a random function`)
  }
  const checkFinite = (value: number): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StatsInputError(`\`${fn}\` requires a statistic that returns finite numbers`)
    }
    return value
  }
  const estimate = checkFinite(statistic(units))
  const n = units.length
  const results = new Float64Array(replicates)
  const sample: T[] = new Array<T>(n)
  let defined = 0
  for (let b = 0; b < replicates; b += 1) {
    for (let i = 0; i < n; i += 1) {
      // min() guards a generator that returns exactly 1.
      sample[i] = units[Math.min(n - 1, Math.floor(random() * n))] as T
    }
    let value: number
    try {
      value = statistic(sample)
    } catch (error) {
      if (error instanceof StatsInputError) continue
      throw error
    }
    results[defined++] = checkFinite(value)
  }
  if (defined * 2 < replicates) {
    throw new StatsInputError(
      `\`${fn}\` requires a statistic defined on at least half of the resamples`,
    )
  }
  const sorted = results.subarray(0, defined).sort()
  const quantile = (p: number): number => {
    const position = p * (defined - 1)
    const below = Math.floor(position)
    const above = Math.min(defined - 1, below + 1)
    const low = sorted[below] as number
    return low + (position - below) * ((sorted[above] as number) - low)
  }
  return {
    estimate,
    lower: quantile((1 - confidence) / 2),
    upper: quantile((1 + confidence) / 2),
    replicates: defined,
  }
}
