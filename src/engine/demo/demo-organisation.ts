/**
 * The people of the demo organisation: moderators (region, site, queues, latent accuracy,
 * productivity) and QA auditors, drawn from a seeded RNG so a seed always gives the same staff.
 */
import {
  clamp,
  logNormal,
  normal,
  pick,
  weighted,
  type Random,
  type Weighted,
} from './demo-random.js'
import { QUEUE_CODES, REGIONS, type QueueCode, type RegionShape } from './demo-shape.js'

export interface DemoModerator {
  id: string
  region: string
  site: string
  /** Latent probability of deciding an average item right, in [0.85, 0.99]. */
  accuracy: number
  queues: QueueCode[]
  /** Relative number of items the moderator handles. */
  productivity: number
  /** Multiplier of the queue's handle time (slow and fast workers). */
  pace: number
}

export interface DemoAuditor {
  id: string
  region: string
}

export interface DemoOrganisation {
  moderators: DemoModerator[]
  auditors: DemoAuditor[]
  /** Moderators who work a region × queue, weighted by productivity. */
  pool(region: string, queue: QueueCode): Weighted<DemoModerator>
  auditorsIn(region: string): DemoAuditor[]
}

/** Moderators for a demo of `decisions` items: one per 500, at least 25, at most 5,000. */
export function moderatorCountFor(decisions: number): number {
  return clamp(Math.round(decisions / 500), 25, 5_000)
}

/** Splits `total` over shares with a minimum each (largest remainder, so the sum is exact). */
function apportion(total: number, shares: readonly number[], minimum: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0)
  const free = Math.max(0, total - minimum * shares.length)
  const exact = shares.map((s) => (free * s) / sum)
  const counts = exact.map((e) => Math.floor(e) + minimum)
  let left = total - counts.reduce((a, b) => a + b, 0)
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0])
  for (const [, i] of order) {
    if (left <= 0) break
    counts[i] = (counts[i] as number) + 1
    left -= 1
  }
  return counts
}

function queueMixOf(region: RegionShape): Weighted<QueueCode> {
  return weighted(QUEUE_CODES.map((q) => [q, region.queueMix[q]] as const))
}

export function buildOrganisation(moderatorCount: number, random: Random): DemoOrganisation {
  const moderators: DemoModerator[] = []
  const perRegion = apportion(
    moderatorCount,
    REGIONS.map((r) => r.share),
    3,
  )
  const width = String(moderatorCount).length < 4 ? 4 : String(moderatorCount).length
  REGIONS.forEach((region, r) => {
    const sites = weighted(region.sites.map((s) => [s, s.share] as const))
    const queues = queueMixOf(region)
    const start = moderators.length
    for (let i = 0; i < (perRegion[r] as number); i += 1) {
      const site = pick(sites, random)
      const primary = pick(queues, random)
      const secondary = random() < 0.5 ? pick(queues, random) : primary
      moderators.push({
        id: `mod-${String(moderators.length + 1).padStart(width, '0')}`,
        region: region.code,
        site: site.code,
        accuracy: clamp(site.accuracy + 0.025 * normal(random), 0.85, 0.99),
        queues: secondary === primary ? [primary] : [primary, secondary],
        productivity: logNormal(random, 1, 0.35),
        pace: logNormal(random, 1, 0.2),
      })
    }
    // Every queue of every region needs someone to work it.
    const staff = moderators.slice(start)
    for (const queue of QUEUE_CODES) {
      if (staff.some((m) => m.queues.includes(queue))) continue
      const helper = staff[Math.floor(random() * staff.length)] as DemoModerator
      helper.queues.push(queue)
    }
  })

  const pools = new Map<string, Map<string, Weighted<DemoModerator>>>()
  for (const region of REGIONS) {
    const byQueue = new Map<string, Weighted<DemoModerator>>()
    for (const queue of QUEUE_CODES) {
      const staff = moderators.filter((m) => m.region === region.code && m.queues.includes(queue))
      byQueue.set(queue, weighted(staff.map((m) => [m, m.productivity] as const)))
    }
    pools.set(region.code, byQueue)
  }

  // About one QA auditor per 40 moderators, at least one per region; auditors review their own region.
  const auditorCount = Math.max(REGIONS.length, Math.round(moderatorCount / 40))
  const auditorsPerRegion = apportion(
    auditorCount,
    REGIONS.map((r) => r.share),
    1,
  )
  const auditors: DemoAuditor[] = []
  REGIONS.forEach((region, r) => {
    for (let i = 0; i < (auditorsPerRegion[r] as number); i += 1) {
      auditors.push({ id: `auditor-${auditors.length + 1}`, region: region.code })
    }
  })
  const byRegion = new Map(
    REGIONS.map((r) => [r.code, auditors.filter((a) => a.region === r.code)]),
  )

  return {
    moderators,
    auditors,
    pool(region, queue) {
      const found = pools.get(region)?.get(queue)
      if (found === undefined) throw new Error(`no moderators for ${region} × ${queue}`)
      return found
    },
    auditorsIn(region) {
      return byRegion.get(region) ?? []
    },
  }
}
