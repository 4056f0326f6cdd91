/**
 * The in-process monitor schedule of `assay serve`: every `intervalMs` (default 15 min) a monitor
 * run as of today (idempotent, so frequent runs cost one query per monitor and raise nothing
 * twice) and a re-measure of open corrective actions; every `deliveryIntervalMs` (default 30 s) a
 * pass over due webhook deliveries. A tick never overlaps the previous one, errors are logged and
 * never stop the server, and the timers do not keep the process alive.
 */
import type { Database } from '../../store/db.js'
import { measureOpenActions } from '../actions/corrective-actions.js'
import { deliverDueAlerts } from '../alerts/deliver-alerts.js'
import { defaultAsOf, runMonitors } from './run-monitors.js'

export interface ScheduleContext {
  database: Database
  clock: { now(): Date }
  logger: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void }
}

export interface MonitorSchedule {
  /** Stops the timers and waits for a running tick to finish. */
  stop(): Promise<void>
}

export function startMonitorSchedule(
  ctx: ScheduleContext,
  options: { intervalMs?: number; deliveryIntervalMs?: number; runAtStart?: boolean } = {},
): MonitorSchedule {
  let running: Promise<void> | null = null
  let delivering: Promise<void> | null = null
  const runTick = () => {
    if (running !== null) return
    running = (async () => {
      const now = ctx.clock.now()
      try {
        const summary = await runMonitors(ctx.database, {
          asOf: defaultAsOf(now),
          now,
          actor: 'system',
        })
        const measured = await measureOpenActions(ctx.database, { asOf: defaultAsOf(now), now })
        ctx.logger.info(
          { ...summary, newAlerts: summary.newAlerts.length, actionsMeasured: measured },
          'monitor run',
        )
      } catch (error) {
        ctx.logger.error({ err: error }, 'monitor run failed')
      } finally {
        running = null
      }
    })()
  }
  const deliveryTick = () => {
    if (delivering !== null) return
    delivering = (async () => {
      try {
        const pass = await deliverDueAlerts(ctx.database, { now: () => ctx.clock.now() })
        if (pass.attempted > 0) ctx.logger.info({ ...pass }, 'alert deliveries')
      } catch (error) {
        ctx.logger.error({ err: error }, 'alert delivery pass failed')
      } finally {
        delivering = null
      }
    })()
  }
  const runTimer = setInterval(runTick, options.intervalMs ?? 15 * 60_000)
  const deliveryTimer = setInterval(deliveryTick, options.deliveryIntervalMs ?? 30_000)
  runTimer.unref()
  deliveryTimer.unref()
  if (options.runAtStart ?? true) runTick()
  return {
    async stop() {
      clearInterval(runTimer)
      clearInterval(deliveryTimer)
      await Promise.all([running, delivering])
    },
  }
}
