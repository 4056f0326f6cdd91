import { SingleBar } from 'cli-progress'
import type { Command } from 'commander'
import { ValidationError, type FieldIssue } from '../../domain/errors.js'
import { DEFAULT_DEMO_END, DEFAULT_DEMO_SEED } from '../../engine/demo/generate-demo.js'
import { runDemo, type DemoProgress, type DemoSummary } from '../../engine/demo/run-demo.js'
import { addStoreOptions, withContext, type StoreFlags } from '../shared.js'

interface DemoFlags extends StoreFlags {
  decisions: string
  seed: string
  weeks: string
  end: string
  drift: boolean
  force?: boolean
}

export const DEFAULT_CLI_DEMO_DECISIONS = 1_000_000

/** Parses `1000000`, `1_000_000`, `1,000,000` or `1e6`; records an issue when it is not an integer in range. */
export function parseCount(
  name: string,
  value: string,
  min: number,
  max: number,
  issues: FieldIssue[],
): number {
  const parsed = Number(value.replace(/[_,]/g, ''))
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    issues.push({
      path: name,
      message: `must be an integer from ${min} to ${max.toLocaleString('en-US')} (got ${value})`,
    })
  }
  return parsed
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (logs and pipes stay clean). */
export function createDemoProgress(): {
  onProgress?: (progress: DemoProgress) => void
  stop(): void
} {
  if (!process.stderr.isTTY) return { stop() {} }
  let bar: SingleBar | undefined
  let phase: DemoProgress['phase'] | undefined
  return {
    onProgress(progress) {
      if (phase !== progress.phase) {
        bar?.stop()
        phase = progress.phase
        bar = new SingleBar({
          stream: process.stderr,
          format: `${progress.phase.padEnd(9)} [{bar}] {percentage}% | {value}/{total} | {duration}s`,
          hideCursor: true,
        })
        bar.start(progress.total, 0)
      }
      bar?.setTotal(progress.total)
      bar?.update(progress.done)
    },
    stop() {
      bar?.stop()
    },
  }
}

export function printDemoSummary(summary: DemoSummary): void {
  const n = (v: number) => v.toLocaleString('en-US')
  const { options } = summary
  const day = (d: Date) => d.toISOString().slice(0, 10)
  const lastDay = new Date(options.end.getTime() - 1)
  console.log(
    `demo organisation written to ${summary.location} in ${summary.seconds.toFixed(1)} s (seed ${options.seed})`,
  )
  console.log(
    `  decisions  ${n(summary.decisions.inserted)} new of ${n(summary.decisions.received)}, ${day(options.start)} → ${day(lastDay)} (${options.weeks} weeks)`,
  )
  console.log(
    `  audits     ${n(summary.audits.inserted)} new of ${n(summary.audits.received)} (stratified sample, region × queue)`,
  )
  console.log(
    `  people     ${n(summary.moderators)} moderators at ${summary.sites} sites, ${summary.auditors} QA auditors; classifiers ${summary.classifiers.join(', ')}`,
  )
  const { drift } = options
  console.log(
    drift === null
      ? '  drift      none'
      : `  drift      ${drift.region} × ${drift.queue} from ${drift.startsAt.toISOString()}: moderator error ×${drift.factor}`,
  )
  if (summary.usersCreated.length > 0)
    console.log(`  users      ${summary.usersCreated.join(', ')}`)
  const rejected = summary.decisions.rejected + summary.audits.rejected
  if (rejected > 0) {
    console.error(`warning: ${n(rejected)} demo records were rejected; first ones:`)
    for (const reject of summary.rejects)
      console.error(`  ${reject.kind} line ${reject.line}: ${JSON.stringify(reject.issues)}`)
  }
}

export function registerDemo(program: Command): void {
  addStoreOptions(
    program
      .command('demo')
      .description(
        'fill a store with a synthetic moderation operation: regions, queues, sites, moderators, classifiers, weeks of decisions with one quality drift, and QA audits of a stratified sample',
      )
      .option('--decisions <n>', 'number of decisions', String(DEFAULT_CLI_DEMO_DECISIONS))
      .option(
        '--seed <s>',
        'random seed; the same seed gives the same data',
        String(DEFAULT_DEMO_SEED),
      )
      .option('--weeks <w>', 'weeks of decisions', '8')
      .option('--end <timestamp>', 'end of the period (exclusive)', DEFAULT_DEMO_END.toISOString())
      .option(
        '--no-drift',
        'leave out the quality drift (MENA × live_review, moderator error ×3 from week 6)',
      )
      .option('--force', 'add the demo to a store that already holds data'),
  ).action(async (flags: DemoFlags) => {
    const issues: FieldIssue[] = []
    const decisions = parseCount('--decisions', flags.decisions, 1, 100_000_000, issues)
    const seed = parseCount('--seed', flags.seed, 0, 0xffffffff, issues)
    const weeks = parseCount('--weeks', flags.weeks, 1, 260, issues)
    const end = new Date(flags.end)
    if (Number.isNaN(end.getTime()))
      issues.push({ path: '--end', message: `must be an ISO-8601 timestamp (got ${flags.end})` })
    if (issues.length > 0) throw new ValidationError('invalid demo options', issues)
    await withContext(flags, async (ctx) => {
      const progress = createDemoProgress()
      try {
        const summary = await runDemo(ctx.database, {
          decisions,
          seed,
          weeks,
          end,
          force: flags.force === true,
          ...(flags.drift ? {} : { drift: null }),
          onProgress: progress.onProgress,
        })
        progress.stop()
        printDemoSummary(summary)
      } finally {
        progress.stop()
      }
    })
  })
}
