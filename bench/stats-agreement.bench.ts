/**
 * Agreement statistics at calibration scale. Targets (2 cores in CI):
 * - Krippendorff's alpha (nominal), 1,000,000 ratings (200,000 units × 5 raters) < 300 ms
 * - Dawid-Skene, 100,000 items × 5 raters × 10 classes, to convergence < 3 s
 * - Fleiss' kappa, 200,000 subjects
 * Run: node --import tsx --expose-gc bench/stats-agreement.bench.ts
 */
import { dawidSkene, type DawidSkeneLabel } from '../src/stats/agreement/dawid-skene.js'
import { fleissKappa } from '../src/stats/agreement/fleiss-kappa.js'
import { krippendorffAlpha } from '../src/stats/agreement/krippendorff-alpha.js'
import { krippendorffAlphaCoded } from '../src/stats/agreement/krippendorff-alpha-coded.js'
import { createRandom } from '../src/stats/random/create-random.js'
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

console.log(describeMachine())
const random = createRandom(20240601)

// --- Krippendorff's alpha: 200,000 units × 5 raters, 4 categories, 80 % accurate raters ---
const UNITS = 200_000
const RATERS = 5
const rows: (number | null)[][] = Array.from(
  { length: RATERS },
  () => new Array<number | null>(UNITS),
)
const codes = new Int32Array(UNITS * RATERS)
for (let u = 0; u < UNITS; u += 1) {
  const truth = Math.floor(random() * 4)
  for (let r = 0; r < RATERS; r += 1) {
    const value = random() < 0.8 ? truth : Math.floor(random() * 4)
    ;(rows[r] as (number | null)[])[u] = value
    codes[u * RATERS + r] = value
  }
}
const coded = time(9, () => krippendorffAlphaCoded(codes, { raters: RATERS }))
report(
  'krippendorffAlphaCoded nominal, 200k units × 5 raters (1M)',
  `${coded.median.toFixed(1)} ms median (α = ${coded.result.value.toFixed(4)}; target < 300 ms)`,
)
const generic = time(5, () => krippendorffAlpha(rows))
report(
  'krippendorffAlpha nominal, 200k units × 5 raters (1M)',
  `${generic.median.toFixed(1)} ms median (α = ${generic.result.value.toFixed(4)}; target < 300 ms)`,
)
const ordinal = time(5, () => krippendorffAlpha(rows, { level: 'ordinal' }))
report(
  'krippendorffAlpha ordinal, 200k units × 5 raters (1M)',
  `${ordinal.median.toFixed(1)} ms median`,
)

// --- Fleiss' kappa: 200,000 subjects × 4 categories, 5 ratings each ---
const counts = Array.from({ length: UNITS }, (_, u) => {
  const row = [0, 0, 0, 0]
  for (let r = 0; r < RATERS; r += 1) {
    const code = codes[u * RATERS + r] as number
    row[code] = (row[code] as number) + 1
  }
  return row
})
const fleiss = time(9, () => fleissKappa(counts))
report(
  'fleissKappa, 200k subjects × 4 categories × 5 raters',
  `${fleiss.median.toFixed(1)} ms median (κ = ${fleiss.result.value.toFixed(4)})`,
)

// --- Dawid-Skene: 100,000 items × 5 raters × 10 classes ---
const ITEMS = 100_000
const CLASSES = 10
const accuracy = [0.9, 0.8, 0.7, 0.6, 0.5]
const labels: DawidSkeneLabel[] = []
const truth = new Int32Array(ITEMS)
for (let i = 0; i < ITEMS; i += 1) {
  const k = Math.floor(random() * CLASSES)
  truth[i] = k
  for (let r = 0; r < RATERS; r += 1) {
    const label = random() < (accuracy[r] as number) ? k : Math.floor(random() * CLASSES)
    labels.push({ item: i, rater: `rater-${r}`, label })
  }
}
gc()
const start = performance.now()
const ds = dawidSkene(labels)
const elapsed = performance.now() - start
let correct = 0
for (let i = 0; i < ITEMS; i += 1) {
  const posterior = ds.posteriors[String(i)] as number[]
  if (posterior.indexOf(Math.max(...posterior)) === truth[i]) correct += 1
}
report(
  'dawidSkene, 100k items × 5 raters × 10 classes (500k labels)',
  `${elapsed.toFixed(0)} ms, ${ds.iterations} iterations, converged ${ds.converged}, accuracy ${(correct / ITEMS).toFixed(4)} (target < 3000 ms)`,
)
gc()
const strictStart = performance.now()
const strict = dawidSkene(labels, { tolerance: 1e-10, maxIterations: 1000 })
const strictElapsed = performance.now() - strictStart
report(
  'dawidSkene, same data, tolerance 1e-10',
  `${strictElapsed.toFixed(0)} ms, ${strict.iterations} iterations, converged ${strict.converged} (${(strictElapsed / strict.iterations).toFixed(0)} ms/iteration incl. coding)`,
)
report('peak RSS', `${peakRssMiB().toFixed(0)} MiB`)
