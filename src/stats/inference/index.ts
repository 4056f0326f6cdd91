// Barrel for the inference topic; each function lives in its own file.
export { benjaminiHochberg } from './benjamini-hochberg.js'
export { chiSquareTest } from './chi-square-test.js'
export type { ChiSquareTestOptions, ChiSquareTestResult } from './chi-square-test.js'
export { differenceOfProportionsInterval } from './difference-of-proportions-interval.js'
export type {
  DifferenceOfProportionsIntervalOptions,
  DifferenceOfProportionsIntervalResult,
} from './difference-of-proportions-interval.js'
export { horvitzThompson } from './horvitz-thompson.js'
export type { HorvitzThompsonResult, InclusionUnit } from './horvitz-thompson.js'
export { marginOfError } from './margin-of-error.js'
export type { MarginOfErrorOptions } from './margin-of-error.js'
export { proportionInterval } from './proportion-interval.js'
export type {
  ProportionIntervalMethod,
  ProportionIntervalOptions,
  ProportionIntervalResult,
} from './proportion-interval.js'
export { sampleSizeForDifference } from './sample-size-for-difference.js'
export type { SampleSizeForDifferenceOptions } from './sample-size-for-difference.js'
export { sampleSizeForMargin } from './sample-size-for-margin.js'
export type { SampleSizeForMarginOptions } from './sample-size-for-margin.js'
export { stratifiedProportion } from './stratified-proportion.js'
export type {
  ProportionStratum,
  StratifiedProportionOptions,
  StratifiedProportionResult,
} from './stratified-proportion.js'
export { twoProportionTest } from './two-proportion-test.js'
export type { TwoProportionTestResult } from './two-proportion-test.js'
export { weightedProportion } from './weighted-proportion.js'
export type {
  WeightedProportionOptions,
  WeightedProportionResult,
  WeightedUnit,
} from './weighted-proportion.js'
export { wilsonIntervals } from './wilson-intervals.js'
export type { WilsonIntervalsResult } from './wilson-intervals.js'
