import { StatsInputError } from '../stats-input-error.js'
import { incompleteGammaTails } from './incomplete-gamma-tails.js'

/**
 * Regularized lower incomplete gamma function P(a, x).
 *
 * Definition: P(a, x) = γ(a, x) / Γ(a) = (1 / Γ(a)) ∫_0^x t^{a-1} e^{-t} dt, the CDF of a Gamma(a, 1) variable. Series expansion for x < a + 1 and Lentz continued fraction otherwise
 * (Numerical Recipes §6.2); relative accuracy about 1e-14 for moderate a. Q(a, x) = 1 - P(a, x) is `regularizedGammaQ`.
 *
 * When to use: chi-square and Poisson tail probabilities (P(χ²_k ≤ x) = P(k/2, x/2);
 * P(N ≤ k) for N ~ Poisson(λ) is Q(k + 1, λ)).
 *
 * Reference: W. H. Press et al., Numerical Recipes, 3rd ed. (2007), §6.2;
 * NIST DLMF §8.2 (https://dlmf.nist.gov/8.2); https://en.wikipedia.org/wiki/Incomplete_gamma_function
 *
 * Cost: O(√(a + x)) terms.
 *
 * @throws {StatsInputError} when a is not finite and greater than 0, or x is negative or NaN
 * @example
 * regularizedGammaP(1, 1) // ≈ 0.6321205588285577 (= 1 - e⁻¹)
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) {
    throw new StatsInputError('`regularizedGammaP` requires a finite shape a greater than 0')
  }
  if (!(x >= 0))
    throw new StatsInputError('`regularizedGammaP` requires x greater than or equal to 0')
  return incompleteGammaTails(a, x, 'regularizedGammaP').lower
}
