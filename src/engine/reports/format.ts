/** Number formatting shared by the report renderers. */
import type { Estimate } from '../metrics/estimate.js'

export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–'
  if (unit === 'percent') return `${(value * 100).toFixed(2)} %`
  if (unit === 'score') return value.toFixed(4)
  if (unit === 'ms')
    return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`
  return Math.round(value).toLocaleString('en-US')
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

export function formatCount(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined) return '–'
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

export function formatDifference(value: number, unit: string): string {
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±'
  const magnitude = Math.abs(value)
  return unit === 'percent'
    ? `${sign}${(magnitude * 100).toFixed(2)} pp`
    : `${sign}${magnitude.toFixed(4)}`
}
