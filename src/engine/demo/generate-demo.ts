/**
 * The demo organisation's data: a pure, seeded, streaming generator of decision and audit records
 * in the data-contract shape (snake_case objects). Nothing is held in memory but the organisation
 * and one hour of timestamps, so 10 million decisions stream in constant memory.
 *
 * Volume: `decisions` items over `weeks` weeks ending at `end` (a fixed date, not the clock, so a
 * seed replays exactly), split by region share, a local hour-of-day shape and weekends at 60 %.
 * Each item has a true policy drawn from its queue's prevalence mix; a moderator (latent accuracy)
 * or a classifier (score threshold) decides it, and errs per the error model in demo-decide.ts.
 * The default drift: from week 6 on, human error in MENA × live_review triples (a new evasion
 * trend; audits there name `new_trend` as the root cause).
 *
 * `decisions()` and `audits()` each replay the same stream from the seed; audits are a stratified
 * sample (see demo-audits.ts), so read decisions first, then audits.
 */
import { deriveOutcome, indexTaxonomy, type TaxonomyIndex } from '../../domain/taxonomy/outcome.js'
import { loadDefaultTaxonomy } from '../../domain/taxonomy/taxonomy.js'
import {
  buildAudit,
  planAuditSample,
  type DemoAuditRecord,
  type DemoStratum,
} from './demo-audits.js'
import { decideAsHuman, decideAsMachine, type Judgement } from './demo-decide.js'
import {
  buildOrganisation,
  type DemoModerator,
  type DemoOrganisation,
} from './demo-organisation.js'
import {
  WEEK_MS,
  HOUR_MS,
  resolveDemoOptions,
  type DemoDecisionRecord,
  type DemoDrift,
  type DemoIncident,
  type DemoItem,
  type GenerateDemoOptions,
  type ResolvedDemoOptions,
} from './demo-options.js'
import {
  createRandom,
  hash32,
  logNormal,
  pick,
  weighted,
  type Random,
  type Weighted,
} from './demo-random.js'
import {
  CLASSIFIERS,
  QUEUES,
  QUEUE_CODES,
  REGIONS,
  correctAction,
  type ClassifierShape,
  type QueueCode,
  type QueueShape,
  type RegionShape,
} from './demo-shape.js'
import { buildTimeline, inWindow, localShape } from './demo-timeline.js'

export {
  DEFAULT_DEMO_DECISIONS,
  DEFAULT_DEMO_END,
  DEFAULT_DEMO_SEED,
  resolveDemoOptions,
  type DemoAuditPlan,
  type DemoDecisionRecord,
  type DemoDrift,
  type DemoIncident,
  type DemoItem,
  type GenerateDemoOptions,
  type ResolvedDemoOptions,
} from './demo-options.js'
export type { DemoAuditRecord, DemoStratum } from './demo-audits.js'

export interface DemoData {
  options: ResolvedDemoOptions
  organisation: DemoOrganisation
  strata: DemoStratum[]
  items(): Generator<DemoItem>
  decisions(): Generator<DemoDecisionRecord>
  audits(): Generator<DemoAuditRecord>
}

const QUEUE_BY_CODE = new Map(QUEUES.map((q) => [q.code, q]))
const CLASSIFIER_BY_ID = new Map(CLASSIFIERS.map((c) => [c.id, c]))
const LANES = new Map(
  QUEUES.filter((q) => q.lanes.length > 0).map(
    (q) =>
      [
        q.code,
        weighted(
          q.lanes.map(
            ([id, share]) => [CLASSIFIER_BY_ID.get(id) as ClassifierShape, share] as const,
          ),
        ),
      ] as const,
  ),
)
const CONTENT_PREFIX: Readonly<Record<string, string>> = {
  video: 'v',
  image: 'i',
  comment: 'c',
  live: 'l',
  account: 'u',
}

/** Classifier lane for an item, or null when a person decides it. */
function routeToMachine(
  queue: QueueShape,
  truthPolicy: string,
  random: Random,
): ClassifierShape | null {
  if (queue.machineShare === 0) return null
  const lanes = LANES.get(queue.code) as Weighted<ClassifierShape>
  const covering = lanes.values.find((c) => c.policies.includes(truthPolicy))
  // Items no lane is trained for reach a classifier less often (routing by upstream signals).
  const share =
    covering !== undefined || truthPolicy === 'none' ? queue.machineShare : queue.machineShare * 0.3
  if (random() >= share) return null
  return covering ?? pick(lanes, random)
}

