import { logGamma } from './log-gamma.js'
import { stirlingCorrection } from './stirling-correction.js'

const HALF_LOG_TWO_PI = 0.9189385332046728

/**
 * Natural logarithm of the beta function, ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b).
 * When a parameter is ≥ 10 the large ln Γ terms are combined analytically and only Stirling
 * remainders are subtracted (as R's `lbeta`), keeping ~1e-15 relative accuracy for parameters in
 * the millions. Internal helper (not re-exported); callers validate a, b > 0.
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b)
  const q = Math.max(a, b)
  if (p >= 10) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
    return (
      -0.5 * Math.log(q) +
      HALF_LOG_TWO_PI +
      correction +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q))
    )
  }
  if (q >= 10) {
    const correction = stirlingCorrection(q) - stirlingCorrection(p + q)
    return logGamma(p) + correction + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q))
  }
  return logGamma(a) + logGamma(b) - logGamma(a + b)
}
