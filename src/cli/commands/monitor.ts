/** `assay monitor run | list | set | delete`: monitors from the command line (cron-friendly `run`). */
import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import type { Command } from 'commander'
import { ValidationError } from '../../domain/errors.js'
import { parseYamlDocument } from '../../domain/parse-yaml-document.js'
import { measureOpenActions } from '../../engine/actions/corrective-actions.js'
import { deliverDueAlerts } from '../../engine/alerts/deliver-alerts.js'
import { deleteMonitor, listMonitors, setMonitor } from '../../engine/monitoring/monitors.js'
import { defaultAsOf, runMonitors } from '../../engine/monitoring/run-monitors.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'

/** Who a CLI change is recorded as in the trail: `cli:<operating-system user>`. */
export function monitoringActor(): string {
  try {
    return `cli:${userInfo().username}`
  } catch {
    return 'cli'
  }
}

interface RunFlags extends StoreFlags {
  asOf?: string
  from?: string
  monitor?: string[]
  falseAlarmRate?: string
  deliver?: boolean
  json?: boolean
}

export function registerMonitor(program: Command): void {
  const monitor = program
    .command('monitor')
    .description(
      'monitors: control charts over metric slices, and target monitors, that raise alerts',
    )

  addStoreOptions(
    monitor
      .command('run')
      .description(
        'judge the latest complete period of every enabled monitor (idempotent; run it from cron)',
      )
      .option(
        '--as-of <date>',
        'the run date, YYYY-MM-DD: periods that ended before it are judged (default today, UTC)',
      )
      .option('--from <date>', 'backfill: judge as of every day from this date to --as-of')
      .option('--monitor <id...>', 'only these monitors')
      .option(
        '--false-alarm-rate <q>',
        'q of the Benjamini-Hochberg control across slices (default 0.0005)',
      )
      .option('--no-deliver', 'do not deliver webhooks after the run')
      .option('--json', 'print JSON'),
  ).action(async (flags: RunFlags) => {
    const q = flags.falseAlarmRate === undefined ? undefined : Number(flags.falseAlarmRate)
    if (q !== undefined && !(q > 0 && q < 1))
      throw new ValidationError(`bad --false-alarm-rate ${flags.falseAlarmRate}`, [
        { path: '--false-alarm-rate', message: 'a number in (0, 1), e.g. 0.0005' },
      ])
    await withContext(flags, async (ctx) => {
      const now = ctx.clock.now()
      const asOf = flags.asOf ?? defaultAsOf(now)
      const summary = await runMonitors(ctx.database, {
        asOf,
        from: flags.from,
        monitorIds: flags.monitor,
        falseAlarmRate: q,
        now,
        actor: monitoringActor(),
      })
      const actionsMeasured = await measureOpenActions(ctx.database, {
        asOf,
        now,
        actor: monitoringActor(),
      })
      const delivery =
        flags.deliver === false
          ? null
          : await deliverDueAlerts(ctx.database, { now: () => ctx.clock.now() })
      if (flags.json) return printJson({ ...summary, actionsMeasured, delivery })
      console.log(
        `monitors run as of ${summary.asOfFrom === summary.asOfTo ? summary.asOfTo : `${summary.asOfFrom} … ${summary.asOfTo}`}: ` +
          `${summary.monitors} monitors, ${summary.pointsJudged} points judged, ${summary.tests} tests, ${summary.signals} signals → ` +
          `${summary.newAlerts.length} new alerts, ${summary.attachedToExisting} joined existing alerts, ${summary.duplicates} already raised`,
      )
      for (const id of summary.newAlerts) console.log(`  new alert ${id}`)
      if (delivery !== null && delivery.attempted > 0) {
        console.log(
          `webhooks: ${delivery.delivered} delivered, ${delivery.retrying} to retry, ${delivery.failed} failed`,
        )
      }
    })
  })

  addStoreOptions(
    monitor.command('list').description('the active monitors').option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const entries = await listMonitors(ctx.database)
      if (flags.json) return printJson(entries.map((e) => ({ ...e.monitor, source: e.source })))
      for (const { monitor: m, source } of entries) {
        const what =
          m.kind === 'targets'
            ? `targets${m.targets ? ` ${m.targets.join(',')}` : ''} missed at ${Math.round(m.confidence * 100)} %`
            : `${m.metric} by ${m.by.join(' × ') || 'all'} per ${m.period}, ${m.chart.kind}-chart, rules ${m.rules.join(',')}, min ${m.minCount} audits`
        console.log(`${m.enabled ? 'on ' : 'off'} ${m.id.padEnd(28)} ${what} [${source}]`)
      }
    })
  })

  addStoreOptions(
    monitor
      .command('set <file>')
      .description('create or replace a monitor from a YAML or JSON file (one monitor)'),
  ).action(async (file: string, flags: StoreFlags) => {
    const document = parseYamlDocument(readFileSync(file, 'utf8'), file)
    await withContext(flags, async (ctx) => {
      const entry = await setMonitor(ctx.database, document, monitoringActor(), ctx.clock.now())
      console.log(`monitor ${entry.monitor.id} stored (${entry.source})`)
    })
  })

  addStoreOptions(
    monitor
      .command('delete <id>')
      .description('delete a custom monitor, or restore an overridden default'),
  ).action(async (id: string, flags: StoreFlags) => {
    await withContext(flags, async (ctx) => {
      await deleteMonitor(ctx.database, id, monitoringActor())
      console.log(`deleted ${id}`)
    })
  })
}
