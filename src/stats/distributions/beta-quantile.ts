import { StatsInputError } from '../stats-input-error.js'
import { incompleteBetaTails } from './incomplete-beta-tails.js'
import { logBeta } from './log-beta.js'
import { normalQuantile } from './normal-quantile.js'

/**
 * Starting value from Numerical Recipes §6.14 (`invbetai`): a normal approximation
 * (Abramowitz & Stegun 26.5.22) when a, b ≥ 1, otherwise a power-law tail approximation.
 */
function initialGuess(p: number, a: number, b: number): number {
  if (a >= 1 && b >= 1) {
    const z = -normalQuantile(p) // A&S use the upper-tail deviate
    const lambda = (z * z - 3) / 6
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
    const w =
      (z * Math.sqrt(lambda + h)) / h -
      (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5 / 6 - 2 / (3 * h))
    return a / (a + b * Math.exp(2 * w))
  }
  const lna = Math.log(a / (a + b))
  const lnb = Math.log(b / (a + b))
  const t = Math.exp(a * lna) / a
  const u = Math.exp(b * lnb) / b
  const w = t + u
  if (p < t / w) return Math.pow(a * w * p, 1 / a)
  return 1 - Math.pow(b * w * (1 - p), 1 / b)
}

/**
 * Quantile (inverse CDF) of the Beta(a, b) distribution: the x with I_x(a, b) = p.
 *
 * Definition: inverse of `regularizedIncompleteBeta` in x. Solved by Newton's method on the
 * tail that holds p (lower tail for p ≤ ½, upper tail otherwise, so tiny tail areas keep their
 * relative precision), safeguarded by a shrinking bracket [lo, hi] with bisection whenever a
 * Newton step leaves it. Converges to about 1e-12 relative (usually machine precision).
 *
 * When to use: Clopper-Pearson (exact) and Jeffreys binomial intervals, Bayesian credible
 * intervals for a proportion with a beta prior.
 *
 * Reference: W. H. Press et al., Numerical Recipes, 3rd ed. (2007), §6.14.11 (`invbetai`);
 * M. Abramowitz & I. Stegun, Handbook of Mathematical Functions, 26.5.22;
 * https://en.wikipedia.org/wiki/Beta_distribution
 *
 * Cost: O(k · √max(a, b)) for k ≈ 3-10 Newton steps.
 *
 * @throws {StatsInputError} when p is outside [0, 1] or a, b are not finite and greater than 0
 * @example
 * betaQuantile(0.5, 2, 2) // 0.5
 * betaQuantile(0.025, 81, 183) // ≈ 0.252737 (Clopper-Pearson lower bound for 81/263)
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) {
    throw new StatsInputError('`betaQuantile` requires a probability between 0 and 1')
  }
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new StatsInputError(
      '`betaQuantile` requires finite shape parameters a and b greater than 0',
    )
  }
  if (p === 0) return 0
  if (p === 1) return 1
  const useLower = p <= 0.5
  const target = useLower ? p : 1 - p
  const logNormaliser = logBeta(a, b)
  // f(x) = tail(x) - target is increasing in x on the lower tail and decreasing on the upper.
  const residual = (x: number): number => {
    const tails = incompleteBetaTails(x, a, b, 'betaQuantile')
    return useLower ? tails.lower - target : target - tails.upper
  }
  let lo = 0
  let hi = 1
  let x = initialGuess(p, a, b)
  if (!(x > 0 && x < 1)) x = 0.5
  for (let iteration = 0; iteration < 200; iteration++) {
    const f = residual(x)
    if (f === 0) return x
    if (f < 0) lo = x
    else hi = x
    const logDensity = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logNormaliser
    const density = Math.exp(logDensity)
    let next = density > 0 && Number.isFinite(density) ? x - f / density : Number.NaN
    if (!(next > lo && next < hi)) {
      // Bisect; geometrically when the bracket spans orders of magnitude near 0 or 1.
      if (lo > 0 && hi / lo > 16) next = Math.sqrt(lo * hi)
      else if (hi < 1 && (1 - lo) / (1 - hi) > 16) next = 1 - Math.sqrt((1 - lo) * (1 - hi))
      else next = 0.5 * (lo + hi)
    }
    if (Math.abs(next - x) <= 1e-15 * Math.max(x, 1e-300) || hi - lo <= 1e-15 * hi) return next
    x = next
  }
  return x
}
