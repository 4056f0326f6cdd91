import { StatsInputError } from '../stats-input-error.js'
import { criticalValue } from './critical-value.js'
import { wilsonBounds } from './wilson-bounds.js'

export interface WeightedUnit {
  /** Non-negative weight, typically 1 / inclusion probability. */
  weight: number
  success: boolean
}

export interface WeightedProportionOptions {
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number
}

export interface WeightedProportionResult {
  /** Hájek estimate Σ w·y / Σ w */
  estimate: number
  /** Kish effective sample size (Σ w)² / Σ w² */
  effectiveSampleSize: number
  lower: number
  upper: number
}

/**
 * Weighted (Hájek) proportion with a Wilson interval at the Kish effective sample size.
 *
 * Definition: estimate p̂_w = Σ wᵢyᵢ / Σ wᵢ with yᵢ ∈ {0, 1}; effective sample size
 * n_eff = (Σ wᵢ)² / Σ wᵢ² (Kish 1965 §11.7, the design effect of unequal weights); the interval is
 * the Wilson score interval evaluated at n_eff (fractional) around p̂_w. This is an approximation:
 * it accounts for the variance inflation of unequal weights but not for stratification or
 * clustering, and treats weights as fixed. With equal weights it is exactly the unweighted Wilson
 * interval. Units with weight 0 are allowed and ignored.
 *
 * When to use: audit samples drawn with unequal inclusion probabilities (risk-weighted or
 * Neyman allocation) where each audited decision carries weight 1/π.
 *
 * Reference: L. Kish (1965) Survey Sampling, Wiley, §11.7; J. Hájek (1971) comment in
 * Foundations of Statistical Inference; https://en.wikipedia.org/wiki/Design_effect#Effective_sample_size
 *
 * Cost: O(n).
 *
 * @throws {StatsInputError} when units is empty, a weight is negative or not finite, the weights
 * sum to 0, a success flag is not boolean, or confidence is not in (0, 1)
 * @example
 * weightedProportion([{ weight: 1, success: true }, { weight: 3, success: false }])
 * // { estimate: 0.25, effectiveSampleSize: 1.6, lower: 0.02212…, upper: 0.83086… }
 */
export function weightedProportion(
  units: readonly WeightedUnit[],
  options: WeightedProportionOptions = {},
): WeightedProportionResult {
  const { confidence = 0.95 } = options
  if (units.length === 0) {
    throw new StatsInputError('`weightedProportion` requires at least one unit')
  }
  const z = criticalValue(confidence, 'weightedProportion')
  let total = 0
  let totalSquares = 0
  let successWeight = 0
  for (const unit of units) {
    const { weight, success } = unit
    if (!(weight >= 0) || !Number.isFinite(weight)) {
      throw new StatsInputError('`weightedProportion` requires finite non-negative weights')
    }
    if (typeof success !== 'boolean') {
      throw new StatsInputError('`weightedProportion` requires success to be true or false')
    }
    total += weight
    totalSquares += weight * weight
    if (success) successWeight += weight
  }
  if (total === 0) {
    throw new StatsInputError('`weightedProportion` requires weights with a positive sum')
  }
  // Clamp guards against round-off pushing Σwy/Σw a hair past 1.
  const estimate = Math.min(1, successWeight / total)
  const effectiveSampleSize = (total * total) / totalSquares
  const bounds: [number, number] = [0, 0]
  wilsonBounds(estimate, effectiveSampleSize, z, bounds)
  return { estimate, effectiveSampleSize, lower: bounds[0], upper: bounds[1] }
}
