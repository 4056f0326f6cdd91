/** Test data for the workflow suites: decisions inserted straight into the store (no ingest code). */
import { sql } from 'kysely'
import type { Database } from '../../src/store/db.js'
import type { SamplingDecision } from '../../src/domain/sampling/stratum.js'

const POLICIES = ['none', 'hate_speech', 'harassment', 'spam', 'csam', 'misinformation']
const ACTIONS = ['no_action', 'remove', 'restrict', 'remove', 'remove', 'label']

/**
 * Inserts `count` decisions `${prefix}${i}` spread over the 7 days from `start`: region cycles
 * EU/NA/APAC, queue reports/proactive, 20 human moderators (mod-0…mod-19) and every 10th by a
 * machine, policy/action pairs from the taxonomy, and an attribute `market`.
 */
export async function seedDecisions(
  database: Database,
  options: { count: number; start: string; prefix?: string; moderators?: number },
): Promise<void> {
  const prefix = options.prefix ?? 'd-'
  const moderators = options.moderators ?? 20
  await sql`
    insert into decisions (decision_id, content_id, content_type, decided_at, region, language, queue, site,
                           actor_type, actor_id, policy, action, score, attributes)
    select ${prefix} || g, 'content-' || g, 'video',
           ${options.start}::timestamptz + ((g * 7919) % 604800) * interval '1 second',
           (array['EU','NA','APAC'])[1 + g % 3],
           (array['en','de','pt-BR','en'])[1 + (g / 3) % 4],
           (array['reports','proactive'])[1 + (g / 2) % 2],
           (array['site-a','site-b'])[1 + (g / 5) % 2],
           case when g % 10 = 0 then 'machine' else 'human' end,
           case when g % 10 = 0 then 'model-v1' else 'mod-' || (g % ${moderators}) end,
           (${POLICIES}::text[])[1 + (g / 7) % 6],
           (${ACTIONS}::text[])[1 + (g / 7) % 6],
           case when g % 10 = 0 then 0.9 end,
           jsonb_build_object('market', (array['m1','m2','m|3'])[1 + (g / 11) % 3])
    from generate_series(1, ${options.count}) as g`.execute(database.db)
}

/** The stored decisions of a period as the streaming sampler sees them. */
export async function loadDecisions(
  database: Database,
  from: string,
  to: string,
): Promise<SamplingDecision[]> {
  const rows = await database.db
    .selectFrom('decisions')
    .selectAll()
    .where('decidedAt', '>=', new Date(from))
    .where('decidedAt', '<', new Date(to))
    .orderBy('decisionId')
    .execute()
  return rows.map((r) => ({
    decision_id: r.decisionId,
    content_id: r.contentId,
    content_type: r.contentType ?? undefined,
    region: r.region,
    language: r.language ?? undefined,
    queue: r.queue,
    site: r.site ?? undefined,
    actor_type: r.actorType,
    actor_id: r.actorId,
    policy: r.policy,
    action: r.action,
    attributes: r.attributes as unknown as Record<string, string>,
  }))
}
