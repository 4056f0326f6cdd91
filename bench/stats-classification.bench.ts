/**
 * Benchmarks for the classifier-evaluation, control-chart and sketch statistics:
 * rocAuc and averagePrecision on 1,000,000 scores, pChart on 10,000 subgroups, and adding
 * 10,000,000 handle times to a quantile sketch. Run with
 * `node --import tsx --expose-gc bench/stats-classification.bench.ts`.
 */
import { averagePrecision, rocAuc } from '../src/stats/classification/index.js'
import { pChart } from '../src/stats/control/index.js'
import { createQuantileSketch } from '../src/stats/sketch/index.js'
import { describeMachine, peakRssMiB, report } from './machine.js'

/** Seeded PRNG (mulberry32) so every run measures the same data. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const gc = (globalThis as { gc?: () => void }).gc

/** Runs `fn` `runs` times after one warm-up and returns the median wall time in ms. */
function medianMs(runs: number, fn: () => unknown): number {
  fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    gc?.()
    const start = performance.now()
    fn()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] as number
}

const random = mulberry32(20240611)
const N_SCORES = 1_000_000
const scores = new Float64Array(N_SCORES)
const labels = new Uint8Array(N_SCORES)
for (let i = 0; i < N_SCORES; i++) {
  const positive = random() < 0.1
  labels[i] = positive ? 1 : 0
  // scores rounded to 1e-4 so there are many ties, as with real model outputs
  scores[i] =
    Math.round(Math.min(1, Math.max(0, random() * 0.8 + (positive ? 0.2 : 0))) * 1e4) / 1e4
}

const subgroups = Array.from({ length: 10_000 }, () => {
  const size = 50 + Math.floor(random() * 450)
  return { defects: Math.floor(random() * size * 0.1), size }
})

const N_VALUES = 10_000_000
const handleTimes = new Float64Array(N_VALUES)
for (let i = 0; i < N_VALUES; i++) handleTimes[i] = Math.exp(random() * 12) // ~1 ms … 45 s, log-uniform

console.log(describeMachine())

const auc = medianMs(5, () => rocAuc(scores, labels))
report('rocAuc, 1,000,000 scores (median of 5)', `${auc.toFixed(1)} ms`)
const ap = medianMs(5, () => averagePrecision(scores, labels))
report('averagePrecision, 1,000,000 scores (median of 5)', `${ap.toFixed(1)} ms`)
const chart = medianMs(20, () => pChart(subgroups))
report('pChart, 10,000 subgroups (median of 20)', `${chart.toFixed(2)} ms`)

let buckets = 0
const sketchMs = medianMs(3, () => {
  const sketch = createQuantileSketch(0.01)
  for (let i = 0; i < N_VALUES; i++) sketch.add(handleTimes[i] as number)
  buckets = sketch.buckets().length
  return sketch.quantile(0.9)
})
report('quantile sketch, add 10,000,000 values (median of 3)', `${sketchMs.toFixed(0)} ms`)
report(
  'quantile sketch, adds per second',
  `${(((N_VALUES / sketchMs) * 1000) / 1e6).toFixed(1)} M/s`,
)
report('quantile sketch, buckets used (α = 0.01)', `${buckets}`)
report('peak RSS', `${peakRssMiB().toFixed(0)} MiB`)
