import { StatsInputError } from '../stats-input-error.js'

/** One row of a Pareto table. */
export interface ParetoRow {
  key: string
  count: number
  share: number
  cumulativeShare: number
  /** True for the rows up to and including the one where the cumulative share first reaches 0.8. */
  vitalFew: boolean
}

/**
 * Pareto table: categories sorted by count with shares, cumulative shares and the "vital few".
 *
 * Definition: rows sorted by count descending, ties by key ascending (code-unit order, so the
 * result does not depend on locale); share = count / total; cumulativeShare = running count /
 * total (computed from counts, so the last row is exactly 1); vitalFew marks the rows up to
 * and including the first whose cumulative share is ≥ 0.8 (the 80/20 rule). Zero counts are
 * kept as rows at the end.
 *
 * When to use: root-cause analysis of audit errors — which error reasons, policies or queues
 * account for most of the errors — and the bars-plus-line Pareto chart.
 *
 * Reference: NIST/SEMATECH e-Handbook of Statistical Methods §6.1 / Juran's Pareto principle;
 * https://en.wikipedia.org/wiki/Pareto_chart
 *
 * Cost: O(k log k) for k categories.
 *
 * @throws {StatsInputError} when there is no category, a count is negative or not finite, or
 * all counts are 0
 * @example
 * pareto({ spam: 10, hate: 30, other: 5, scam: 55 })
 * // [{ key: 'scam', count: 55, share: 0.55, cumulativeShare: 0.55, vitalFew: true },
 * //  { key: 'hate', count: 30, share: 0.3, cumulativeShare: 0.85, vitalFew: true },
 * //  { key: 'spam', count: 10, share: 0.1, cumulativeShare: 0.95, vitalFew: false },
 * //  { key: 'other', count: 5, share: 0.05, cumulativeShare: 1, vitalFew: false }]
 */
export function pareto(counts: Readonly<Record<string, number>>): ParetoRow[] {
  const entries = Object.entries(counts)
  if (entries.length === 0) throw new StatsInputError('`pareto` requires at least one category')
  let total = 0
  for (const [, count] of entries) {
    if (!(Number.isFinite(count) && count >= 0)) {
      throw new StatsInputError('`pareto` requires counts that are non-negative finite numbers')
    }
    total += count
  }
  if (total === 0) throw new StatsInputError('`pareto` requires a positive total count')
  entries.sort(([keyA, a], [keyB, b]) => b - a || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0))
  let running = 0
  let reached = false
  return entries.map(([key, count]) => {
    running += count
    const cumulativeShare = running / total
    const vitalFew = !reached
    if (cumulativeShare >= 0.8) reached = true
    return { key, count, share: count / total, cumulativeShare, vitalFew }
  })
}
