/**
 * Accumulates the decision volume roll-ups of one batch in memory (decision_volume_daily and the
 * handle-time sketch buckets), for the rows actually inserted, as sorted column arrays.
 */
import { quantileSketchBucket } from '../../stats/sketch/index.js'
import type {
  BucketRollupRows,
  RollupKeyColumns,
  VolumeRollupRows,
} from '../../store/ingest-store.js'

/** Relative accuracy of the handle-time sketch (DDSketch α); every stored bucket must use the same. */
export const HANDLE_TIME_SKETCH_ACCURACY = 0.01

/** Separates key parts; NUL never occurs in stored text (ingest rejects it). */
const SEP = '\0'

/** The roll-up key of a decision: UTC day, region, queue, site ('' if none), actor_type, policy, action. */
export function rollupKey(
  day: string,
  region: string,
  queue: string,
  site: string | undefined,
  actorType: string,
  policy: string,
  action: string,
): string {
  return `${day}${SEP}${region}${SEP}${queue}${SEP}${site ?? ''}${SEP}${actorType}${SEP}${policy}${SEP}${action}`
}

export class VolumeRollup {
  private readonly volume = new Map<
    string,
    [decisions: number, handleTimeCount: number, handleTimeTotalMs: number]
  >()
  private readonly buckets = new Map<string, Map<number, number>>()

  /** `handleTimeMs` is -1 when the decision has none. */
  add(key: string, handleTimeMs: number): void {
    let cell = this.volume.get(key)
    if (cell === undefined) {
      cell = [0, 0, 0]
      this.volume.set(key, cell)
    }
    cell[0] += 1
    if (handleTimeMs < 0) return
    cell[1] += 1
    cell[2] += handleTimeMs
    let counts = this.buckets.get(key)
    if (counts === undefined) {
      counts = new Map()
      this.buckets.set(key, counts)
    }
    const bucket = quantileSketchBucket(handleTimeMs, HANDLE_TIME_SKETCH_ACCURACY)
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1)
  }

  volumeRows(): VolumeRollupRows {
    const keys = [...this.volume.keys()].sort()
    const rows: VolumeRollupRows = {
      keys: emptyKeyColumns(),
      decisions: [],
      handleTimeCount: [],
      handleTimeTotalMs: [],
    }
    for (const key of keys) {
      const cell = this.volume.get(key) as [number, number, number]
      pushKey(rows.keys, key)
      rows.decisions.push(cell[0])
      rows.handleTimeCount.push(cell[1])
      rows.handleTimeTotalMs.push(cell[2])
    }
    return rows
  }

  bucketRows(): BucketRollupRows {
    const keys = [...this.buckets.keys()].sort()
    const rows: BucketRollupRows = { keys: emptyKeyColumns(), bucket: [], count: [] }
    for (const key of keys) {
      const counts = this.buckets.get(key) as Map<number, number>
      for (const bucket of [...counts.keys()].sort((a, b) => a - b)) {
        pushKey(rows.keys, key)
        rows.bucket.push(bucket)
        rows.count.push(counts.get(bucket) as number)
      }
    }
    return rows
  }
}

function emptyKeyColumns(): RollupKeyColumns {
  return [[], [], [], [], [], [], []]
}

function pushKey(columns: RollupKeyColumns, key: string): void {
  const parts = key.split(SEP)
  for (let i = 0; i < 7; i++) columns[i]?.push(parts[i] as string)
}
