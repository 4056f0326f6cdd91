/** `assay alerts list | show | ack | resolve | deliver | webhook …`: alerts from the command line. */
import type { Command } from 'commander'
import {
  acknowledgeAlert,
  findAlerts,
  getAlert,
  parseStates,
  resolveAlert,
} from '../../engine/alerts/alert-state.js'
import { deliverDueAlerts } from '../../engine/alerts/deliver-alerts.js'
import { findWebhooks, removeWebhook, setWebhook } from '../../engine/alerts/webhooks.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { monitoringActor } from './monitor.js'

function sliceText(slice: Record<string, string | null>): string {
  return (
    Object.entries(slice)
      .map(([k, v]) => `${k}=${v ?? '(none)'}`)
      .join(',') || 'all'
  )
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alerts raised by monitors: list, acknowledge, resolve; webhooks')

  addStoreOptions(
    alerts
      .command('list')
      .description('alerts, newest first (default: open and acknowledged)')
      .option('--state <states>', 'comma-separated: open, acknowledged, resolved, or all')
      .option('--limit <n>', 'at most this many', '100')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { state?: string; limit: string; json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const states =
        flags.state === 'all' ? undefined : (parseStates(flags.state) ?? ['open', 'acknowledged'])
      const { alerts: list } = await findAlerts(ctx.database, {
        states,
        limit: Number(flags.limit) || 100,
      })
      if (flags.json) return printJson(list)
      if (list.length === 0) console.log('no alerts')
      for (const a of list) {
        const p = a.pValue === null ? '' : `  p=${a.pValue.toExponential(1)}`
        console.log(
          `${a.alertId}  ${a.state.padEnd(12)} ${a.severity.padEnd(8)} ${a.firstPeriod}  ${a.title}${a.signalCount > 1 ? ` (${a.signalCount} signals)` : ''}${p}`,
        )
      }
    })
  })

  addStoreOptions(
    alerts
      .command('show <id>')
      .description('one alert with its evidence, signals and deliveries')
      .option('--json', 'print JSON'),
  ).action(async (id: string, flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const alert = await getAlert(ctx.database, id)
      if (flags.json) return printJson(alert)
      const evidence = alert.evidence as { ruleText?: string; unusualness?: { text?: string } }
      console.log(`${alert.alertId} [${alert.state}, ${alert.severity}] ${alert.title}`)
      console.log(
        `  monitor ${alert.monitorId}, rule: ${evidence.ruleText ?? alert.rule}, slice ${sliceText(alert.slice)}`,
      )
      console.log(
        `  periods ${alert.firstPeriod} … ${alert.lastPeriod}, ${alert.signalCount} signal(s)`,
      )
      if (evidence.unusualness?.text) console.log(`  how unusual: ${evidence.unusualness.text}`)
      for (const d of alert.deliveries)
        console.log(
          `  delivery to ${d.webhookId}: ${d.status} after ${d.attempts} attempt(s)${d.lastError ? ` (${d.lastError})` : ''}`,
        )
    })
  })

  addStoreOptions(
    alerts
      .command('ack <id>')
      .description('acknowledge an open alert')
      .option('--note <text>', 'a note'),
  ).action(async (id: string, flags: StoreFlags & { note?: string }) => {
    await withContext(flags, async (ctx) => {
      const alert = await acknowledgeAlert(
        ctx.database,
        id,
        monitoringActor(),
        ctx.clock.now(),
        flags.note,
      )
      console.log(`${alert.alertId} acknowledged`)
    })
  })

  addStoreOptions(
    alerts
      .command('resolve <id>')
      .description('resolve an alert')
      .option('--note <text>', 'a note'),
  ).action(async (id: string, flags: StoreFlags & { note?: string }) => {
    await withContext(flags, async (ctx) => {
      const alert = await resolveAlert(
        ctx.database,
        id,
        monitoringActor(),
        ctx.clock.now(),
        flags.note,
      )
      console.log(`${alert.alertId} resolved`)
    })
  })

  addStoreOptions(
    alerts
      .command('deliver')
      .description('deliver due webhook notifications now (retries with back-off)'),
  ).action(async (flags: StoreFlags) => {
    await withContext(flags, async (ctx) => {
      const pass = await deliverDueAlerts(ctx.database, { now: () => ctx.clock.now() })
      console.log(
        `${pass.attempted} attempted: ${pass.delivered} delivered, ${pass.retrying} to retry, ${pass.failed} failed`,
      )
    })
  })

  const webhook = alerts
    .command('webhook')
    .description('webhooks that receive alerts (JSON or Slack)')
  addStoreOptions(
    webhook
      .command('add <id> <url>')
      .description('add or replace a webhook')
      .option('--slack', 'send a Slack-compatible payload')
      .option('--min-severity <severity>', 'critical, major or minor (default minor: every alert)')
      .option('--disabled', 'store it switched off'),
  ).action(
    async (
      id: string,
      url: string,
      flags: StoreFlags & { slack?: boolean; minSeverity?: string; disabled?: boolean },
    ) => {
      await withContext(flags, async (ctx) => {
        const stored = await setWebhook(
          ctx.database,
          {
            webhookId: id,
            url,
            format: flags.slack ? 'slack' : 'json',
            minSeverity: flags.minSeverity,
            enabled: !flags.disabled,
          },
          monitoringActor(),
        )
        console.log(
          `webhook ${stored.webhookId} → ${stored.url} (${stored.format}, ${stored.minSeverity} and above)`,
        )
      })
    },
  )
  addStoreOptions(
    webhook.command('list').description('the webhooks').option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const hooks = await findWebhooks(ctx.database)
      if (flags.json) return printJson(hooks)
      if (hooks.length === 0) console.log('no webhooks')
      for (const w of hooks)
        console.log(
          `${w.enabled ? 'on ' : 'off'} ${w.webhookId.padEnd(20)} ${w.format.padEnd(5)} ${w.minSeverity.padEnd(8)} ${w.url}`,
        )
    })
  })
  addStoreOptions(webhook.command('remove <id>').description('delete a webhook')).action(
    async (id: string, flags: StoreFlags) => {
      await withContext(flags, async (ctx) => {
        await removeWebhook(ctx.database, id, monitoringActor())
        console.log(`removed ${id}`)
      })
    },
  )
}
