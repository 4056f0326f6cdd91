/**
 * The demo organisation: generator throughput (records a second, no database) and the time of
 * the `npm start` default (200,000 decisions) on embedded PGlite in a fresh folder and on a
 * throwaway PostgreSQL database.
 * Run: npm run bench -- demo   (about a minute; needs PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateDemo } from '../src/engine/demo/generate-demo.js'
import { runDemo } from '../src/engine/demo/run-demo.js'
import { openDatabase, type Database } from '../src/store/db.js'
import { createThrowawayPostgres } from '../test/helpers/db.js'
import { peakRssMiB, report } from './machine.js'

const START_SIZE = 200_000

function generatorThroughput(decisions: number): void {
  const demo = generateDemo({ decisions })
  let started = performance.now()
  let count = 0
  for (const _ of demo.decisions()) count += 1
  const decisionMs = performance.now() - started
  started = performance.now()
  let audits = 0
  for (const _ of demo.audits()) audits += 1
  const auditMs = performance.now() - started
  const perSecond = (n: number, ms: number) =>
    `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`
  report(
    `generate ${count.toLocaleString('en-US')} decisions`,
    `${(decisionMs / 1000).toFixed(1)} s (${perSecond(count, decisionMs)})`,
  )
  report(
    `generate ${audits.toLocaleString('en-US')} audits (replays the decisions)`,
    `${(auditMs / 1000).toFixed(1)} s`,
  )
  report('peak RSS', `${peakRssMiB().toFixed(0)} MiB`)
}

async function timedDemo(label: string, open: () => Promise<Database>): Promise<void> {
  const database = await open()
  try {
    await database.migrateOrThrow()
    const summary = await runDemo(database, { decisions: START_SIZE })
    report(
      `${label}: demo of ${START_SIZE.toLocaleString('en-US')} decisions, ${summary.audits.inserted.toLocaleString('en-US')} audits`,
      `${summary.seconds.toFixed(1)} s`,
    )
  } finally {
    await database.destroy()
  }
}

async function main(): Promise<void> {
  generatorThroughput(1_000_000)
  const folder = mkdtempSync(join(tmpdir(), 'assay-demo-bench-'))
  try {
    await timedDemo('PGlite (folder)', () => openDatabase({ kind: 'embedded', dataDir: folder }))
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
  const pg = await createThrowawayPostgres('bench_demo')
  try {
    await timedDemo('PostgreSQL', () => openDatabase({ kind: 'postgres', url: pg.url }))
  } finally {
    await pg.drop()
  }
}

await main()
