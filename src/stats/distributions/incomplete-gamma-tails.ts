import { StatsInputError } from '../stats-input-error.js'
import { logGamma } from './log-gamma.js'
import { stirlingCorrection } from './stirling-correction.js'

const TINY = 1e-300
const EPSILON = 1e-16

/** Both regularized incomplete gamma tails at one point. */
export interface GammaTails {
  /** P(a, x) */
  lower: number
  /** Q(a, x) = 1 - P(a, x) */
  upper: number
}

/** (r - 1) - ln r for r = x / a, without cancellation when r is near 1. */
function linearMinusLog(x: number, a: number): number {
  const t = (x - a) / a
  if (Math.abs(t) >= 0.1) return t - Math.log(x / a)
  // Σ_{k≥2} (-1)^k t^k / k; |t| < 0.1 makes 30 terms exceed double precision.
  let term = t
  let sum = 0
  for (let k = 2; k <= 30; k++) {
    term *= -t
    sum -= term / k
  }
  return sum
}

/**
 * ln(x^a e^{-x} / Γ(a)). For a ≥ 10 it is rewritten as
 * -a·[(x/a - 1) - ln(x/a)] + ½ ln(a / 2π) - δ(a), which avoids subtracting two numbers of size
 * a ln a (Temme's / Loader's device); otherwise it is evaluated directly.
 */
function logGammaDensityFactor(a: number, x: number): number {
  if (a < 10) return -x + a * Math.log(x) - logGamma(a)
  return -a * linearMinusLog(x, a) + 0.5 * Math.log(a) - 0.9189385332046728 - stirlingCorrection(a)
}

/**
 * P(a, x) and Q(a, x) (Numerical Recipes §6.2): the series for x < a + 1, the continued
 * fraction (modified Lentz) otherwise; the tail computed directly is the smaller one, so
 * both keep relative precision. Internal helper; callers validate a > 0, x ≥ 0.
 */
export function incompleteGammaTails(a: number, x: number, caller: string): GammaTails {
  if (x === 0) return { lower: 0, upper: 1 }
  if (x === Infinity) return { lower: 1, upper: 0 }
  const logFront = logGammaDensityFactor(a, x)
  const maxIterations = 1000 + Math.ceil(20 * Math.sqrt(a + x))
  if (x < a + 1) {
    let ap = a
    let delta = 1 / a
    let sum = delta
    for (let n = 0; n < maxIterations; n++) {
      ap += 1
      delta *= x / ap
      sum += delta
      if (Math.abs(delta) < Math.abs(sum) * EPSILON) {
        const lower = sum * Math.exp(logFront)
        return { lower, upper: 1 - lower }
      }
    }
  } else {
    let b = x + 1 - a
    let c = 1 / TINY
    let d = 1 / b
    let h = d
    for (let i = 1; i <= maxIterations; i++) {
      const an = -i * (i - a)
      b += 2
      d = an * d + b
      if (Math.abs(d) < TINY) d = TINY
      c = b + an / c
      if (Math.abs(c) < TINY) c = TINY
      d = 1 / d
      const delta = d * c
      h *= delta
      if (Math.abs(delta - 1) <= EPSILON) {
        const upper = Math.exp(logFront) * h
        return { lower: 1 - upper, upper }
      }
    }
  }
  throw new StatsInputError(`\`${caller}\` did not converge for a = ${a}, x = ${x}`)
}
