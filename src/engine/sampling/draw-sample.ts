/**
 * Draws a plan's sample for a closed period from the stored decisions, or only plans it
 * (`dryRun`): per stratum the volume, the sample size and the expected margin of error.
 *
 * - batch: an exact-quota stratified draw without replacement — per stratum the n_h eligible
 *   decisions with the smallest hash u (u is uniform and independent of everything else, so the
 *   first n_h by u are a simple random sample); inclusion probability n_h / N_h.
 * - stream: the streaming rule replayed over the period (a backfill, or a check of what the
 *   ingest workers drew): sampled iff u < rate_h; inclusion probability rate_h.
 *
 * Minimum per moderator (second phase): a human moderator with k_a < m sampled decisions out of
 * M_a gets t_a = min(m, M_a) − k_a more, the smallest of a second hash u2 among their unsampled
 * decisions. Treating that phase as an independent draw at rate p2_a = t_a / (M_a − k_a), every
 * sampled decision of the moderator gets inclusion probability 1 − (1 − p1)(1 − p2_a), where p1 is
 * its stratum's phase-1 probability (an approximation: exact only in expectation over phase 1).
 *
 * Cost: two scans of the period's decisions (see sampling-store.ts), one more when a moderator
 * minimum applies; samples and tasks are written in one transaction. Re-running is idempotent.
 */
import { randomBytes } from 'node:crypto'
import {
  allocateSample,
  type StratumAllocation,
  type StratumVolume,
} from '../../domain/sampling/allocation.js'
import {
  lastCompletePeriod,
  parsePeriod,
  previousPeriod,
  type Period,
} from '../../domain/sampling/period.js'
import type { SamplingPlan } from '../../domain/sampling/plan.js'
import {
  createStratumKey,
  type PolicyTiers,
  type SamplingDecision,
} from '../../domain/sampling/stratum.js'
import { marginOfError, normalQuantile } from '../../stats/index.js'
import type { Database } from '../../store/db.js'
import {
  countRawGroups,
  countStratumErrors,
  insertSamples,
  selectCandidates,
  selectModeratorCandidates,
  type Candidate,
  type SampleRow,
  type StoredPlan,
} from '../../store/sampling-store.js'
import { getCurrentTaxonomy } from '../../store/taxonomy-store.js'
import { insertTasks } from '../../store/audit-workflow-store.js'
import { assignOpenTasks } from '../audits/assign-tasks.js'
import { streamingRates } from './draw-streaming.js'

export interface DrawOptions {
  /** `2026-W10`, `2026-03-01` or `2026-03-01..2026-03-07`; default the last complete period. */
  period?: string
  method?: 'batch' | 'stream'
  dryRun?: boolean
  confidence?: number
  now?: Date
}

export interface StratumReport extends StratumAllocation {
  /** Expected margin of error of the stratum's error rate (null when nothing is sampled). */
  margin: number | null
  /** What was drawn in phase 1 (null on a dry run). */
  drawn: number | null
}

export interface SampleReport {
  planId: string
  planVersion: number
  period: { id: string; start: string; end: string }
  method: 'batch' | 'stream'
  dryRun: boolean
  confidence: number
  strata: StratumReport[]
  total: { volume: number; size: number; margin: number | null }
  moderators: { minimum: number; toppedUp: number; added: number } | null
  result: { sampled: number; new: number; tasksCreated: number; tasksAssigned: number } | null
}

export async function policyTiers(database: Database): Promise<Map<string, number>> {
  const { taxonomy } = await getCurrentTaxonomy(database.db)
  return new Map(taxonomy.policies.map((p) => [p.code, p.tier]))
}

export function newSalt(): string {
  return randomBytes(8).toString('hex')
}

function stratifiedMargin(strata: readonly StratumAllocation[], confidence: number): number | null {
  const total = strata.reduce((sum, s) => sum + s.volume, 0)
  if (total === 0 || strata.every((s) => s.size === 0)) return null
  const z = normalQuantile(1 - (1 - confidence) / 2)
  let variance = 0
  for (const s of strata) {
    if (s.size <= 0 || s.volume === 0) continue
    const weight = s.volume / total
    const p = s.expectedErrorRate
    variance += weight * weight * (1 - Math.min(1, s.size / s.volume)) * ((p * (1 - p)) / s.size)
  }
  return z * Math.sqrt(variance)
}

