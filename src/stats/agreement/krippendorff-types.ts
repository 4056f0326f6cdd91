/**
 * Level of measurement for Krippendorff's alpha; it selects the difference function δ²:
 * nominal [c ≠ k]; ordinal (Σ_{g=c}^{k} n_g − (n_c + n_k)/2)²; interval (c − k)²;
 * ratio ((c − k)/(c + k))².
 */
export type KrippendorffLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio'

/** Result of {@link krippendorffAlpha} and {@link krippendorffAlphaCoded}. */
export interface KrippendorffAlpha {
  /** α = 1 − D_o / D_e. */
  value: number
  /** D_o = (1/n) Σ_c Σ_k o_ck δ²_ck from the coincidence matrix o. */
  observedDisagreement: number
  /** D_e = (1/(n(n − 1))) Σ_c Σ_k n_c n_k δ²_ck. */
  expectedDisagreement: number
  /** n: values in units with at least two values (the pairable values). */
  pairableValues: number
  /** Units with at least two values (the others are dropped). */
  units: number
}
