/**
 * Generates realistic decision files for ingest tests and the ingest benchmark: time-ordered
 * decisions over a month, skewed policies, actions that follow the policy, handle times for
 * humans and scores for machines, and a few attribute columns. Seeded, so files are reproducible.
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

export const GENERATED_DECISION_COLUMNS = [
  'decision_id',
  'content_id',
  'content_type',
  'decided_at',
  'region',
  'language',
  'queue',
  'site',
  'actor_type',
  'actor_id',
  'policy',
  'action',
  'score',
  'handle_time_ms',
  'policy_version',
  'market_segment',
  'appeal_eligible',
  'account_age_days',
] as const

const REGIONS = ['emea', 'na', 'latam', 'apac', 'india', 'mena', 'sea', 'anz']
const LANGUAGES = ['en', 'es', 'pt-BR', 'de', 'fr', 'ar', 'hi', 'id', 'ja', 'tr']
// Like real operations, dimensions are correlated: each region is served by its own sites, and the
// queue follows the content type. (Independent dimensions would make almost every decision its own
// roll-up cell, which no real platform sees.)
const SITES_BY_REGION: Record<string, string[]> = {
  emea: ['dublin', 'lisbon'],
  na: ['austin'],
  latam: ['bogota'],
  apac: ['manila', 'tokyo'],
  india: ['hyderabad'],
  mena: ['cairo'],
  sea: ['manila'],
  anz: ['sydney'],
}
const QUEUE_BY_CONTENT_TYPE: Record<string, string[]> = {
  video: ['video_main', 'video_priority'],
  comment: ['comments'],
  live: ['live'],
  image: ['images'],
  account: ['accounts'],
}
const CONTENT_TYPES = ['video', 'video', 'comment', 'comment', 'live', 'image', 'account']
const POLICIES = [
  'none',
  'none',
  'none',
  'none',
  'none',
  'hate_speech',
  'harassment',
  'spam',
  'spam',
  'adult_nudity',
  'violent_graphic',
  'misinformation',
  'self_harm',
  'regulated_goods',
  'slurs',
  'dangerous_acts',
]
const ENFORCING = ['remove', 'remove', 'restrict', 'label', 'ban_account']
const SEGMENTS = ['consumer', 'creator', 'business', 'government']

/** mulberry32: a small seeded generator, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface GeneratedDecision {
  decision_id: string
  content_id: string
  content_type: string
  decided_at: string
  region: string
  language: string
  queue: string
  site: string
  actor_type: 'human' | 'machine'
  actor_id: string
  policy: string
  action: string
  score: string
  handle_time_ms: string
  policy_version: string
  market_segment: string
  appeal_eligible: string
  account_age_days: string
}

/** Yields `count` decisions, ids `d-<prefix><n>`, decided over `days` (default 7) from 2026-03-01 in time order. */
export function* generateDecisions(
  count: number,
  options: { seed?: number; idPrefix?: string; days?: number } = {},
): Generator<GeneratedDecision> {
  const random = seededRandom(options.seed ?? 42)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const start = Date.UTC(2026, 2, 1)
  const span = (options.days ?? 7) * 86_400_000
  const prefix = options.idPrefix ?? ''
  for (let i = 0; i < count; i++) {
    const isHuman = random() < 0.7
    const policy = pick(POLICIES)
    const action =
      policy === 'none'
        ? random() < 0.97
          ? 'no_action'
          : 'escalate'
        : random() < 0.9
          ? pick(ENFORCING)
          : 'no_action'
    const at = new Date(start + Math.floor((i / count) * span) + Math.floor(random() * 1000))
    const region = pick(REGIONS)
    const contentType = pick(CONTENT_TYPES)
    yield {
      decision_id: `d-${prefix}${i}`,
      content_id: `c-${Math.floor(random() * 1e9).toString(36)}`,
      content_type: contentType,
      decided_at: at.toISOString(),
      region,
      language: pick(LANGUAGES),
      queue: pick(QUEUE_BY_CONTENT_TYPE[contentType] as string[]),
      site: isHuman ? pick(SITES_BY_REGION[region] as string[]) : '',
      actor_type: isHuman ? 'human' : 'machine',
      actor_id: isHuman
        ? `mod-${Math.floor(random() * 800)}`
        : `classifier-${pick(['hate', 'nudity', 'spam'])}@v${1 + Math.floor(random() * 3)}`,
      policy,
      action,
      score: isHuman ? '' : random().toFixed(4),
      handle_time_ms: isHuman ? String(Math.round(Math.exp(9.5 + random() * 1.5))) : '',
      policy_version: `2026.${1 + Math.floor(random() * 3)}`,
      market_segment: pick(SEGMENTS),
      appeal_eligible: random() < 0.5 ? 'true' : 'false',
      account_age_days: String(Math.floor(random() * 4000)),
    }
  }
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** Writes `count` generated decisions to a CSV file (header first), streaming. */
export async function writeDecisionsCsv(
  path: string,
  count: number,
  options: { seed?: number; idPrefix?: string; days?: number } = {},
): Promise<void> {
  const out = createWriteStream(path)
  out.write(`${GENERATED_DECISION_COLUMNS.join(',')}\n`)
  let chunk = ''
  for (const d of generateDecisions(count, options)) {
    chunk += `${GENERATED_DECISION_COLUMNS.map((c) => csvField(d[c])).join(',')}\n`
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
}
