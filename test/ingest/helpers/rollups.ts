/** Independent recomputation of the decision roll-ups from raw decisions, to compare with the stored ones. */
import { quantileSketchBucket } from '../../../src/stats/sketch/index.js'
import type { Database } from '../../../src/store/db.js'

const KEY = `to_char(decided_at at time zone 'UTC', 'YYYY-MM-DD') as day, region, queue, coalesce(site, '') as site, actor_type, policy, action`
const KEY_STORED = `to_char(day, 'YYYY-MM-DD') as day, region, queue, site, actor_type, policy, action`

export interface RollupComparison {
  storedVolume: string[]
  expectedVolume: string[]
  /**
   * Handle-time sketches as lines: each cell's (key|bucket|count), each narrow scope's
   * (scope|day|region|site|bucket|count), and `unsorted|key` for a cell whose bucket array is not
   * strictly ascending (never expected).
   */
  storedBuckets: string[]
  expectedBuckets: string[]
}

/** Both roll-ups as sorted lines, stored and recomputed by a GROUP BY over `decisions`. */
export async function compareRollups(database: Database): Promise<RollupComparison> {
  return database.withConnection(async (c) => {
    const line = (r: Record<string, unknown>) => Object.values(r).map(String).join('|')
    const storedVolume = (
      await c.query(
        `select ${KEY_STORED}, decisions, handle_time_count, handle_time_total_ms from decision_volume_daily`,
      )
    ).rows.map(line)
    const expectedVolume = (
      await c.query(
        `select ${KEY}, count(*) as decisions, count(handle_time_ms) as handle_time_count, coalesce(sum(handle_time_ms), 0) as handle_time_total_ms
         from decisions group by 1, 2, 3, 4, 5, 6, 7`,
      )
    ).rows.map(line)
    const storedBuckets = (
      await c.query(
        `select ${KEY_STORED}, s.bucket, s.count
         from decision_volume_daily
         cross join lateral unnest(handle_time_buckets, handle_time_bucket_counts) as s(bucket, count)`,
      )
    ).rows.map(line)
    const unsorted = (
      await c.query(
        `select ${KEY_STORED} from decision_volume_daily
         where cardinality(handle_time_buckets) <> cardinality(handle_time_bucket_counts)
            or exists (select 1 from generate_subscripts(handle_time_buckets, 1) i
                       where i > 1 and handle_time_buckets[i] <= handle_time_buckets[i - 1])`,
      )
    ).rows.map((r) => `unsorted|${line(r)}`)
    const storedScope = (
      await c.query(
        `select to_char(day, 'YYYY-MM-DD') as day, region, site, bucket, count from decision_handle_time_scope where count <> 0`,
      )
    ).rows.map((r) => `scope|${line(r)}`)
    const perValue = await c.query<Record<string, unknown> & { handle_time_ms: number; n: number }>(
      `select ${KEY}, handle_time_ms, count(*)::int as n from decisions where handle_time_ms is not null group by 1, 2, 3, 4, 5, 6, 7, 8`,
    )
    const buckets = new Map<string, number>()
    for (const row of perValue.rows) {
      const { handle_time_ms: value, n, ...key } = row
      const k = `${line(key)}|${quantileSketchBucket(Number(value), 0.01)}`
      buckets.set(k, (buckets.get(k) ?? 0) + Number(n))
    }
    const expectedBuckets = [...buckets].map(([k, n]) => `${k}|${n}`)
    const scope = new Map<string, number>()
    for (const [k, n] of buckets) {
      const [day, region, , site, , , , bucket] = k.split('|')
      const key = `scope|${day}|${region}|${site}|${bucket}`
      scope.set(key, (scope.get(key) ?? 0) + n)
    }
    const expectedScope = [...scope].map(([k, n]) => `${k}|${n}`)
    return {
      storedVolume: storedVolume.sort(),
      expectedVolume: expectedVolume.sort(),
      storedBuckets: [...storedBuckets, ...unsorted, ...storedScope].sort(),
      expectedBuckets: [...expectedBuckets, ...expectedScope].sort(),
    }
  })
}
