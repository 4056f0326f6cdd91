/**
 * The drill-down behind a metric slice: the final verdicts of the audited decisions in one slice
 * (dimension = value pairs) and period, newest first, a page at a time. With a metric, only the
 * verdicts in its denominator (the audits the estimate is computed from) are listed.
 */
import type { Principal } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { isDimension } from '../../domain/metrics/dimensions.js'
import type { Period } from '../../domain/metrics/period.js'
import { usesRollups } from '../../domain/metrics/metric-definition.js'
import type { Database } from '../../store/db.js'
import { listSliceAudits as listRows, type SliceAuditRow } from '../../store/slice-audits-store.js'
import { getMetric, loadMetricSetup, resolvePeriod, scopeOf } from './metric-setup.js'

/** The value the metrics API and the web app show for a missing dimension value. */
export const NONE_VALUE = '(none)'
export const DEFAULT_SLICE_AUDIT_LIMIT = 50
export const MAX_SLICE_AUDIT_LIMIT = 500

export interface ListSliceAuditsOptions {
  metric?: string
  /** Any period expression the metrics accept (default: month). */
  period?: string
  /** Dimension → value; `(none)` (or null) matches a missing value. */
  slice: Readonly<Record<string, string | null>>
  limit?: number
  cursor?: string
  now: Date
}

export interface SliceAuditsResult {
  metric: string | null
  period: Period
  slice: Record<string, string | null>
  items: SliceAuditRow[]
  nextCursor: string | null
}

export async function listSliceAudits(
  database: Database,
  principal: Pick<Principal, 'regions' | 'sites'> | null,
  options: ListSliceAuditsOptions,
): Promise<SliceAuditsResult> {
  const bad = Object.keys(options.slice).filter((d) => !isDimension(d))
  if (bad.length > 0) {
    throw new ValidationError(
      `unknown dimension ${bad.join(', ')}`,
      bad.map((d) => ({ path: d, message: 'not a dimension' })),
    )
  }
  const limit = options.limit ?? DEFAULT_SLICE_AUDIT_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SLICE_AUDIT_LIMIT) {
    throw new ValidationError(`limit must be 1 to ${MAX_SLICE_AUDIT_LIMIT}`, [
      { path: 'limit', message: `1 to ${MAX_SLICE_AUDIT_LIMIT}` },
    ])
  }
  const setup = await loadMetricSetup(database)
  const metric = options.metric === undefined ? undefined : getMetric(setup, options.metric)
  const period = resolvePeriod(setup, options.period ?? 'month', options.now)
  const slice = Object.fromEntries(
    Object.entries(options.slice).map(([d, v]) => [d, v === NONE_VALUE ? null : v]),
  )
  const page = await listRows(database.db, {
    range: period,
    scope: scopeOf(principal),
    slice,
    denominator:
      metric !== undefined && metric.over === 'verdicts' && !usesRollups(metric)
        ? metric.denominator
        : undefined,
    enforcingActions: setup.enforcingActions,
    limit,
    cursor: options.cursor,
  })
  return { metric: metric?.code ?? null, period, slice, ...page }
}
