/**
 * Inference for proportions at dashboard scale. Targets (2 cores in CI):
 * - Wilson intervals for 1,000,000 slices (typed arrays in, Float64Arrays out) < 100 ms
 * - Benjamini-Hochberg adjustment of 1,000,000 p-values
 * Run: node --import tsx --expose-gc bench/stats-inference.bench.ts
 */
import { benjaminiHochberg } from '../src/stats/inference/benjamini-hochberg.js'
import { proportionInterval } from '../src/stats/inference/proportion-interval.js'
import { wilsonIntervals } from '../src/stats/inference/wilson-intervals.js'
import { describeMachine, peakRssMiB, report } from './machine.js'

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)

/** Median wall time in ms of `runs` calls after one warm-up call. */
function time<T>(runs: number, work: () => T): { median: number; result: T } {
  let result = work()
  const times: number[] = []
  for (let i = 0; i < runs; i += 1) {
    gc()
    const start = performance.now()
    result = work()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)] as number, result }
}

/** Deterministic xorshift32 in [0, 1) so runs are comparable. */
function createXorshift(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 4294967296
  }
}

console.log(describeMachine())
const random = createXorshift(20240607)

const SLICES = 1_000_000
const successes = new Int32Array(SLICES)
const trials = new Int32Array(SLICES)
for (let i = 0; i < SLICES; i += 1) {
  const n = 1 + Math.floor(random() * 2000)
  trials[i] = n
  successes[i] = Math.floor(random() * (n + 1) * 0.2)
}
const output = {
  estimate: new Float64Array(SLICES),
  lower: new Float64Array(SLICES),
  upper: new Float64Array(SLICES),
}

const fresh = time(9, () => wilsonIntervals(successes, trials, 0.95))
report(
  'wilsonIntervals, 1,000,000 slices, new output (target < 100 ms)',
  `${fresh.median.toFixed(1)} ms`,
)
const reused = time(9, () => wilsonIntervals(successes, trials, 0.95, output))
report('wilsonIntervals, 1,000,000 slices, reused output', `${reused.median.toFixed(1)} ms`)

const objects = time(3, () => {
  let sum = 0
  for (let i = 0; i < SLICES; i += 1) sum += proportionInterval(successes[i]!, trials[i]!).lower
  return sum
})
report(
  'proportionInterval (wilson) × 1,000,000, one object each',
  `${objects.median.toFixed(1)} ms`,
)

const cpSlices = 10_000
const exact = time(3, () => {
  let sum = 0
  for (let i = 0; i < cpSlices; i += 1) {
    sum += proportionInterval(successes[i]!, trials[i]!, { method: 'clopper-pearson' }).lower
  }
  return sum
})
report('proportionInterval (clopper-pearson) × 10,000', `${exact.median.toFixed(1)} ms`)

const pValues = Array.from({ length: 1_000_000 }, () => random() ** 3)
const bh = time(5, () => benjaminiHochberg(pValues))
report('benjaminiHochberg, 1,000,000 p-values', `${bh.median.toFixed(1)} ms`)

report('peak RSS', `${peakRssMiB().toFixed(0)} MiB`)
