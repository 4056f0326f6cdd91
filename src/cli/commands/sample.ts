/**
 * `assay sample PLAN.yaml [--period …] [--dry-run]`: stores the plan (a new version when it
 * changed), then shows per stratum the volume, the sample size and the expected margin of error
 * — and, unless --dry-run, draws the sample and creates the audit tasks.
 */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { drawSample, type SampleReport } from '../../engine/sampling/draw-sample.js'
import { savePlan } from '../../engine/sampling/plans.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { cliActor } from './user.js'

/** Prints rows as an aligned text table (numbers right-aligned). */
export function printTable(headers: string[], rows: (string | number | null)[][]): void {
  const text = rows.map((r) => r.map((v) => (v === null ? '—' : String(v))))
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)))
  const line = (cells: string[], raw?: (string | number | null)[]) =>
    cells
      .map((c, i) => (typeof raw?.[i] === 'number' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  console.log(line(headers))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  text.forEach((r, i) => console.log(line(r, rows[i])))
}

const percent = (value: number | null) => (value === null ? null : `±${(value * 100).toFixed(1)}%`)

export function printSampleReport(report: SampleReport): void {
  console.log(
    `plan ${report.planId} v${report.planVersion}, period ${report.period.id} (${report.period.start.slice(0, 10)} … ${report.period.end.slice(0, 10)} excl.), ${report.method} draw${report.dryRun ? ' — dry run, nothing drawn' : ''}`,
  )
  printTable(
    [
      'stratum',
      'volume',
      report.method === 'batch' ? 'sample' : 'expected',
      'rate',
      `margin (${Math.round(report.confidence * 100)}%)`,
      'drawn',
    ],
    report.strata.map((s) => [
      s.stratum,
      s.volume,
      report.method === 'batch' ? s.size : Number(s.size.toFixed(1)),
      Number(s.rate.toPrecision(3)),
      percent(s.margin),
      s.drawn,
    ]),
  )
  console.log(
    `total: ${report.total.volume} decisions, sample ${Math.round(report.total.size)}, margin of the overall error rate ${percent(report.total.margin) ?? '—'}`,
  )
  if (report.moderators !== null) {
    console.log(
      `minimum ${report.moderators.minimum} per moderator: ${report.moderators.toppedUp} moderators topped up with ${report.moderators.added} decisions`,
    )
  }
  if (report.result !== null) {
    console.log(
      `drew ${report.result.sampled} decisions (${report.result.new} new), created ${report.result.tasksCreated} audit tasks, assigned ${report.result.tasksAssigned}`,
    )
  }
}

interface SampleFlags extends StoreFlags {
  period?: string
  dryRun?: boolean
  method?: string
  confidence?: string
  json?: boolean
}

export function registerSample(program: Command): void {
  addStoreOptions(
    program
      .command('sample <plan>')
      .description('plan (--dry-run) or draw a sample for a period from a sampling plan YAML')
      .option(
        '--period <period>',
        'a day 2026-03-01, an ISO week 2026-W10 or a range 2026-03-01..2026-03-07 (default: the last complete period)',
      )
      .option(
        '--dry-run',
        'only show per stratum the volume, sample size and expected margin of error',
      )
      .option(
        '--method <method>',
        'batch (exact quotas, default) or stream (the hash rule over stored decisions)',
        'batch',
      )
      .option('--confidence <level>', 'confidence level of the margins', '0.95')
      .option('--json', 'print JSON'),
  ).action(async (file: string, flags: SampleFlags) => {
    if (flags.method !== 'batch' && flags.method !== 'stream')
      throw new Error('--method must be batch or stream')
    const method = flags.method
    await withContext(flags, async (ctx) => {
      const { stored, created } = await savePlan(
        ctx.database,
        { yaml: readFileSync(file, 'utf8'), source: file },
        { actor: cliActor() },
      )
      const report = await drawSample(ctx.database, stored, {
        period: flags.period,
        method,
        dryRun: flags.dryRun ?? false,
        confidence: Number(flags.confidence),
      })
      if (flags.json) printJson({ planCreated: created, ...report })
      else {
        if (created) console.log(`stored plan ${stored.planId} as version ${stored.version}`)
        printSampleReport(report)
      }
    })
  })
}
