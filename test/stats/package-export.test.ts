import { describe, expect, it } from 'vitest'

describe('assay/stats package export', () => {
  it('resolves the public library through package.json "exports" (built by npm ci → prepare)', async () => {
    const stats = (await import('assay/stats')) as Record<string, unknown>
    for (const name of [
      'proportionInterval',
      'weightedProportion',
      'stratifiedProportion',
      'twoProportionTest',
      'chiSquareTest',
      'benjaminiHochberg',
      'sampleSizeForMargin',
      'sampleSizeForDifference',
      'horvitzThompson',
      'cohensKappa',
      'fleissKappa',
      'krippendorffAlpha',
      'gwetAC1',
      'gwetAC1FromCounts',
      'scottsPi',
      'percentAgreement',
      'confusionMatrix',
      'dawidSkene',
      'rocAuc',
      'averagePrecision',
      'expectedCalibrationError',
      'pChart',
      'individualsChart',
      'ewmaChart',
      'cusum',
      'nelsonRules',
      'dpmo',
      'sigmaLevel',
      'pareto',
    ]) {
      expect(typeof stats[name], name).toBe('function')
    }
    const wilson = (
      stats.proportionInterval as (x: number, n: number) => { lower: number; upper: number }
    )(81, 263)
    // Newcombe (1998) Table I, 81/263 Wilson: 0.2553 to 0.3662
    expect(wilson.lower).toBeCloseTo(0.2553, 4)
    expect(wilson.upper).toBeCloseTo(0.3662, 4)
  })
})
