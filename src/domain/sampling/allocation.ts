/**
 * Allocation of a sample across strata: how many decisions n_h to draw from each stratum of
 * volume N_h, for every method of a plan. Pure; the batch draw uses the sizes as exact quotas, the
 * streaming draw turns them into rates n_h / N_h over a reference period's volumes.
 *
 * Rules (w_h is the weight a total is split by; every n_h is capped at N_h and caps.per_stratum,
 * and the sum at caps.total, with what a capped stratum cannot take going to the others):
 * - fixed_rate: n_h = round(r_h · N_h), r_h = allocation.rates[h] ?? allocation.rate;
 * - fixed_count: n_h = min(count, N_h);
 * - proportional: w_h = N_h;  equal: w_h = 1;
 * - neyman: w_h = N_h · S_h, S_h = sqrt(p_h (1 − p_h)), p_h = (errors_h + 1) / (audits_h + 2)
 *   from the previous period's first audits (Laplace's rule: no audits gives p_h = 0.5, and no
 *   stratum gets S_h = 0 and so no sample);
 * - risk_weighted: w_h = N_h · tier_weight(policy tier of the stratum); the tier is a stratum.
 * Integer sizes by the largest-remainder method, so Σ n_h equals the total exactly.
 */
import { DEFAULT_TIER_WEIGHTS, type SamplingPlan } from './plan.js'

export interface StratumVolume {
  stratum: string
  volume: number
  /** Previous period's first audits in this stratum and how many were errors (for neyman). */
  audits?: number
  errors?: number
}

export interface StratumAllocation {
  stratum: string
  volume: number
  size: number
  /** n_h / N_h (0 when the stratum is empty). */
  rate: number
  /** The error rate assumed for planning margins and Neyman: (errors + 1) / (audits + 2). */
  expectedErrorRate: number
}

/** Splits `total` across items by `weights`, never above `caps`; integers summing to min(total, Σ caps). */
export function splitByWeights(
  total: number,
  weights: readonly number[],
  caps: readonly number[],
): number[] {
  const n = weights.length
  const capSum = caps.reduce((a, b) => a + b, 0)
  if (total >= capSum) return [...caps]
  const shares = new Array<number>(n).fill(0)
  const fixed = new Array<boolean>(n).fill(false)
  let remaining = total
  // Water-filling: give every open item its weighted share; fix those that hit their cap; repeat.
  for (;;) {
    let weightSum = 0
    for (let i = 0; i < n; i++) if (!fixed[i]) weightSum += weights[i]!
    if (weightSum <= 0) break
    let capped = false
    for (let i = 0; i < n; i++) {
      if (fixed[i]) continue
      const share = (remaining * weights[i]!) / weightSum
      if (share >= caps[i]!) {
        shares[i] = caps[i]!
        fixed[i] = true
        remaining -= caps[i]!
        capped = true
      }
    }
    if (!capped) {
      for (let i = 0; i < n; i++) if (!fixed[i]) shares[i] = (remaining * weights[i]!) / weightSum
      break
    }
  }
  const sizes = shares.map((s) => Math.floor(s + 1e-9))
  let left = Math.min(total, capSum) - sizes.reduce((a, b) => a + b, 0)
  const order = shares
    .map((s, i) => ({ i, remainder: s - sizes[i]! }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i)
  for (const { i } of order) {
    if (left <= 0) break
    if (sizes[i]! < caps[i]!) {
      sizes[i]! += 1
      left -= 1
    }
  }
  return sizes
}

function tierOfStratum(plan: SamplingPlan, stratum: string): number {
  const index = plan.strata.indexOf('policy_tier')
  return index < 0 ? 0 : Number(stratum.split('|')[index] ?? 0)
}

/** The sample size of every stratum under the plan; strata keep their input order. */
export function allocateSample(
  plan: SamplingPlan,
  strata: readonly StratumVolume[],
): StratumAllocation[] {
  const a = plan.allocation
  const perStratumCap = plan.caps.per_stratum ?? Number.POSITIVE_INFINITY
  const caps = strata.map((s) => Math.min(s.volume, perStratumCap))
  const errorRates = strata.map((s) => ((s.errors ?? 0) + 1) / ((s.audits ?? 0) + 2))
  let sizes: number[]
  switch (a.method) {
    case 'fixed_rate':
      sizes = strata.map((s, i) =>
        Math.min(caps[i]!, Math.round((a.rates?.[s.stratum] ?? a.rate ?? 0) * s.volume)),
      )
      break
    case 'fixed_count':
      sizes = caps.map((cap) => Math.min(cap, a.count ?? 0))
      break
    default: {
      const weights = strata.map((s, i) => {
        if (a.method === 'proportional') return s.volume
        if (a.method === 'equal') return s.volume > 0 ? 1 : 0
        if (a.method === 'neyman')
          return s.volume * Math.sqrt(errorRates[i]! * (1 - errorRates[i]!))
        const tier = tierOfStratum(plan, s.stratum)
        return (
          s.volume * (a.tier_weights?.[String(tier)] ?? DEFAULT_TIER_WEIGHTS[String(tier)] ?? 1)
        )
      })
      sizes = splitByWeights(a.total ?? 0, weights, caps)
    }
  }
  const totalCap = plan.caps.total
  if (totalCap !== undefined && sizes.reduce((x, y) => x + y, 0) > totalCap) {
    sizes = splitByWeights(totalCap, sizes, sizes)
  }
  return strata.map((s, i) => ({
    stratum: s.stratum,
    volume: s.volume,
    size: sizes[i]!,
    rate: s.volume > 0 ? sizes[i]! / s.volume : 0,
    expectedErrorRate: errorRates[i]!,
  }))
}
