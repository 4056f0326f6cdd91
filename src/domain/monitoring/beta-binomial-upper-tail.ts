/**
 * Upper tail of the beta-binomial distribution, P(X ≥ x) for X ~ BetaBinomial(n, a, b): the
 * probability of at least x defects in n new audits when the defect rate itself is only known
 * from a baseline (posterior Beta(a, b)). It is the p-value of a monitor's point: exact for the
 * discreteness of small counts (a normal approximation is far too optimistic in the upper tail of a
 * small rate — e.g. 7 of 30 at a 5 % baseline is p ≈ 5·10⁻⁴ exactly, 3·10⁻⁵ by z), and it widens
 * for a baseline built from few audits.
 *
 * pmf(k) = C(n, k) · B(k + a, n − k + b) / B(a, b); summed from x to n with the ratio
 * pmf(k+1)/pmf(k) = (n − k)(k + a) / ((k + 1)(n − k − 1 + b)), stopping once terms no longer
 * change the sum. Reference: https://en.wikipedia.org/wiki/Beta-binomial_distribution.
 * Cost: O(n − x) at worst, usually a few dozen terms.
 *
 * @example betaBinomialUpperTail(3, 3, 1, 1) // 0.25 (uniform rate: P(X = 3 of 3) = 1/4)
 */
import { logGamma } from '../../stats/index.js'

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b)
}

export function betaBinomialUpperTail(x: number, n: number, a: number, b: number): number {
  if (!(Number.isInteger(n) && n >= 0) || !Number.isInteger(x) || !(a > 0) || !(b > 0)) {
    throw new RangeError('`betaBinomialUpperTail` requires integer x and n ≥ 0 and positive a, b')
  }
  if (x <= 0) return 1
  if (x > n) return 0
  const logPmfX =
    logGamma(n + 1) -
    logGamma(x + 1) -
    logGamma(n - x + 1) +
    logBeta(x + a, n - x + b) -
    logBeta(a, b)
  let term = 1
  let sum = 1
  for (let k = x; k < n; k++) {
    term *= ((n - k) * (k + a)) / ((k + 1) * (n - k - 1 + b))
    sum += term
    if (term < sum * 1e-15) break
  }
  return Math.min(1, Math.exp(logPmfX + Math.log(sum)))
}
