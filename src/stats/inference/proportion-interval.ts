import { betaQuantile } from '../distributions/beta-quantile.js'
import { StatsInputError } from '../stats-input-error.js'
import { assertBinomialCounts } from './assert-binomial-counts.js'
import { criticalValue } from './critical-value.js'
import { wilsonBounds } from './wilson-bounds.js'

/** Interval methods for a binomial proportion. */
export type ProportionIntervalMethod =
  'wilson' | 'wilson-cc' | 'clopper-pearson' | 'jeffreys' | 'agresti-coull' | 'wald'

export interface ProportionIntervalOptions {
  /** Default 'wilson'. */
  method?: ProportionIntervalMethod
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number
}

export interface ProportionIntervalResult {
  /** successes / trials */
  estimate: number
  lower: number
  upper: number
}

const METHODS: readonly ProportionIntervalMethod[] = [
  'wilson',
  'wilson-cc',
  'clopper-pearson',
  'jeffreys',
  'agresti-coull',
  'wald',
]

/**
 * Two-sided confidence interval for a binomial proportion p from x successes in n trials.
 *
 * Methods (p̂ = x/n, q̂ = 1 - p̂, z = z_{1-α/2}):
 * - `wilson` (default): score interval, the roots of |p̂ - π| = z √(π(1-π)/n)
 *   (Newcombe 1998 method 3). Good coverage at every n; the recommended default.
 * - `wilson-cc`: score interval with continuity correction (Newcombe 1998 method 4):
 *   L = [2np̂ + z² - 1 - z√(z² - 2 - 1/n + 4p̂(nq̂ + 1))] / [2(n + z²)],
 *   U = [2np̂ + z² + 1 + z√(z² + 2 - 1/n + 4p̂(nq̂ - 1))] / [2(n + z²)]; conservative.
 * - `clopper-pearson`: "exact" interval from beta quantiles, L = B(α/2; x, n-x+1),
 *   U = B(1-α/2; x+1, n-x); guaranteed ≥ nominal coverage, wide.
 * - `jeffreys`: equal-tailed posterior interval of Beta(x + ½, n - x + ½) with lower = 0 at
 *   x = 0 and upper = 1 at x = n (Brown, Cai & DasGupta 2001 §4.1.2).
 * - `agresti-coull`: ñ = n + z², p̃ = (x + z²/2)/ñ, p̃ ± z√(p̃(1-p̃)/ñ).
 * - `wald`: p̂ ± z√(p̂q̂/n); poor coverage near 0 and 1, provided only for comparison.
 * All bounds are clamped to [0, 1]; x = 0 gives lower exactly 0 and x = n upper exactly 1 for
 * wilson, wilson-cc, clopper-pearson and jeffreys. `estimate` is always p̂.
 *
 * When to use: any audited rate (error rate, overturn rate) reported with its uncertainty;
 * Wilson unless a regulator asks for Clopper-Pearson's guaranteed coverage.
 *
 * Reference: R. G. Newcombe (1998) "Two-sided confidence intervals for the single proportion:
 * comparison of seven methods", Statistics in Medicine 17:857-872 (Table I);
 * L. D. Brown, T. T. Cai & A. DasGupta (2001) "Interval estimation for a binomial proportion",
 * Statistical Science 16(2):101-133, https://doi.org/10.1214/ss/1009213286 ;
 * https://en.wikipedia.org/wiki/Binomial_proportion_confidence_interval
 *
 * Cost: O(1) for the closed forms; O(√n) per bound for clopper-pearson and jeffreys.
 *
 * @throws {StatsInputError} when trials is not a positive integer, successes is not an integer in
 * [0, trials], confidence is not in (0, 1) or the method is unknown
 * @example
 * proportionInterval(81, 263) // { estimate: 0.30798…, lower: 0.25531…, upper: 0.36624… }
 * proportionInterval(0, 20, { method: 'clopper-pearson' }) // { estimate: 0, lower: 0, upper: 0.16843… }
 */
export function proportionInterval(
  successes: number,
  trials: number,
  options: ProportionIntervalOptions = {},
): ProportionIntervalResult {
  const { method = 'wilson', confidence = 0.95 } = options
  assertBinomialCounts(successes, trials, 'proportionInterval')
  if (!METHODS.includes(method)) {
    throw new StatsInputError(
      `\`proportionInterval\` requires a known method (${METHODS.join(', ')})`,
    )
  }
  const z = criticalValue(confidence, 'proportionInterval')
  const x = successes
  const n = trials
  const p = x / n
  const alpha = 1 - confidence
  let lower: number
  let upper: number
  switch (method) {
    case 'wilson': {
      const bounds: [number, number] = [0, 0]
      wilsonBounds(p, n, z, bounds)
      ;[lower, upper] = bounds
      break
    }
    case 'wilson-cc': {
      const q = 1 - p
      const zz = z * z
      const denominator = 2 * (n + zz)
      lower =
        x === 0
          ? 0
          : (2 * n * p + zz - 1 - z * Math.sqrt(zz - 2 - 1 / n + 4 * p * (n * q + 1))) / denominator
      upper =
        x === n
          ? 1
          : (2 * n * p + zz + 1 + z * Math.sqrt(zz + 2 - 1 / n + 4 * p * (n * q - 1))) / denominator
      break
    }
    case 'clopper-pearson':
      lower = x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1)
      upper = x === n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x)
      break
    case 'jeffreys':
      lower = x === 0 ? 0 : betaQuantile(alpha / 2, x + 0.5, n - x + 0.5)
      upper = x === n ? 1 : betaQuantile(1 - alpha / 2, x + 0.5, n - x + 0.5)
      break
    case 'agresti-coull': {
      const adjustedTrials = n + z * z
      const center = (x + (z * z) / 2) / adjustedTrials
      const half = z * Math.sqrt((center * (1 - center)) / adjustedTrials)
      lower = center - half
      upper = center + half
      break
    }
    case 'wald': {
      const half = z * Math.sqrt((p * (1 - p)) / n)
      lower = p - half
      upper = p + half
      break
    }
  }
  return { estimate: p, lower: Math.max(0, lower), upper: Math.min(1, upper) }
}
