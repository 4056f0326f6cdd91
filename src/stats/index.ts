/**
 * Assay's statistics library: pure functions, no I/O. Public as `assay/stats`.
 * Grouped by topic; every function documents its formula and source.
 */
export { StatsInputError } from './stats-input-error.js'
export * from './distributions/index.js'
export * from './inference/index.js'
export * from './agreement/index.js'
export * from './classification/index.js'
export * from './control/index.js'
export * from './sketch/index.js'
export * from './random/index.js'
