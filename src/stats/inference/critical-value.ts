import { normalQuantile } from '../distributions/normal-quantile.js'
import { StatsInputError } from '../stats-input-error.js'

/**
 * Two-sided standard normal critical value z_{1-α/2} for a confidence level 1 - α, after checking
 * 0 < confidence < 1. Internal helper shared by the interval functions.
 */
export function criticalValue(confidence: number, caller: string): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new StatsInputError(`\`${caller}\` requires confidence strictly between 0 and 1`)
  }
  return normalQuantile(1 - (1 - confidence) / 2)
}
