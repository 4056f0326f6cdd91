/**
 * Wilson score limits for an estimate p from n (possibly fractional, e.g. an effective sample
 * size) trials at critical value z. The limits are the roots of
 * (1 + z²/n) π² - (2p + z²/n) π + p² = 0; the root nearer an end point is taken from the root
 * product (p² / (1 + z²/n), or (1-p)² / (1 + z²/n) for 1 - π) so it keeps relative precision
 * when p is close to 0 or 1. p = 0 gives lower exactly 0 and p = 1 upper exactly 1.
 * Internal helper; writes [lower, upper] into `out` to avoid allocation in batch use.
 */
export function wilsonBounds(p: number, n: number, z: number, out: [number, number]): void {
  const zz = z * z
  const denominator = 1 + zz / n
  const center = (p + zz / (2 * n)) / denominator
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + zz / (4 * n * n))
  let lower: number
  let upper: number
  if (p <= 0.5) {
    upper = center + half
    lower = p === 0 ? 0 : (p * p) / (denominator * upper)
  } else {
    lower = center - half
    const q = 1 - p
    upper = p === 1 ? 1 : 1 - (q * q) / (denominator * (1 - lower))
  }
  out[0] = Math.max(0, lower)
  out[1] = Math.min(1, upper)
}
