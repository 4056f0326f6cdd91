/**
 * Runs every benchmark under bench/ (files named *.bench.ts), each in its own process so
 * that peak memory figures are per benchmark. `npm run bench -- <filter>` runs the files
 * whose name contains the filter.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describeMachine } from './machine.js'

const here = dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2] ?? ''
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts') && name.includes(filter))
  .sort()

console.log(describeMachine())
let failed = 0
for (const file of files) {
  console.log(`\n## ${file}`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, file)], {
    stdio: 'inherit',
  })
  if (result.status !== 0) failed += 1
}
if (failed > 0) {
  console.error(`${failed} benchmark file(s) failed`)
  process.exitCode = 1
}
