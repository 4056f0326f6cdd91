/**
 * Decisions: validated rows become COPY text as they arrive; a batch is copied straight into
 * `decisions` (fast path) or, when some id is already stored, through a staging table with
 * ON CONFLICT DO NOTHING (slow path). The volume roll-ups are added in the same transaction for
 * the rows actually inserted, aggregated here in JS on both paths so that the sketch bucket has
 * one implementation (`quantileSketchBucket`; PostgreSQL's ln() may differ from Math.log in the
 * last bit and move a value across a bucket boundary).
 *
 * With sampling plans, the decisions a batch actually inserts are also drawn (`drawStreaming`) and
 * their samples and audit tasks written in the same transaction (see sample-at-ingest.ts).
 */
import type { FieldIssue } from '../../domain/errors.js'
import { fastValidateDecision } from '../../domain/fast-validate-decision.js'
import type { RawConnection } from '../../store/db.js'
import {
  addHandleTimeBuckets,
  addVolumeRollups,
  copyNewDecisions,
  insertDecisionsIgnoringDuplicates,
} from '../../store/ingest-store.js'
import {
  COPY_NULL,
  INT4_MAX,
  attributesCopyText,
  escapeOrIssue,
  normalizeTimestamp,
} from './copy-text.js'
import { MalformedRow, type IncomingRow } from './incoming-row.js'
import type { StreamingPlan } from '../sampling/draw-streaming.js'
import {
  DUPLICATE,
  checkTaxonomyCodes,
  describeValue,
  type BatchOutcome,
  type IngestTaxonomy,
  type RecordIngester,
} from './record-ingester.js'
import {
  mayBeSampled,
  writeIngestSamples,
  type IngestSampling,
  type SampleCandidate,
} from './sample-at-ingest.js'
import { VolumeRollup, rollupKey } from './volume-rollup.js'

export interface DecisionBatch {
  copyText: string
  ids: string[]
  rollupKeys: string[]
  /** -1 when the decision has no handle time. */
  handleTimes: number[]
  /** Decisions some sampling plan may sample (hash below its largest rate); empty without plans. */
  sampleCandidates: SampleCandidate[]
}

function emptyBatch(): DecisionBatch {
  return { copyText: '', ids: [], rollupKeys: [], handleTimes: [], sampleCandidates: [] }
}

export function createDecisionIngester(
  taxonomy: IngestTaxonomy,
  sampling: readonly StreamingPlan[] = [],
): RecordIngester<DecisionBatch> {
  let batch = emptyBatch()
  let seen = new Set<string>()
  return {
    get size() {
      return batch.ids.length
    },
    add(row: IncomingRow) {
      if (row.raw instanceof MalformedRow) return row.raw.issues
      const parsed = fastValidateDecision(row.raw)
      if (!parsed.ok) return parsed.issues
      const r = parsed.record
      const issues: FieldIssue[] = []
      checkTaxonomyCodes(taxonomy, r.policy, r.action, issues)
      const decidedAt = normalizeTimestamp(r.decided_at)
      if (typeof decidedAt === 'string')
        issues.push({
          path: 'decided_at',
          message: `${decidedAt} (got ${describeValue(r.decided_at)})`,
        })
      const handleTime = r.handle_time_ms
      if (handleTime !== undefined && handleTime > INT4_MAX)
        issues.push({ path: 'handle_time_ms', message: `must be at most ${INT4_MAX}` })
      const id = escapeOrIssue(r.decision_id, 'decision_id', issues)
      const contentId = escapeOrIssue(r.content_id, 'content_id', issues)
      const contentType = escapeOrIssue(r.content_type, 'content_type', issues)
      const region = escapeOrIssue(r.region, 'region', issues)
      const language = escapeOrIssue(r.language, 'language', issues)
      const queue = escapeOrIssue(r.queue, 'queue', issues)
      const site = escapeOrIssue(r.site, 'site', issues)
      const actorId = escapeOrIssue(r.actor_id, 'actor_id', issues)
      const policy = escapeOrIssue(r.policy, 'policy', issues)
      const action = escapeOrIssue(r.action, 'action', issues)
      const policyVersion = escapeOrIssue(r.policy_version, 'policy_version', issues)
      const attributes = attributesCopyText(r.attributes)
      if (attributes === undefined)
        issues.push({
          path: '',
          message: 'an extra column holds a NUL character or invalid Unicode',
        })
      if (issues.length > 0 || typeof decidedAt === 'string') return issues
      if (seen.has(r.decision_id)) return DUPLICATE
      seen.add(r.decision_id)
      const score = r.score === undefined ? COPY_NULL : String(r.score)
      batch.copyText += `${id}\t${contentId}\t${contentType}\t${decidedAt.text}\t${region}\t${language}\t${queue}\t${site}\t${r.actor_type}\t${actorId}\t${policy}\t${action}\t${score}\t${handleTime === undefined ? COPY_NULL : handleTime}\t${policyVersion}\t${attributes}\n`
      batch.ids.push(r.decision_id)
      batch.rollupKeys.push(
        rollupKey(decidedAt.day, r.region, r.queue, r.site, r.actor_type, r.policy, r.action),
      )
      batch.handleTimes.push(handleTime ?? -1)
      if (sampling.length > 0 && mayBeSampled(sampling, r.decision_id))
        batch.sampleCandidates.push({ decision: r, day: decidedAt.day })
      return undefined
    },
    take() {
      const taken = batch
      batch = emptyBatch()
      seen = new Set()
      return taken
    },
    async write(connection: RawConnection, taken: DecisionBatch): Promise<BatchOutcome> {
      const rollup = new VolumeRollup()
      let inserted: number
      let candidates = taken.sampleCandidates
      if (await copyNewDecisions(connection, taken.copyText)) {
        for (let i = 0; i < taken.ids.length; i++)
          rollup.add(taken.rollupKeys[i] as string, taken.handleTimes[i] as number)
        inserted = taken.ids.length
      } else {
        const insertedIds = new Set(
          await insertDecisionsIgnoringDuplicates(connection, taken.copyText),
        )
        for (let i = 0; i < taken.ids.length; i++) {
          if (insertedIds.has(taken.ids[i] as string))
            rollup.add(taken.rollupKeys[i] as string, taken.handleTimes[i] as number)
        }
        inserted = insertedIds.size
        // Only decisions inserted now are sampled: a stored one was sampled (or not) when it was.
        candidates = candidates.filter((c) => insertedIds.has(c.decision.decision_id))
      }
      await addVolumeRollups(connection, rollup.volumeRows())
      await addHandleTimeBuckets(connection, rollup.bucketRows())
      let sampled: IngestSampling | undefined
      if (sampling.length > 0) sampled = await writeIngestSamples(connection, sampling, candidates)
      return {
        inserted,
        duplicates: taken.ids.length - inserted,
        rejects: [],
        ...(sampled === undefined ? {} : { sampled }),
      }
    },
  }
}
