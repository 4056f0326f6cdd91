import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { parseMetricLibrary } from '../../domain/metrics/metric-definition.js'
import { evaluateMetric, type CompareMode } from '../../engine/metrics/evaluate-metric.js'
import { defineMetrics, loadMetricSetup } from '../../engine/metrics/metric-setup.js'
import { formatEstimate, formatP } from '../../engine/reports/format.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'

export function registerMetrics(program: Command): void {
  const metrics = program.command('metrics').description('metric definitions and evaluation')

  addStoreOptions(
    metrics
      .command('list')
      .description('the metric library (standard and user-defined)')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const { library } = await loadMetricSetup(ctx.database)
      if (flags.json) return printJson(library)
      for (const m of library) console.log(`${m.code.padEnd(24)} ${m.kind.padEnd(15)} ${m.name}`)
    })
  })

  addStoreOptions(
    metrics
      .command('define <file>')
      .description(
        'add or replace metrics from a YAML file (metrics: [...], same shape as the standard library)',
      ),
  ).action(async (file: string, flags: StoreFlags) => {
    const definitions = parseMetricLibrary(readFileSync(file, 'utf8'), file)
    await withContext(flags, async (ctx) => {
      const codes = await defineMetrics(ctx.database, definitions, ctx.clock.now())
      console.log(`defined ${codes.join(', ')}`)
    })
  })

  addStoreOptions(
    metrics
      .command('show <metric>')
      .description('evaluate one metric for a period, optionally sliced')
      .option(
        '--by <dimensions>',
        'comma-separated dimensions (region, queue, auditor, policy_version, attributes.<key>, week, …)',
      )
      .option(
        '--period <period>',
        'YYYY-MM-DD, YYYY-Www, YYYY-MM, FROM..TO, last-Nd, day, week, month or all',
        'month',
      )
      .option('--compare <mode>', 'rest, previous or none')
      .option('--json', 'print JSON'),
  ).action(
    async (
      metric: string,
      flags: StoreFlags & { by?: string; period?: string; compare?: CompareMode; json?: boolean },
    ) => {
      await withContext(flags, async (ctx) => {
        const result = await evaluateMetric(ctx.database, null, {
          metric,
          by: flags.by,
          period: flags.period,
          compare: flags.compare,
          now: ctx.clock.now(),
        })
        if (flags.json) return printJson(result)
        console.log(
          `${result.metric.name} — ${result.period.label}: ${formatEstimate(result.overall, result.metric.unit)}  (n ${result.overall.n})`,
        )
        for (const s of result.slices) {
          const label = Object.values(s.keys)
            .map((k) => k ?? '(none)')
            .join(' / ')
          console.log(
            `  ${label.padEnd(30)} ${formatEstimate(s, result.metric.unit).padEnd(34)} n ${String(s.n).padEnd(7)} p(BH) ${formatP(s.comparison?.pAdjusted)}`,
          )
        }
      })
    },
  )
}
