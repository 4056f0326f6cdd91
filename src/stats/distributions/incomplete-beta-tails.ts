import { StatsInputError } from '../stats-input-error.js'
import { logBeta } from './log-beta.js'

const TINY = 1e-300
const EPSILON = 1e-16

/** Both tails of the regularized incomplete beta function at one point. */
export interface BetaTails {
  /** I_x(a, b) */
  lower: number
  /** 1 - I_x(a, b) = I_{1-x}(b, a) */
  upper: number
}

/**
 * Continued fraction for I_x(a, b) evaluated with the modified Lentz method
 * (Numerical Recipes, 3rd ed., §6.4, `betacf`). Converges fast for x < (a+1)/(a+b+2).
 */
function betaContinuedFraction(x: number, a: number, b: number, caller: string): number {
  const qab = a + b
  const qap = a + 1
  const qam = a - 1
  let c = 1
  let d = 1 - (qab * x) / qap
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  // Convergence takes O(√max(a, b)) terms; the cap only guards against a runaway loop.
  const maxIterations = 1000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)))
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) <= EPSILON) return h
  }
  throw new StatsInputError(`\`${caller}\` did not converge for a = ${a}, b = ${b}`)
}

/**
 * I_x(a, b) and its complement, each computed so the smaller tail keeps relative precision:
 * the continued fraction is evaluated on whichever side of the mean x lies, and the other tail
 * is obtained by subtraction. Internal helper; callers validate 0 ≤ x ≤ 1 and a, b > 0.
 */
export function incompleteBetaTails(
  x: number,
  a: number,
  b: number,
  caller = 'regularizedIncompleteBeta',
): BetaTails {
  if (x <= 0) return { lower: 0, upper: 1 }
  if (x >= 1) return { lower: 1, upper: 0 }
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b)
  const front = Math.exp(logFront)
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (front * betaContinuedFraction(x, a, b, caller)) / a
    return { lower, upper: 1 - lower }
  }
  const upper = (front * betaContinuedFraction(1 - x, b, a, caller)) / b
  return { lower: 1 - upper, upper }
}
