/**
 * Renders the report model as one long CSV (RFC 4180): one row per figure, so every section fits
 * the same columns and a spreadsheet can pivot it.
 * Columns: section, metric, dimension, slice, estimate, lower, upper, n, effective_n, extra.
 */
import type { Report } from './build-report.js'
import type { Estimate } from '../metrics/estimate.js'

export const CSV_COLUMNS = [
  'section',
  'metric',
  'dimension',
  'slice',
  'estimate',
  'lower',
  'upper',
  'n',
  'effective_n',
  'extra',
] as const

/** Quotes a CSV field when needed; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

type Row = [
  string,
  string,
  string,
  string | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  string,
]

function fromEstimate(
  section: string,
  metric: string,
  dimension: string,
  slice: string | null,
  e: Estimate | null,
  extra = '',
): Row {
  return [
    section,
    metric,
    dimension,
    slice,
    e?.estimate ?? null,
    e?.lower ?? null,
    e?.upper ?? null,
    e?.n ?? null,
    e?.effectiveSampleSize ?? null,
    extra,
  ]
}

export function renderCsv(report: Report): string {
  const rows: Row[] = []
  rows.push([
    'volume',
    'volume',
    '',
    null,
    report.volume.decisions,
    null,
    null,
    report.volume.decisions,
    null,
    `${report.period.from}..${report.period.to}`,
  ])
  rows.push([
    'volume',
    'audits',
    '',
    null,
    report.volume.audits,
    null,
    null,
    report.volume.audits,
    null,
    '',
  ])
  rows.push([
    'volume',
    'handle_time_p50',
    '',
    null,
    report.volume.handleTimeP50,
    null,
    null,
    null,
    null,
    'ms',
  ])
  rows.push([
    'volume',
    'handle_time_p90',
    '',
    null,
    report.volume.handleTimeP90,
    null,
    null,
    null,
    null,
    'ms',
  ])
  for (const h of report.headline) {
    rows.push(
      fromEstimate(
        'headline',
        h.code,
        '',
        null,
        h.current,
        h.change ? `change=${h.change.difference};p_adjusted=${h.change.pAdjusted}` : '',
      ),
    )
  }
  for (const t of report.targets) {
    rows.push(
      fromEstimate(
        'target',
        t.target.metric,
        Object.keys(t.target.scope).join('+'),
        Object.values(t.target.scope).join('+') || null,
        t.value,
        `id=${t.target.targetId};status=${t.status};threshold=${t.target.threshold};direction=${t.target.direction};audits_to_settle=${t.auditsToSettle ?? ''}`,
      ),
    )
  }
  for (const s of report.slices) {
    rows.push(
      fromEstimate(
        'slice',
        report.primaryMetric.code,
        s.dimension,
        s.value,
        s.current,
        `gap=${s.gap ?? ''};status=${s.status ?? ''};p_adjusted=${s.versusRest?.pAdjusted ?? ''}`,
      ),
    )
  }
  for (const p of report.pareto.errorTypes)
    rows.push([
      'pareto_error_type',
      'errors',
      'outcome',
      p.key,
      p.estimated,
      null,
      null,
      p.audits,
      null,
      `share=${p.share};cumulative=${p.cumulativeShare}`,
    ])
  for (const p of report.pareto.rootCauses)
    rows.push([
      'pareto_root_cause',
      'errors',
      'root_cause',
      p.key,
      p.estimated,
      null,
      null,
      p.audits,
      null,
      `share=${p.share};cumulative=${p.cumulativeShare}`,
    ])
  rows.push([
    'six_sigma',
    'dpmo',
    '',
    null,
    report.sixSigma.dpmo,
    null,
    null,
    null,
    null,
    `sigma_level=${report.sixSigma.sigmaLevel ?? ''}`,
  ])
  if (report.confusion !== null) {
    const { labels, matrix } = report.confusion
    labels.forEach((truth, i) =>
      labels.forEach((decided, j) =>
        rows.push([
          'confusion',
          'audits',
          'truth>decision',
          `${truth}>${decided}`,
          matrix[i]?.[j] ?? 0,
          null,
          null,
          null,
          null,
          '',
        ]),
      ),
    )
    for (const p of report.confusion.policies) {
      rows.push(fromEstimate('policy', 'precision', 'policy', p.policy, p.precision))
      rows.push(fromEstimate('policy', 'recall', 'verdict.policy', p.policy, p.recall))
    }
  }
  for (const c of report.scorecards) {
    const errors = Object.entries(c.errors)
      .map(([k, v]) => `${k}=${v}`)
      .join(';')
    rows.push(
      fromEstimate(
        'scorecard',
        'accuracy',
        'actor_id',
        c.actorId,
        c.accuracy,
        `actor_type=${c.actorType};${errors};critical=${c.criticalErrors}`,
      ),
    )
    rows.push(
      fromEstimate(
        'scorecard',
        'quality_score',
        'actor_id',
        c.actorId,
        c.qualityScore,
        `actor_type=${c.actorType}`,
      ),
    )
  }
  for (const p of report.trend.points) {
    rows.push([
      'trend',
      'volume',
      report.grain,
      p.start,
      p.decisions,
      null,
      null,
      p.decisions,
      null,
      '',
    ])
    for (const m of report.trend.metrics)
      rows.push(fromEstimate('trend', m.code, report.grain, p.start, p.metrics[m.code] ?? null))
  }
  return (
    [CSV_COLUMNS.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\r\n') + '\r\n'
  )
}
