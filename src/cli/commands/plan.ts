/** `assay plan size …` (how many audits do I need) and `assay plan list`. */
import type { Command } from 'commander'
import { listSamplingPlans, planSampleSize } from '../../engine/sampling/plans.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { printTable } from './sample.js'

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number (got ${value})`)
  return parsed
}

export function registerPlan(program: Command): void {
  const plan = program
    .command('plan')
    .description('sampling plans: size a sample, list stored plans')
  plan
    .command('size')
    .description('how many audits for a margin of error')
    .requiredOption('--margin <m>', 'half-width of the interval, e.g. 0.02')
    .option('--confidence <level>', 'confidence level', '0.95')
    .option('--population <N>', 'population size (finite population correction)')
    .option('--p <p>', 'anticipated error rate (0.5 is the worst case)', '0.5')
    .option('--json', 'print JSON')
    .action(
      (flags: {
        margin: string
        confidence: string
        population?: string
        p: string
        json?: boolean
      }) => {
        const result = planSampleSize({
          margin: number('--margin', flags.margin)!,
          confidence: number('--confidence', flags.confidence),
          population: number('--population', flags.population),
          p: number('--p', flags.p),
        })
        if (flags.json) return printJson(result)
        console.log(
          `${result.sampleSize} audits give a margin of ±${(result.achievedMargin * 100).toFixed(2)}% at ${((result.confidence ?? 0.95) * 100).toFixed(0)}% confidence` +
            ` (p = ${result.p}${result.population === undefined ? '' : `, population ${result.population}`})`,
        )
      },
    )
  addStoreOptions(
    plan
      .command('list')
      .description('the latest version of every stored plan')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const plans = await listSamplingPlans(ctx.database)
      if (flags.json) return printJson(plans)
      printTable(
        ['plan', 'version', 'period', 'allocation', 'strata', 'created'],
        plans.map((p) => [
          p.planId,
          p.version,
          p.plan.period,
          p.plan.allocation.method,
          p.plan.strata.join(', ') || 'all',
          new Date(p.createdAt).toISOString(),
        ]),
      )
    })
  })
}
