import { normalQuantile } from '../distributions/normal-quantile.js'
import { StatsInputError } from '../stats-input-error.js'

/** The conventional long-term/short-term shift of Six Sigma tables, in σ. */
const SIX_SIGMA_SHIFT = 1.5

/**
 * Six Sigma process sigma level (short-term Z) from defects per million opportunities.
 *
 * Definition: sigma level = Φ⁻¹(1 − DPMO/10⁶) + 1.5, where Φ⁻¹ is the standard normal
 * quantile and 1.5 is the conventional 1.5σ shift assumed between long-term (observed) and
 * short-term performance. So 3.4 DPMO → 6.0, 66,807 → 3.0, 308,538 → 2.0 (approximately). The
 * shift is a convention, not a property of the data; drop it (subtract 1.5) for the long-term
 * Z. Computed as 1.5 − Φ⁻¹(DPMO/10⁶), which keeps precision for small DPMO.
 *
 * When to use: reporting against Six Sigma targets alongside DPMO; prefer the error rate
 * with its interval for decisions.
 *
 * Reference: https://en.wikipedia.org/wiki/Six_Sigma#Sigma_levels (table and the 1.5σ
 * shift); NIST/SEMATECH e-Handbook §6.1.6.
 *
 * Cost: O(1).
 *
 * @throws {StatsInputError} when dpmo is not strictly between 0 and 1,000,000 (the level
 * would be infinite)
 * @example
 * sigmaLevel(3.4) // 5.99985… (≈ 6.0)
 * sigmaLevel(66807) // 3.0000016 (≈ 3.0)
 */
export function sigmaLevel(dpmo: number): number {
  if (!(dpmo > 0 && dpmo < 1e6)) {
    throw new StatsInputError('`sigmaLevel` requires dpmo greater than 0 and less than 1000000')
  }
  return SIX_SIGMA_SHIFT - normalQuantile(dpmo / 1e6)
}
