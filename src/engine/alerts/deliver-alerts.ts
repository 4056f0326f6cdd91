/**
 * Delivers queued alerts to webhooks (the outbox written when an alert is raised).
 *
 * What: each due delivery is POSTed as JSON (or a Slack-compatible `{ text, blocks }` payload);
 * a 2xx answer delivers it; anything else (status, network error, timeout) is logged as an attempt
 * and retried with exponential back-off — base·2^(attempt−1), capped — until `maxAttempts`, then
 * the delivery is marked failed. Every attempt is in `alert_delivery_attempts` (the delivery log).
 * How often: after every monitor run, and every 30 s inside `assay serve`.
 * Never blocks evaluation: runs after the run's transaction, with a per-request timeout, and
 * `deliverDueAlerts` never throws for a receiver's failure.
 * Cost: one query for due deliveries, one alert look-up and one small write per attempt.
 */
import type { Database } from '../../store/db.js'
import {
  findAlert,
  findDueDeliveries,
  findNextAttemptAt,
  recordDeliveryAttempt,
  type AlertRecord,
  type WebhookRecord,
} from '../../store/alert-store.js'

export interface DeliveryOptions {
  /** The clock (injected in tests). */
  now: () => Date
  fetch?: typeof fetch
  /** Attempts before a delivery is given up (default 6). */
  maxAttempts?: number
  /** First retry delay (default 30 s); doubles each attempt. */
  baseDelayMs?: number
  /** Longest retry delay (default 1 h). */
  maxDelayMs?: number
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number
  /** Deliveries per pass (default 100). */
  limit?: number
  /** Link to the alert in the web app, e.g. https://assay.example/alerts/ (the id is appended). */
  alertUrlBase?: string
}

export interface DeliveryPass {
  attempted: number
  delivered: number
  retrying: number
  failed: number
}

/** Back-off before attempt `attempt + 1`: base·2^(attempt−1), capped. */
export function backoffDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1))
}

/** The JSON body a webhook receives. */
export function alertPayload(
  alert: AlertRecord,
  format: WebhookRecord['format'],
  alertUrlBase?: string,
): unknown {
  const evidence = (alert.evidence ?? {}) as {
    unusualness?: { text?: string }
    ruleText?: string
    value?: unknown
    baseline?: { value?: unknown } | null
  }
  const url =
    alertUrlBase === undefined ? undefined : `${alertUrlBase}${encodeURIComponent(alert.alertId)}`
  const slice = Object.entries(alert.slice)
    .map(([k, v]) => `${k}=${v ?? '(none)'}`)
    .join(', ')
  if (format === 'slack') {
    const lines = [
      `*${alert.title}*`,
      `Severity: ${alert.severity} · Monitor: ${alert.monitorId} · Rule: ${evidence.ruleText ?? alert.rule}`,
      `Slice: ${slice || 'all decisions'} · Period: ${alert.firstPeriod}`,
      evidence.unusualness?.text === undefined
        ? undefined
        : `How unusual: ${evidence.unusualness.text}`,
      url === undefined ? undefined : `<${url}|Open in Assay>`,
    ].filter((l): l is string => l !== undefined)
    return {
      text: `[${alert.severity.toUpperCase()}] ${alert.title}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }],
    }
  }
  return {
    type: 'assay.alert',
    alert: {
      id: alert.alertId,
      title: alert.title,
      severity: alert.severity,
      state: alert.state,
      monitorId: alert.monitorId,
      metric: alert.metric,
      slice: alert.slice,
      rule: alert.rule,
      firstPeriod: alert.firstPeriod,
      lastPeriod: alert.lastPeriod,
      pValue: alert.pValue,
      pAdjusted: alert.pAdjusted,
      raisedAt: alert.raisedAt.toISOString(),
      howUnusual: evidence.unusualness?.text ?? null,
      url: url ?? null,
    },
  }
}

async function post(
  fetcher: typeof fetch,
  url: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ ok: boolean; statusCode: number | null; error: string | null }> {
  try {
    const response = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'assay-alerts/0.1' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
    // Drain the body so the connection can be reused; its content does not matter.
    await response.arrayBuffer().catch(() => undefined)
    return response.ok
      ? { ok: true, statusCode: response.status, error: null }
      : { ok: false, statusCode: response.status, error: `HTTP ${response.status}` }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    return {
      ok: false,
      statusCode: null,
      error:
        `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`.slice(
          0,
          500,
        ),
    }
  }
}

/** One pass over the due deliveries. Never throws for a receiver's failure. */
export async function deliverDueAlerts(
  database: Database,
  options: DeliveryOptions,
): Promise<DeliveryPass> {
  const maxAttempts = options.maxAttempts ?? 6
  const baseDelayMs = options.baseDelayMs ?? 30_000
  const maxDelayMs = options.maxDelayMs ?? 3_600_000
  const fetcher = options.fetch ?? globalThis.fetch
  const pass: DeliveryPass = { attempted: 0, delivered: 0, retrying: 0, failed: 0 }
  const due = await findDueDeliveries(database.db, options.now(), options.limit ?? 100)
  for (const delivery of due) {
    const alert = await findAlert(database.db, delivery.alertId)
    if (alert === undefined) continue
    const attempt = delivery.attempts + 1
    const started = performance.now()
    const result = delivery.webhook.enabled
      ? await post(
          fetcher,
          delivery.webhook.url,
          alertPayload(alert, delivery.webhook.format, options.alertUrlBase),
          options.timeoutMs ?? 10_000,
        )
      : { ok: false, statusCode: null, error: 'webhook disabled' }
    const at = options.now()
    const status = result.ok
      ? 'delivered'
      : attempt >= maxAttempts || !delivery.webhook.enabled
        ? 'failed'
        : 'pending'
    await recordDeliveryAttempt(
      database.db,
      {
        deliveryId: delivery.deliveryId,
        attempt,
        attemptedAt: at,
        ok: result.ok,
        statusCode: result.statusCode,
        error: result.error,
        durationMs: Math.round(performance.now() - started),
      },
      {
        status,
        nextAttemptAt:
          status === 'pending'
            ? new Date(at.getTime() + backoffDelayMs(attempt, baseDelayMs, maxDelayMs))
            : at,
      },
    )
    pass.attempted += 1
    if (status === 'delivered') pass.delivered += 1
    else if (status === 'failed') pass.failed += 1
    else pass.retrying += 1
  }
  return pass
}

/**
 * Delivers until nothing is pending (or the next attempt is past `deadline`), sleeping between
 * passes until the next attempt is due. `sleep` and `now` are injected so tests run instantly.
 */
export async function deliverUntilSettled(
  database: Database,
  options: DeliveryOptions & { sleep: (ms: number) => Promise<void>; deadline: Date },
): Promise<DeliveryPass> {
  const total: DeliveryPass = { attempted: 0, delivered: 0, retrying: 0, failed: 0 }
  for (;;) {
    const pass = await deliverDueAlerts(database, options)
    total.attempted += pass.attempted
    total.delivered += pass.delivered
    total.failed += pass.failed
    const next = await findNextAttemptAt(database.db)
    if (next === undefined || next > options.deadline) {
      total.retrying = next === undefined ? 0 : pass.retrying
      return total
    }
    const wait = next.getTime() - options.now().getTime()
    if (wait > 0) await options.sleep(wait)
  }
}
