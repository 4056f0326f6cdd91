import { StatsInputError } from '../stats-input-error.js'
import { incompleteGammaTails } from './incomplete-gamma-tails.js'

/**
 * Regularized upper incomplete gamma function Q(a, x).
 *
 * Definition: Q(a, x) = Γ(a, x) / Γ(a) = 1 - P(a, x), the survival function of a Gamma(a, 1) variable. Series expansion for x < a + 1 and Lentz continued fraction otherwise
 * (Numerical Recipes §6.2); relative accuracy about 1e-14 for moderate a. Q is computed directly (not as 1 - P) when it is the smaller tail, so it keeps relative precision far in the upper tail.
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
 * regularizedGammaQ(1, 1) // ≈ 0.36787944117144233 (= e⁻¹)
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) {
    throw new StatsInputError('`regularizedGammaQ` requires a finite shape a greater than 0')
  }
  if (!(x >= 0))
    throw new StatsInputError('`regularizedGammaQ` requires x greater than or equal to 0')
  return incompleteGammaTails(a, x, 'regularizedGammaQ').upper
}