export async function withErrors(
  database: Database,
  plan: SamplingPlan,
  tiers: PolicyTiers,
  strata: { stratum: string; volume: number }[],
  reference: Period,
): Promise<StratumVolume[]> {
  const errors = new Map(
    (await countStratumErrors(database.db, plan, tiers, reference)).map((e) => [e.stratum, e]),
  )
  return strata.map((s) => ({
    ...s,
    audits: errors.get(s.stratum)?.audits ?? 0,
    errors: errors.get(s.stratum)?.errors ?? 0,
  }))
}

/** The stratum key of a group of raw stratum values, by the same function the stream uses. */
export function createKeyOfValues(
  plan: SamplingPlan,
  tiers: PolicyTiers,
): (values: readonly string[]) => string {
  const key = createStratumKey(plan, tiers)
  return (values) => {
    const decision: SamplingDecision & { attributes: Record<string, string> } = {
      decision_id: '',
      attributes: {},
    }
    plan.strata.forEach((field, i) => {
      const value = values[i] ?? ''
      if (field === 'policy_tier') decision.policy = value
      else if (field.startsWith('attributes.'))
        decision.attributes[field.slice('attributes.'.length)] = value
      else (decision as Record<string, unknown>)[field] = value
    })
    return key(decision)
  }
}

export interface Volumes {
  strata: { stratum: string; volume: number }[]
  moderators: { actorId: string; volume: number }[]
  groups: { values: string[]; stratum: string }[]
}

export async function countVolumes(
  database: Database,
  plan: SamplingPlan,
  tiers: PolicyTiers,
  period: Period,
  withModerators: boolean,
  keyOf: (values: readonly string[]) => string,
): Promise<Volumes> {
  const rows = await countRawGroups(database.db, plan, tiers, period, withModerators)
  const strata = new Map<string, number>()
  const moderators = new Map<string, number>()
  const groups = new Map<string, { values: string[]; stratum: string }>()
  for (const row of rows) {
    const stratum = keyOf(row.values)
    strata.set(stratum, (strata.get(stratum) ?? 0) + row.volume)
    if (row.moderator !== null)
      moderators.set(row.moderator, (moderators.get(row.moderator) ?? 0) + row.volume)
    groups.set(JSON.stringify(row.values), { values: row.values, stratum })
  }
  return {
    strata: [...strata]
      .map(([stratum, volume]) => ({ stratum, volume }))
      .sort((a, b) => (a.stratum < b.stratum ? -1 : a.stratum > b.stratum ? 1 : 0)),
    moderators: [...moderators].map(([actorId, volume]) => ({ actorId, volume })),
    groups: [...groups.values()],
  }
}

function compareCandidates(a: Candidate, b: Candidate): number {
  return a.u - b.u || (a.decisionId < b.decisionId ? -1 : a.decisionId > b.decisionId ? 1 : 0)
}

