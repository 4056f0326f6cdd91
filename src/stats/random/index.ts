// Barrel for seeded randomness and resampling; each function lives in its own file.
export { createRandom } from './create-random.js'
export { bootstrapInterval } from './bootstrap-interval.js'
export type { BootstrapInterval, BootstrapIntervalOptions } from './bootstrap-interval.js'
