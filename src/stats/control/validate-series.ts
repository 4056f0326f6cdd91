import { StatsInputError } from '../stats-input-error.js'

/** Throws unless every value is a finite number and there are at least `minimum` of them. Internal. */
export function validateSeries(
  functionName: string,
  values: ArrayLike<number>,
  minimum: number,
): void {
  if (values.length < minimum) {
    const count = minimum === 1 ? 'one value' : minimum === 2 ? 'two values' : `${minimum} values`
    throw new StatsInputError(`\`${functionName}\` requires at least ${count}`)
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new StatsInputError(`\`${functionName}\` requires finite values`)
    }
  }
}

/**
 * Resolves the centre line and σ of a time-weighted chart: explicit values are checked,
 * missing ones are estimated (mean; MR̄/d₂ from moving ranges of span 2). Internal.
 */
export function validateTargetSigma(
  functionName: string,
  values: ArrayLike<number>,
  target: number | undefined,
  sigma: number | undefined,
  estimate: { mean: () => number; sigma: () => number },
): { target: number; sigma: number } {
  if (target !== undefined && !Number.isFinite(target)) {
    throw new StatsInputError(`\`${functionName}\` requires a finite target`)
  }
  if (sigma !== undefined && !(Number.isFinite(sigma) && sigma > 0)) {
    throw new StatsInputError(`\`${functionName}\` requires sigma to be a positive finite number`)
  }
  if (sigma === undefined && values.length < 2) {
    throw new StatsInputError(`\`${functionName}\` requires at least two values to estimate sigma`)
  }
  return { target: target ?? estimate.mean(), sigma: sigma ?? estimate.sigma() }
}
