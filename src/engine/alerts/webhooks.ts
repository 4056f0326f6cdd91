/** Webhooks that receive alerts: JSON, or a Slack-compatible payload (an incoming-webhook URL). */
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { ALERT_SEVERITIES } from '../../domain/monitoring/monitor-definition.js'
import type { Database } from '../../store/db.js'
import {
  deleteWebhook,
  listWebhooks,
  upsertWebhook,
  type WebhookRecord,
} from '../../store/alert-store.js'
import { clipInput } from '../../domain/quote-input.js'
import { issuesFromZod } from '../../domain/zod-issues.js'
import { recordEvent } from '../trail/record-event.js'

export const webhookInputSchema = z.strictObject({
  webhookId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, _ . - (at most 64)'),
  url: z
    .string()
    .max(2000)
    .refine((u) => {
      try {
        return ['http:', 'https:'].includes(new URL(u).protocol)
      } catch {
        return false
      }
    }, 'an http or https URL'),
  format: z.enum(['json', 'slack']).default('json'),
  /** Alerts below this severity are not sent (default: every alert). */
  minSeverity: z.enum(ALERT_SEVERITIES).default('minor'),
  enabled: z.boolean().default(true),
})

/**
 * A webhook as the trail records it: the URL's origin only, since the rest of a Slack or chat
 * webhook URL is its secret.
 */
function forTrail(webhook: Omit<WebhookRecord, 'createdAt'> | undefined) {
  if (webhook === undefined) return null
  return {
    webhookId: webhook.webhookId,
    urlOrigin: new URL(webhook.url).origin,
    format: webhook.format,
    minSeverity: webhook.minSeverity,
    enabled: webhook.enabled,
  }
}

export async function setWebhook(
  database: Database,
  input: unknown,
  actor = 'system',
): Promise<WebhookRecord> {
  const parsed = webhookInputSchema.safeParse(input)
  if (!parsed.success) {
    throw new ValidationError('not a valid webhook', issuesFromZod(parsed.error))
  }
  const webhookId = parsed.data.webhookId
  return database.transaction(async (trx) => {
    const before = (await listWebhooks(trx)).find((w) => w.webhookId === webhookId)
    await upsertWebhook(trx, parsed.data)
    const after = (await listWebhooks(trx)).find((w) => w.webhookId === webhookId) as WebhookRecord
    await recordEvent(trx, {
      actor,
      action: 'webhook.set',
      subjectType: 'webhook',
      subjectId: webhookId,
      before: forTrail(before),
      after: forTrail(after),
    })
    return after
  })
}

export function findWebhooks(database: Database): Promise<WebhookRecord[]> {
  return listWebhooks(database.db)
}

export async function removeWebhook(
  database: Database,
  webhookId: string,
  actor = 'system',
): Promise<void> {
  await database.transaction(async (trx) => {
    const before = (await listWebhooks(trx)).find((w) => w.webhookId === webhookId)
    if (!(await deleteWebhook(trx, webhookId)))
      throw new NotFoundError(`no webhook ${clipInput(webhookId)}`)
    await recordEvent(trx, {
      actor,
      action: 'webhook.delete',
      subjectType: 'webhook',
      subjectId: webhookId,
      before: forTrail(before),
    })
  })
}
