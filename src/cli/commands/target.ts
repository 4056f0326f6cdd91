import type { Command } from 'commander'
import { ValidationError } from '../../domain/errors.js'
import { formatEstimate, formatValue } from '../../engine/reports/format.js'
import { evaluateTargets } from '../../engine/targets/evaluate-targets.js'
import { removeTarget, setTarget } from '../../engine/targets/set-target.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { cliActor } from './user.js'

function parseScope(pairs: string[] | undefined): Record<string, string> {
  const scope: Record<string, string> = {}
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=')
    if (at <= 0)
      throw new ValidationError(`bad scope ${pair}`, [
        { path: '--scope', message: 'use dimension=value, e.g. region=emea' },
      ])
    scope[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return scope
}

export function registerTarget(program: Command): void {
  const target = program
    .command('target')
    .description('targets: a metric, a scope, a period and a threshold')

  addStoreOptions(
    target
      .command('set <metric> <threshold>')
      .description('create or replace a target (threshold as a fraction for rates, e.g. 0.95)')
      .option('--scope <pair...>', 'dimension=value, repeatable (region=emea queue=video)')
      .option('--period <period>', 'the period it is judged over', 'month')
      .option('--direction <direction>', 'at_least or at_most (default from the metric)')
      .option('--id <id>', 'target id (default from metric and scope)')
      .option('--name <name>', 'a display name'),
  ).action(
    async (
      metric: string,
      threshold: string,
      flags: StoreFlags & {
        scope?: string[]
        period?: string
        direction?: string
        id?: string
        name?: string
      },
    ) => {
      const value = Number(threshold)
      if (!Number.isFinite(value))
        throw new ValidationError(`bad threshold ${threshold}`, [
          { path: 'threshold', message: 'a number, e.g. 0.95' },
        ])
      await withContext(flags, async (ctx) => {
        const stored = await setTarget(
          ctx.database,
          {
            targetId: flags.id,
            metric,
            threshold: value,
            scope: parseScope(flags.scope),
            period: flags.period,
            direction: flags.direction,
            name: flags.name,
          },
          cliActor(),
          ctx.clock.now(),
        )
        console.log(
          `target ${stored.targetId}: ${stored.metric} ${stored.direction === 'at_least' ? '≥' : '≤'} ${stored.threshold} over ${stored.period}`,
        )
      })
    },
  )

  addStoreOptions(
    target
      .command('list')
      .description('every target with its status')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const results = await evaluateTargets(ctx.database, null, { now: ctx.clock.now() })
      if (flags.json) return printJson(results)
      if (results.length === 0)
        console.log('no targets (add one with assay target set METRIC THRESHOLD)')
      for (const r of results) {
        const scope =
          Object.entries(r.target.scope)
            .map(([k, v]) => `${k}=${v}`)
            .join(',') || 'all'
        const settle =
          r.auditsToSettle === null ? '' : `  (~${r.auditsToSettle} more audits to settle)`
        console.log(
          `${r.status.padEnd(13)} ${r.target.targetId.padEnd(28)} ${r.target.direction === 'at_least' ? '≥' : '≤'} ${formatValue(r.target.threshold, r.unit).padEnd(9)} ${formatEstimate(r.value, r.unit)}  ${scope} ${r.period.label}${settle}`,
        )
      }
    })
  })

  addStoreOptions(target.command('delete <id>').description('delete a target')).action(
    async (id: string, flags: StoreFlags) => {
      await withContext(flags, async (ctx) => {
        await removeTarget(ctx.database, id, cliActor())
        console.log(`deleted ${id}`)
      })
    },
  )
}
