/**
 * What metric evaluation needs besides the period: the metric library (standard + user-defined
 * ones stored in the database), the enforcing actions and the severity weights of the current
 * taxonomy, and the data range that relative periods resolve against.
 */
import type { Principal } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import {
  findMetric,
  loadStandardMetrics,
  mergeMetricLibraries,
  parseMetricDefinition,
  type MetricDefinition,
} from '../../domain/metrics/metric-definition.js'
import { parsePeriod, toDay, type DataRange, type Period } from '../../domain/metrics/period.js'
import type { Database } from '../../store/db.js'
import {
  findDataRange,
  listMetricDocuments,
  saveMetricDocument,
  type MetricScope,
} from '../../store/metrics-store.js'
import { findCurrentTaxonomy } from '../../store/taxonomy-store.js'

export interface MetricSetup {
  library: MetricDefinition[]
  enforcingActions: string[]
  /** Severity code → weight, from the taxonomy. */
  severityWeights: Record<string, number>
  range: DataRange
}

const FALLBACK_ENFORCING = ['remove', 'restrict', 'label', 'ban_account']
const FALLBACK_WEIGHTS = { critical: 5, major: 2, minor: 1 }

export async function loadMetricSetup(database: Database): Promise<MetricSetup> {
  const [documents, taxonomy, range] = await Promise.all([
    listMetricDocuments(database.db),
    findCurrentTaxonomy(database.db),
    findDataRange(database.db),
  ])
  const user = documents.map((d) => parseMetricDefinition(d))
  return {
    library: mergeMetricLibraries(loadStandardMetrics(), user),
    enforcingActions: taxonomy
      ? taxonomy.taxonomy.actions.filter((a) => a.enforces).map((a) => a.code)
      : FALLBACK_ENFORCING,
    severityWeights: taxonomy
      ? Object.fromEntries(taxonomy.taxonomy.severities.map((s) => [s.code, s.weight]))
      : FALLBACK_WEIGHTS,
    range,
  }
}

export function getMetric(setup: MetricSetup, code: string): MetricDefinition {
  const metric = findMetric(setup.library, code)
  if (metric === undefined) {
    throw new NotFoundError(
      `no metric ${code}; known metrics: ${setup.library.map((m) => m.code).join(', ')}`,
    )
  }
  return metric
}

export function resolvePeriod(setup: MetricSetup, expression: string, now: Date): Period {
  return parsePeriod(expression, setup.range, toDay(now))
}

export function scopeOf(principal: Pick<Principal, 'regions' | 'sites'> | null): MetricScope {
  return { regions: principal?.regions ?? null, sites: principal?.sites ?? null }
}

/** Stores (or replaces) user metric definitions; validates each first. Returns their codes. */
export async function defineMetrics(
  database: Database,
  definitions: readonly MetricDefinition[],
  now: Date,
): Promise<string[]> {
  for (const definition of definitions) {
    const valid = parseMetricDefinition(definition)
    await saveMetricDocument(database.db, valid.code, definition, now)
  }
  return definitions.map((d) => d.code)
}