export function generateDemo(options: GenerateDemoOptions = {}): DemoData {
  const resolved = resolveDemoOptions(options)
  const { seed, drift, incident } = resolved
  const taxonomyIndex: TaxonomyIndex = indexTaxonomy(options.taxonomy ?? loadDefaultTaxonomy())
  const organisation = buildOrganisation(
    resolved.moderators,
    createRandom(hash32(`organisation:${seed}`)),
  )
  const strata = planAuditSample(resolved)
  const timeline = buildTimeline(resolved)
  const startMs = resolved.start.getTime()
  const policyVersionChangeMs = startMs + Math.floor(resolved.weeks / 2) * WEEK_MS
  const width = Math.max(8, String(resolved.decisions).length)

  const regionQueues = new Map(
    REGIONS.map((region) => {
      const base = weighted(QUEUE_CODES.map((q) => [q, region.queueMix[q]] as const))
      const boosted =
        incident !== null && incident.region === region.code
          ? weighted(
              QUEUE_CODES.map(
                (q) =>
                  [
                    q,
                    region.queueMix[q] * (q === incident.queue ? incident.volumeFactor : 1),
                  ] as const,
              ),
            )
          : base
      return [region.code, { base, boosted }] as const
    }),
  )
  const prevalence = new Map(QUEUES.map((q) => [q.code, weighted(q.prevalence)] as const))
  const languages = new Map(REGIONS.map((r) => [r.code, weighted(r.languages)] as const))
  const tiers = new Map(REGIONS.map((r) => [r.code, weighted(r.marketTiers)] as const))
  const contentTypes = new Map(QUEUES.map((q) => [q.code, weighted(q.contentTypes)] as const))
  const localHours = new Map(
    REGIONS.map((region) => {
      const hours = new Uint8Array(timeline.hours)
      for (let h = 0; h < timeline.hours; h += 1)
        hours[h] = localShape(region, startMs, h).localHour
      return [region.code, hours] as const
    }),
  )

  function makeItem(
    index: number,
    ms: number,
    hour: number,
    regions: Weighted<RegionShape>,
    random: Random,
  ): DemoItem {
    const region = pick(regions, random)
    const isIncident =
      incident !== null && incident.region === region.code && inWindow(ms, incident)
    const queues = regionQueues.get(region.code) as {
      base: Weighted<QueueCode>
      boosted: Weighted<QueueCode>
    }
    const queueCode = pick(isIncident ? queues.boosted : queues.base, random)
    const queue = QUEUE_BY_CODE.get(queueCode) as QueueShape
    const truthPolicy = pick(prevalence.get(queueCode) as Weighted<string>, random)
    const truth = { policy: truthPolicy, action: correctAction(truthPolicy, queueCode) }
    const inDrift =
      drift !== null &&
      drift.region === region.code &&
      drift.queue === queueCode &&
      ms >= drift.startsAt.getTime()
    const inIncident = isIncident && incident.queue === queueCode
    const classifier = routeToMachine(queue, truthPolicy, random)
    const suffix = String(index + 1).padStart(width, '0')
    const contentType = pick(contentTypes.get(queueCode) as Weighted<string>, random)
    let moderator: DemoModerator | null = null
    let judgement: Judgement
    let score: number | undefined
    let handleTimeMs: number
    if (classifier !== null) {
      const machine = decideAsMachine(classifier, truth, queueCode, random)
      judgement = machine
      score = machine.score
      handleTimeMs = Math.round(logNormal(random, classifier.handleTimeMedianMs, 0.4))
    } else {
      moderator = pick(organisation.pool(region.code, queueCode), random)
      const factor =
        (inDrift ? (drift as DemoDrift).factor : 1) *
        (inIncident ? (incident as DemoIncident).errorFactor : 1)
      judgement = decideAsHuman(moderator, truth, queueCode, factor, random)
      handleTimeMs = Math.round(
        logNormal(random, queue.handleTimeMedianMs * moderator.pace, queue.handleTimeSigma),
      )
    }
    // New accounts carry most spam; the rest are years old on average.
    const ageMedian = truthPolicy === 'spam' ? 6 : 420
    const decision: DemoDecisionRecord = {
      decision_id: `d-${seed}-${suffix}`,
      content_id: `${CONTENT_PREFIX[contentType] ?? 'x'}-${seed}-${suffix}`,
      content_type: contentType,
      decided_at: new Date(ms).toISOString(),
      region: region.code,
      language: pick(languages.get(region.code) as Weighted<string>, random),
      queue: queueCode,
      actor_type: classifier === null ? 'human' : 'machine',
      actor_id: classifier?.id ?? (moderator as DemoModerator).id,
      policy: judgement.policy,
      action: judgement.action,
      handle_time_ms: handleTimeMs,
      policy_version: ms < policyVersionChangeMs ? 'guidelines-v11' : 'guidelines-v12',
      market_tier: pick(tiers.get(region.code) as Weighted<string>, random),
      account_age_days: String(Math.round(logNormal(random, ageMedian, 1.2))),
    }
    if (moderator !== null) decision.site = moderator.site
    if (score !== undefined) decision.score = score
    const localHour = localHours.get(region.code)?.[hour] ?? 0
    return {
      index,
      decision,
      decidedAtMs: ms,
      truth,
      outcome: deriveOutcome(taxonomyIndex, judgement, truth),
      moderator,
      classifier,
      inDrift,
      inIncident,
      localHour,
    }
  }

  function* items(): Generator<DemoItem> {
    const random = createRandom(hash32(`decisions:${seed}`))
    let cumulative = 0
    let emitted = 0
    let index = 0
    for (let hour = 0; hour < timeline.hours; hour += 1) {
      cumulative += timeline.hourTotals[hour] as number
      const target =
        hour === timeline.hours - 1
          ? resolved.decisions
          : Math.round((resolved.decisions * cumulative) / timeline.total)
      const count = target - emitted
      emitted = target
      if (count <= 0) continue
      const offsets = new Float64Array(count)
      for (let i = 0; i < count; i += 1) offsets[i] = Math.floor(random() * HOUR_MS)
      offsets.sort()
      const regions = timeline.regionsByHour(hour)
      const hourMs = startMs + hour * HOUR_MS
      for (let i = 0; i < count; i += 1) {
        yield makeItem(index, hourMs + (offsets[i] as number), hour, regions, random)
        index += 1
      }
    }
  }

  return {
    options: resolved,
    organisation,
    strata,
    items,
    *decisions() {
      for (const item of items()) yield item.decision
    },
    *audits() {
      for (const item of items()) {
        const audit = buildAudit(item, { options: resolved, organisation, strata, taxonomyIndex })
        if (audit !== null) yield audit
      }
    },
  }
}
