import {
  bootstrapInterval,
  type BootstrapInterval,
  type BootstrapIntervalOptions,
} from '../random/bootstrap-interval.js'
import { codeReliabilityData, type KrippendorffAlphaOptions } from './code-reliability-data.js'
import { computeAlphaFromCodes } from './compute-alpha-from-codes.js'
import type { RatingLabel } from './rating-label.js'

/**
 * Krippendorff's alpha with a percentile bootstrap interval from resampling units.
 *
 * Definition: the estimate is `krippendorffAlpha(data, options).value`; each replicate draws,
 * with replacement, as many units as there are pairable units (units with ≥ 2 values), keeps
 * each drawn unit's values from every rater, and recomputes α (coincidence marginals and, for
 * ordinal data, the rank distances from the resample). Resamples with a single distinct value
 * (α undefined) are skipped; see `bootstrapInterval` for the percentile rule.
 *
 * When to use: reporting calibration reliability with its uncertainty ("α = 0.71, 95 % CI
 * 0.64-0.77"). This resamples units, the unit of independence; Krippendorff's own bootstrap
 * (2004, §11.4) resamples pairable values instead and gives similar widths on typical data.
 *
 * Reference: Hayes & Krippendorff (2007) "Answering the call for a standard reliability measure
 * for coding data", Communication Methods and Measures 1(1):77-89 (bootstrapping α);
 * Efron & Tibshirani (1993) An Introduction to the Bootstrap, ch. 13.
 *
 * Cost: O(B R N) time for B replicates, R raters, N pairable units; O(R N) memory.
 *
 * @throws {StatsInputError} for the inputs `krippendorffAlpha` rejects, fewer than two pairable
 * units, invalid bootstrap options, or α undefined on more than half of the resamples
 * @example
 * // data: Krippendorff's 2011 example (4 observers × 12 units, see krippendorffAlpha tests)
 * krippendorffAlphaInterval(data, { level: 'nominal' }, { replicates: 2000, random: createRandom(7) })
 * // { estimate: 0.743421052631579, lower: 0.4126382665317559, upper: 0.9371902822693337, replicates: 2000 }
 */
export function krippendorffAlphaInterval(
  data: readonly (readonly (RatingLabel | null)[])[],
  options: KrippendorffAlphaOptions,
  bootstrapOptions: BootstrapIntervalOptions,
): BootstrapInterval {
  const fn = 'krippendorffAlphaInterval'
  const coded = codeReliabilityData(fn, data, options)
  const { codes, raters } = coded
  const pairableUnits: number[] = []
  for (let u = 0; u < codes.length / raters; u += 1) {
    let m = 0
    for (let r = 0; r < raters; r += 1) if (codes[u * raters + r] !== -1) m += 1
    if (m >= 2) pairableUnits.push(u)
  }
  const alphaOfUnits = (units: readonly number[]): number => {
    const sampleCodes = new Int32Array(units.length * raters)
    units.forEach((unit, i) => {
      sampleCodes.set(codes.subarray(unit * raters, unit * raters + raters), i * raters)
    })
    return computeAlphaFromCodes(fn, { ...coded, codes: sampleCodes }).value
  }
  if (pairableUnits.length < 2) {
    // Let the alpha computation report the more specific problem first.
    computeAlphaFromCodes(fn, coded)
  }
  return bootstrapInterval(alphaOfUnits, pairableUnits, bootstrapOptions)
}
