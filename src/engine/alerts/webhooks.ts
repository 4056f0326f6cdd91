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

export async function setWebhook(database: Database, input: unknown): Promise<WebhookRecord> {
  const parsed = webhookInputSchema.safeParse(input)
  if (!parsed.success) {
    throw new ValidationError('not a valid webhook', issuesFromZod(parsed.error))
  }
  await upsertWebhook(database.db, parsed.data)
  return (await listWebhooks(database.db)).find(
    (w) => w.webhookId === parsed.data.webhookId,
  ) as WebhookRecord
}

export function findWebhooks(database: Database): Promise<WebhookRecord[]> {
  return listWebhooks(database.db)
}

export async function removeWebhook(database: Database, webhookId: string): Promise<void> {
  if (!(await deleteWebhook(database.db, webhookId)))
    throw new NotFoundError(`no webhook ${clipInput(webhookId)}`)
}
