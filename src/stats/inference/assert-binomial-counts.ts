import { StatsInputError } from '../stats-input-error.js'

/**
 * Checks that trials is a positive integer and successes an integer in [0, trials].
 * Internal helper; `suffix` names the group in two-sample functions ("trials1").
 */
export function assertBinomialCounts(
  successes: number,
  trials: number,
  caller: string,
  suffix = '',
): void {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new StatsInputError(`\`${caller}\` requires trials${suffix} to be a positive integer`)
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new StatsInputError(
      `\`${caller}\` requires successes${suffix} to be an integer between 0 and trials${suffix}`,
    )
  }
}
