/** Number formatting shared by the report renderers. */
import type { Estimate } from '../metrics/estimate.js'
import type { Report } from './build-report.js'

export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–'
  if (unit === 'percent') return `${(value * 100).toFixed(2)} %`
  if (unit === 'score') return value.toFixed(4)
  if (unit === 'ms')
    return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`
  return formatCount(Math.round(value))
}

export function formatInterval(estimate: Pick<Estimate, 'lower' | 'upper'>, unit: string): string {
  if (estimate.lower === null || estimate.upper === null) return ''
  return `[${formatValue(estimate.lower, unit)}, ${formatValue(estimate.upper, unit)}]`
}

export function formatEstimate(estimate: Estimate | null, unit: string): string {
  if (estimate === null || estimate.estimate === null) return '–'
  const interval = formatInterval(estimate, unit)
  return interval === ''
    ? formatValue(estimate.estimate, unit)
    : `${formatValue(estimate.estimate, unit)} ${interval}`
}

export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined) return '–'
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4)
}

// One formatter per precision: toLocaleString with options builds a new one on every call
// (≈ 0.1 ms each; a report formats tens of thousands of numbers).
const countFormats = new Map<number, Intl.NumberFormat>()

export function formatCount(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined) return '–'
  let format = countFormats.get(digits)
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', {
      maximumFractionDigits: digits,
      minimumFractionDigits: digits,
    })
    countFormats.set(digits, format)
  }
  return format.format(n)
}

export function formatDifference(value: number, unit: string): string {
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±'
  const magnitude = Math.abs(value)
  return unit === 'percent'
    ? `${sign}${(magnitude * 100).toFixed(2)} pp`
    : `${sign}${magnitude.toFixed(4)}`
}

/** How a renderer escapes text and shows a target status; the rows below are shared by every format. */
export interface CellStyle {
  text: (value: string) => string
  status: (status: string) => string
}

/** The headline table's rows: metric, estimate, interval, audits, n_eff, previous, change, p (BH). */
export function headlineRows(report: Report, style: CellStyle): string[][] {
  return report.headline.map((h) => [
    style.text(h.name),
    formatValue(h.current.estimate, h.unit),
    h.current.lower === null
      ? '–'
      : `${formatValue(h.current.lower, h.unit)} – ${formatValue(h.current.upper, h.unit)}`,
    formatCount(h.current.n),
    formatCount(h.current.effectiveSampleSize, 1),
    formatValue(h.previous?.estimate, h.unit),
    h.change ? formatDifference(h.change.difference, h.unit) : '–',
    formatP(h.change?.pAdjusted),
  ])
}

export const TARGET_COLUMNS = [
  'target',
  'metric',
  'scope',
  'period',
  'threshold',
  'estimate',
  'status',
  'audits to settle',
]

/** The targets table's rows, in TARGET_COLUMNS order. */
export function targetRows(report: Report, style: CellStyle): string[][] {
  return report.targets.map((t) => [
    style.text(t.target.name ?? t.target.targetId),
    style.text(t.metricName),
    style.text(
      Object.entries(t.target.scope)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'all',
    ),
    style.text(t.period.label),
    `${t.target.direction === 'at_least' ? '≥' : '≤'} ${formatValue(t.target.threshold, t.unit)}`,
    style.text(formatEstimate(t.value, t.unit)),
    style.status(t.status),
    t.auditsToSettle === null ? '–' : formatCount(t.auditsToSettle),
  ])
}

export const SCORECARD_COLUMNS = [
  'actor',
  'type',
  'audits',
  'accuracy',
  'quality score',
  'false pos.',
  'false neg.',
  'wrong policy',
  'wrong action',
  'critical',
]

/** The per-moderator scorecard rows, in SCORECARD_COLUMNS order. */
export function scorecardRows(report: Report, style: Pick<CellStyle, 'text'>): string[][] {
  return report.scorecards.map((c) => [
    style.text(c.actorId),
    style.text(c.actorType),
    formatCount(c.audits),
    style.text(formatEstimate(c.accuracy, 'percent')),
    style.text(formatEstimate(c.qualityScore, 'score')),
    formatCount(c.errors.false_positive),
    formatCount(c.errors.false_negative),
    formatCount(c.errors.wrong_policy),
    formatCount(c.errors.wrong_action),
    formatCount(c.criticalErrors),
  ])
}
