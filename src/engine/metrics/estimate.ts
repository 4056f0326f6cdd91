/**
 * Estimates from per-slice sums (n, Σw, Σw², Σw·y), so that nothing per audit has to reach JS.
 *
 * Proportion: the design-weighted (Hájek) estimate p̂ = Σw·y / Σw with w = 1/π, the Kish effective
 * sample size n_eff = (Σw)² / Σw², and the Wilson score interval at n_eff — exactly what stats
 * `weightedProportion` computes from the units (it depends on them only through these sums; the
 * equality is tested). Weighted score: the same on the mean penalty y ∈ [0, 1] (conservative:
 * Var(y) ≤ μ(1 − μ) for a variable in [0, 1]), reported as 1 − mean penalty.
 */
import { normalCdf, normalQuantile, sampleSizeForMargin } from '../../stats/index.js'
import type { MeasureSums } from '../../store/metrics-store.js'

export interface Estimate {
  /** Point estimate (a proportion or score in [0, 1], ms for quantiles, a count); null without data. */
  estimate: number | null
  lower: number | null
  upper: number | null
  /** Audits (or decisions, for volume metrics) behind the estimate. */
  n: number
  /** Kish effective sample size; equals n when every weight is equal. Null for counts and quantiles. */
  effectiveSampleSize: number | null
  /** Audits in the numerator (unweighted), for proportion and score metrics. */
  successes: number | null
}

export const EMPTY_ESTIMATE: Estimate = {
  estimate: null,
  lower: null,
  upper: null,
  n: 0,
  effectiveSampleSize: null,
  successes: null,
}

/** Wilson score interval for a proportion p at a (possibly fractional) sample size n. */
export function wilsonAt(p: number, n: number, confidence: number): [number, number] {
  const z = normalQuantile(1 - (1 - confidence) / 2)
  const zz = z * z
  const denominator = 1 + zz / n
  const center = (p + zz / (2 * n)) / denominator
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + zz / (4 * n * n))
  let lower: number
  let upper: number
  // Root products keep relative precision near 0 and 1 (as the stats core does).
  if (p <= 0.5) {
    upper = center + half
    lower = p === 0 ? 0 : (p * p) / (denominator * upper)
  } else {
    lower = center - half
    const q = 1 - p
    upper = p === 1 ? 1 : 1 - (q * q) / (denominator * (1 - lower))
  }
  return [Math.max(0, lower), Math.min(1, upper)]
}

/** Hájek proportion with Kish n_eff and the Wilson interval at n_eff, from sums. */
export function proportionFromSums(sums: MeasureSums, confidence: number): Estimate {
  if (sums.n === 0 || sums.sw <= 0) return { ...EMPTY_ESTIMATE, n: sums.n, successes: sums.ny }
  const p = Math.min(1, Math.max(0, sums.swy / sums.sw))
  const effectiveSampleSize = (sums.sw * sums.sw) / sums.sw2
  const [lower, upper] = wilsonAt(p, effectiveSampleSize, confidence)
  return { estimate: p, lower, upper, n: sums.n, effectiveSampleSize, successes: sums.ny }
}

/** Severity-weighted score 1 − mean penalty with the interval mirrored from the penalty's. */
export function scoreFromSums(sums: MeasureSums, confidence: number): Estimate {
  const penalty = proportionFromSums(sums, confidence)
  if (penalty.estimate === null) return penalty
  return {
    ...penalty,
    estimate: 1 - penalty.estimate,
    lower: 1 - (penalty.upper as number),
    upper: 1 - (penalty.lower as number),
  }
}

export interface Comparison {
  /** estimate(a) − estimate(b) */
  difference: number
  z: number
  pValue: number
}

/**
 * Two-sided z test of equal proportions between two independent slices, on effective sample
 * sizes: p̄ = (p₁n₁ + p₂n₂)/(n₁ + n₂), z = (p₁ − p₂)/√(p̄(1 − p̄)(1/n₁ + 1/n₂)), p = 2Φ(−|z|).
 * With equal weights it is stats `twoProportionTest` (pooled, no continuity correction).
 * Null when either side has no data.
 */
export function compareEstimates(a: Estimate, b: Estimate): Comparison | null {
  if (
    a.estimate === null ||
    b.estimate === null ||
    a.effectiveSampleSize === null ||
    b.effectiveSampleSize === null
  )
    return null
  const n1 = a.effectiveSampleSize
  const n2 = b.effectiveSampleSize
  const pooled = (a.estimate * n1 + b.estimate * n2) / (n1 + n2)
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
  const difference = a.estimate - b.estimate
  if (!(variance > 0)) return { difference, z: 0, pValue: 1 }
  const z = difference / Math.sqrt(variance)
  return { difference, z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))) }
}

/** Sums of everything except a slice: the sums are additive, so rest = total − slice. */
export function subtractSums(total: MeasureSums, part: MeasureSums): MeasureSums {
  return {
    n: total.n - part.n,
    ny: total.ny - part.ny,
    sw: Math.max(0, total.sw - part.sw),
    sw2: Math.max(0, total.sw2 - part.sw2),
    swy: Math.max(0, total.swy - part.swy),
  }
}

/**
 * Audits still needed to settle an inconclusive target at the current rate: the effective size
 * n* at which the half-width z√(p(1−p)/n*) falls below |p̂ − threshold| (stats `sampleSizeForMargin`),
 * minus the current n_eff, scaled back to audits by the current design effect n / n_eff.
 * Null when the estimate sits on the threshold (no sample size settles it).
 */
export function auditsToSettle(
  estimate: Estimate,
  threshold: number,
  confidence: number,
  penaltyScale = false,
): number | null {
  if (estimate.estimate === null || estimate.effectiveSampleSize === null) return null
  // For a score the interval is mirrored from the penalty proportion 1 − score.
  const p = penaltyScale ? 1 - estimate.estimate : estimate.estimate
  const t = penaltyScale ? 1 - threshold : threshold
  const margin = Math.abs(p - t)
  if (!(margin > 0) || margin >= 1) return null
  const planning = Math.min(1 - 1e-6, Math.max(1e-6, p))
  const required = sampleSizeForMargin({ margin, p: planning, confidence })
  const designEffect =
    estimate.effectiveSampleSize > 0 ? estimate.n / estimate.effectiveSampleSize : 1
  return Math.max(1, Math.ceil((required - estimate.effectiveSampleSize) * designEffect))
}
