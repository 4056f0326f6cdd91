/** `assay action open | list | show | update`: corrective actions and their measured effect. */
import type { Command } from 'commander'
import { ValidationError } from '../../domain/errors.js'
import {
  findActions,
  getAction,
  openAction,
  updateActionFields,
  type ActionView,
} from '../../engine/actions/corrective-actions.js'
import type { ActionEffect } from '../../engine/actions/measure-effect.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { monitoringActor } from './monitor.js'

function parseScope(pairs: string[] | undefined): Record<string, string> | undefined {
  if (pairs === undefined) return undefined
  const scope: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at <= 0)
      throw new ValidationError(`bad scope ${pair}`, [
        { path: '--scope', message: 'use dimension=value, e.g. region=EU' },
      ])
    scope[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return scope
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(2)} %`)

function printAction(a: ActionView): void {
  console.log(`${a.actionId}  ${a.status}${a.overdue ? ' (OVERDUE)' : ''}  ${a.title}`)
  console.log(
    `  owner ${a.owner}, due ${a.dueDate}, intervention ${a.interventionDate ?? '(not yet)'}; ${a.metric} in ${
      Object.entries(a.scope)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || 'all'
    }`,
  )
  const e = a.effect as ActionEffect | null
  if (e !== null) {
    console.log(
      `  before ${pct(e.before.value)} (${e.before.audits} audits) → after ${pct(e.after.value)} (${e.after.audits} audits)`,
    )
    console.log(
      `  difference ${pct(e.difference)} [${pct(e.lower)}, ${pct(e.upper)}], p = ${e.pValue?.toPrecision(2) ?? 'n/a'}${e.auditsNeeded === null ? '' : `; ~${e.auditsNeeded} more audits to tell`}`,
    )
  }
}

interface OpenFlags extends StoreFlags {
  metric?: string
  scope?: string[]
  owner: string
  due: string
  hypothesis: string
  rootCause?: string
  intervention?: string
  expectedEffect?: string
  fromAlert?: string
  title?: string
  id?: string
  json?: boolean
}

export function registerAction(program: Command): void {
  const action = program
    .command('action')
    .description(
      'corrective actions: open one from an alert or a Pareto row, and measure its effect',
    )

  addStoreOptions(
    action
      .command('open')
      .description('open a corrective action')
      .requiredOption('--owner <owner>', 'who owns it')
      .requiredOption('--due <date>', 'due date, YYYY-MM-DD')
      .requiredOption('--hypothesis <text>', 'what should change, and why')
      .option(
        '--from-alert <id>',
        'open it from an alert (metric and scope default to the alert’s)',
      )
      .option('--metric <code>', 'the metric it should move')
      .option('--scope <pair...>', 'dimension=value, repeatable')
      .option('--root-cause <code>', 'the taxonomy root cause it addresses')
      .option('--intervention <date>', 'the intervention date, YYYY-MM-DD')
      .option('--expected-effect <x>', 'expected improvement in the metric’s units (e.g. 0.02)')
      .option('--title <text>', 'a title')
      .option('--id <id>', 'an id (default generated)')
      .option('--json', 'print JSON'),
  ).action(async (flags: OpenFlags) => {
    await withContext(flags, async (ctx) => {
      const opened = await openAction(
        ctx.database,
        {
          actionId: flags.id,
          title: flags.title,
          metric: flags.metric,
          scope: parseScope(flags.scope),
          owner: flags.owner,
          dueDate: flags.due,
          hypothesis: flags.hypothesis,
          rootCause: flags.rootCause,
          interventionDate: flags.intervention,
          expectedEffect:
            flags.expectedEffect === undefined ? undefined : Number(flags.expectedEffect),
          fromAlert: flags.fromAlert,
        },
        monitoringActor(),
        ctx.clock.now(),
      )
      if (flags.json) return printJson(opened)
      printAction(opened)
    })
  })

  addStoreOptions(
    action
      .command('list')
      .description('corrective actions by due date')
      .option('--overdue', 'only overdue ones')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { overdue?: boolean; json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const actions = await findActions(ctx.database, { overdue: flags.overdue }, ctx.clock.now())
      if (flags.json) return printJson(actions)
      if (actions.length === 0) console.log('no corrective actions')
      for (const a of actions)
        console.log(
          `${a.actionId}  ${a.status.padEnd(13)} due ${a.dueDate}${a.overdue ? ' OVERDUE' : '        '}  ${a.owner.padEnd(16)} ${a.title}`,
        )
    })
  })

  addStoreOptions(
    action
      .command('show <id>')
      .description('one action with its measured effect')
      .option('--json', 'print JSON'),
  ).action(async (id: string, flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const found = await getAction(ctx.database, id, { now: ctx.clock.now() })
      if (flags.json) return printJson(found)
      printAction(found)
    })
  })

  addStoreOptions(
    action
      .command('update <id>')
      .description('update an action')
      .option('--owner <owner>')
      .option('--due <date>')
      .option('--intervention <date>')
      .option('--expected-effect <x>')
      .option('--close', 'close the action'),
  ).action(
    async (
      id: string,
      flags: StoreFlags & {
        owner?: string
        due?: string
        intervention?: string
        expectedEffect?: string
        close?: boolean
      },
    ) => {
      await withContext(flags, async (ctx) => {
        const updated = await updateActionFields(
          ctx.database,
          id,
          {
            owner: flags.owner,
            dueDate: flags.due,
            interventionDate: flags.intervention,
            expectedEffect:
              flags.expectedEffect === undefined ? undefined : Number(flags.expectedEffect),
            closed: flags.close ? true : undefined,
          },
          monitoringActor(),
          ctx.clock.now(),
        )
        printAction(updated)
      })
    },
  )
}
