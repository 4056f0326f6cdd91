/** Independent recomputation of the decision roll-ups from raw decisions, to compare with the stored ones. */
import { quantileSketchBucket } from '../../../src/stats/sketch/index.js'
import type { Database } from '../../../src/store/db.js'

const KEY = `to_char(decided_at at time zone 'UTC', 'YYYY-MM-DD') as day, region, queue, coalesce(site, '') as site, actor_type, policy, action`
const KEY_STORED = `to_char(day, 'YYYY-MM-DD') as day, region, queue, site, actor_type, policy, action`

export interface RollupComparison {
  storedVolume: string[]
  expectedVolume: string[]
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
      await c.query(`select ${KEY_STORED}, bucket, count from decision_handle_time_buckets`)
    ).rows.map(line)
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
    return {
      storedVolume: storedVolume.sort(),
      expectedVolume: expectedVolume.sort(),
      storedBuckets: storedBuckets.sort(),
      expectedBuckets: expectedBuckets.sort(),
    }
  })
}