export async function drawSample(
  database: Database,
  stored: StoredPlan,
  options: DrawOptions = {},
): Promise<SampleReport> {
  const plan = { ...stored.plan, salt: stored.salt }
  const now = options.now ?? new Date()
  const method = options.method ?? 'batch'
  const confidence = options.confidence ?? 0.95
  const dryRun = options.dryRun ?? false
  const period =
    options.period === undefined
      ? lastCompletePeriod(plan.period, now)
      : parsePeriod(options.period)
  const reference = previousPeriod(period)
  const tiers = await policyTiers(database)
  const minimum = plan.min_per_moderator
  const keyOf = createKeyOfValues(plan, tiers)
  const volumes = await countVolumes(database, plan, tiers, period, minimum > 0 && !dryRun, keyOf)
  const strata = await withErrors(database, plan, tiers, volumes.strata, reference)

  let allocation: StratumAllocation[]
  if (method === 'batch') {
    allocation = allocateSample(plan, strata)
  } else {
    const referenceVolumes =
      plan.allocation.method === 'fixed_rate'
        ? strata
        : await withErrors(
            database,
            plan,
            tiers,
            (await countVolumes(database, plan, tiers, reference, false, keyOf)).strata,
            previousPeriod(reference),
          )
    const { rates, defaultRate } = streamingRates(plan, referenceVolumes)
    allocation = strata.map((s) => {
      const rate = rates.get(s.stratum) ?? defaultRate
      return {
        stratum: s.stratum,
        volume: s.volume,
        size: rate * s.volume,
        rate,
        expectedErrorRate: ((s.errors ?? 0) + 1) / ((s.audits ?? 0) + 2),
      }
    })
  }
  const report: SampleReport = {
    planId: stored.planId,
    planVersion: stored.version,
    period: { id: period.id, start: period.start.toISOString(), end: period.end.toISOString() },
    method,
    dryRun,
    confidence,
    strata: allocation.map((s) => {
      const n = Math.round(s.size)
      return {
        ...s,
        margin:
          n >= 1
            ? marginOfError(Math.min(n, s.volume), {
                p: s.expectedErrorRate,
                confidence,
                population: s.volume,
              })
            : null,
        drawn: null,
      }
    }),
    total: {
      volume: allocation.reduce((sum, s) => sum + s.volume, 0),
      size: allocation.reduce((sum, s) => sum + s.size, 0),
      margin: stratifiedMargin(allocation, confidence),
    },
    moderators: null,
    result: null,
  }
  if (dryRun) return report

  // Phase 1: the stratified draw.
  const byStratum = new Map(allocation.map((s) => [s.stratum, s]))
  const picked = new Map<string, Candidate[]>()
  const thresholdsOf = (thresholds: ReadonlyMap<string, number>) =>
    volumes.groups
      .filter((g) => thresholds.has(g.stratum))
      .map((g) => ({ values: g.values, threshold: thresholds.get(g.stratum)! }))
  if (method === 'batch') {
    const thresholds = new Map<string, number>()
    for (const s of allocation) {
      if (s.size > 0)
        thresholds.set(s.stratum, Math.min(1, (s.size + 6 * Math.sqrt(s.size) + 10) / s.volume))
    }
    const collect = (rows: Candidate[]) => {
      for (const row of rows) {
        const stratum = keyOf(row.values)
        const list = picked.get(stratum) ?? []
        list.push(row)
        picked.set(stratum, list)
      }
    }
    collect(await selectCandidates(database.db, plan, tiers, period, thresholdsOf(thresholds)))
    // A stratum with fewer candidates than its quota (a ~6σ event) is read again in full.
    const short = new Map<string, number>()
    for (const s of allocation) {
      if (
        s.size > 0 &&
        (picked.get(s.stratum)?.length ?? 0) < s.size &&
        (thresholds.get(s.stratum) ?? 1) < 1
      ) {
        short.set(s.stratum, 1)
        picked.delete(s.stratum)
      }
    }
    if (short.size > 0)
      collect(await selectCandidates(database.db, plan, tiers, period, thresholdsOf(short)))
    for (const [stratum, list] of picked) {
      list.sort(compareCandidates)
      picked.set(stratum, list.slice(0, byStratum.get(stratum)?.size ?? 0))
    }
  } else {
    const rows = await selectCandidates(
      database.db,
      plan,
      tiers,
      period,
      thresholdsOf(new Map(allocation.map((s) => [s.stratum, s.rate]))),
    )
    for (const row of rows) {
      const stratum = keyOf(row.values)
      picked.set(stratum, [...(picked.get(stratum) ?? []), row])
    }
  }
  const p1 = (stratum: string) => {
    const s = byStratum.get(stratum)
    if (s === undefined || s.volume === 0) return 0
    return method === 'batch' ? Math.round(s.size) / s.volume : s.rate
  }
  const rows = new Map<string, SampleRow & { moderator: string | null }>()
  for (const [stratum, list] of picked) {
    for (const c of list) {
      rows.set(c.decisionId, {
        planId: stored.planId,
        planVersion: stored.version,
        decisionId: c.decisionId,
        period: period.id,
        stratum,
        inclusionProbability: p1(stratum),
        method,
        phase: 1,
        moderator: c.moderator,
      })
    }
  }
  for (const s of report.strata) s.drawn = picked.get(s.stratum)?.length ?? 0

  // Phase 2: top up every human moderator below the minimum.
  if (minimum > 0) {
    const sampledPerModerator = new Map<string, number>()
    for (const row of rows.values()) {
      if (row.moderator !== null)
        sampledPerModerator.set(row.moderator, (sampledPerModerator.get(row.moderator) ?? 0) + 1)
    }
    const shortfall = new Map<string, { k: number; t: number; volume: number }>()
    for (const m of volumes.moderators) {
      const k = sampledPerModerator.get(m.actorId) ?? 0
      const t = Math.min(minimum, m.volume) - k
      if (t > 0) shortfall.set(m.actorId, { k, t, volume: m.volume })
    }
    // Per moderator, a bound on u2 that lets through ≈ need + 6√need + 10 of their decisions
    // (need = t + k, as up to k of them may already be sampled); a shortfall is read in full.
    const thresholdFor = (s: { k: number; t: number; volume: number }) =>
      Math.min(1, (s.t + s.k + 6 * Math.sqrt(s.t + s.k) + 10) / s.volume)
    const topUpSalt = `${plan.salt}:moderator`
    let extra = await selectModeratorCandidates(
      database.db,
      plan,
      tiers,
      period,
      new Map([...shortfall].map(([actor, s]) => [actor, thresholdFor(s)])),
      topUpSalt,
    )
    const found = new Map<string, number>()
    for (const c of extra)
      if (c.moderator !== null && !rows.has(c.decisionId))
        found.set(c.moderator, (found.get(c.moderator) ?? 0) + 1)
    const reread = new Map(
      [...shortfall]
        .filter(([actor, s]) => (found.get(actor) ?? 0) < s.t && thresholdFor(s) < 1)
        .map(([actor]) => [actor, 1]),
    )
    if (reread.size > 0) {
      extra = [
        ...extra.filter((c) => !reread.has(c.moderator ?? '')),
        ...(await selectModeratorCandidates(database.db, plan, tiers, period, reread, topUpSalt)),
      ]
    }
    extra.sort(compareCandidates)
    const added = new Map<string, number>()
    let addedTotal = 0
    for (const c of extra) {
      const moderator = c.moderator ?? ''
      const s = shortfall.get(moderator)
      if (s === undefined || rows.has(c.decisionId) || (added.get(moderator) ?? 0) >= s.t) continue
      added.set(moderator, (added.get(moderator) ?? 0) + 1)
      addedTotal += 1
      rows.set(c.decisionId, {
        planId: stored.planId,
        planVersion: stored.version,
        decisionId: c.decisionId,
        period: period.id,
        stratum: keyOf(c.values),
        inclusionProbability: p1(keyOf(c.values)),
        method,
        phase: 2,
        moderator,
      })
    }
    for (const row of rows.values()) {
      const s = row.moderator === null ? undefined : shortfall.get(row.moderator)
      if (s === undefined) continue
      const p2 = s.t / (s.volume - s.k)
      row.inclusionProbability = 1 - (1 - row.inclusionProbability) * (1 - p2)
    }
    report.moderators = { minimum, toppedUp: added.size, added: addedTotal }
  }

  const sampleRows: SampleRow[] = [...rows.values()].map(({ moderator: _moderator, ...row }) => row)
  const { inserted, tasksCreated } = await database.transaction(async (trx) => {
    const newIds = await insertSamples(trx, sampleRows)
    const created = await insertTasks(
      trx,
      newIds.map((decisionId) => ({
        decisionId,
        planId: stored.planId,
        planVersion: stored.version,
        kind: 'qa' as const,
      })),
    )
    return { inserted: newIds.length, tasksCreated: created }
  })
  const tasksAssigned = await assignOpenTasks(database, { now })
  report.result = { sampled: sampleRows.length, new: inserted, tasksCreated, tasksAssigned }
  return report
}
