/**
 * Blind review: what an auditor may see of a decision before submitting a verdict. Never the
 * decision's policy, action, actor (id or type), site, score, handle time, policy version or
 * decision id; only the item (content id and type), language, region, queue, time and the
 * attributes that cannot reveal the decision:
 * - a plan's `blind.visible_attributes` is an allow-list, `blind.hidden_attributes` a deny-list;
 * - attribute names that look decision-revealing (policy, action, actor, moderator, score, label,
 *   verdict, decision, outcome, enforcement, severity, site, vendor, team, reviewer, agent) are
 *   always withheld;
 * - so is any attribute whose value equals the decision's policy, action, actor id or site, or
 *   contains the actor id.
 */
export interface BlindItem {
  contentId: string
  contentType: string | null
  language: string | null
  region: string
  queue: string
  decidedAt: string
  attributes: Record<string, string>
}

export interface BlindSettings {
  visible_attributes?: string[] | undefined
  hidden_attributes?: string[] | undefined
}

const REVEALING_NAME =
  /policy|action|actor|moderator|score|label|verdict|decision|outcome|enforce|severity|site|vendor|team|reviewer|agent|rater|auditor/i

interface DecisionLike {
  contentId: string
  contentType: string | null
  language: string | null
  region: string
  queue: string
  decidedAt: Date | string
  site: string | null
  actorId: string
  policy: string
  action: string
  attributes: Record<string, string> | null
}

export function blindItem(decision: DecisionLike, settings: BlindSettings = {}): BlindItem {
  const revealing = new Set(
    [decision.policy, decision.action, decision.actorId, decision.site ?? '']
      .filter((v) => v !== '')
      .map((v) => v.toLowerCase()),
  )
  const visible =
    settings.visible_attributes === undefined ? undefined : new Set(settings.visible_attributes)
  const hidden = new Set(settings.hidden_attributes ?? [])
  const attributes: Record<string, string> = {}
  for (const [key, value] of Object.entries(decision.attributes ?? {})) {
    if (visible !== undefined && !visible.has(key)) continue
    if (hidden.has(key) || REVEALING_NAME.test(key)) continue
    const lower = String(value).toLowerCase()
    if (
      revealing.has(lower) ||
      (decision.actorId.length >= 3 && lower.includes(decision.actorId.toLowerCase()))
    )
      continue
    attributes[key] = String(value)
  }
  return {
    contentId: decision.contentId,
    contentType: decision.contentType,
    language: decision.language,
    region: decision.region,
    queue: decision.queue,
    decidedAt: new Date(decision.decidedAt).toISOString(),
    attributes,
  }
}
