/**
 * An estimate with its interval as a small inline chart: a whisker for the interval, a dot for the
 * estimate and a dashed tick for the target. Scaled to [min, max] of the row set.
 */
import { pct } from './format'

export interface IntervalBarProps {
  estimate: number | null
  lower: number | null
  upper: number | null
  target?: number | null
  min: number
  max: number
  width?: number
}

export function IntervalBar({
  estimate,
  lower,
  upper,
  target,
  min,
  max,
  width = 160,
}: IntervalBarProps) {
  const height = 18
  const span = max - min || 1
  const x = (v: number) => 4 + ((v - min) / span) * (width - 8)
  const label = `estimate ${pct(estimate)}, interval ${pct(lower)} to ${pct(upper)}${target != null ? `, target ${pct(target)}` : ''}`
  return (
    <svg className="interval-bar" width={width} height={height} role="img" aria-label={label}>
      <line x1={4} x2={width - 4} y1={height / 2} y2={height / 2} className="ib-axis" />
      {target != null && (
        <line x1={x(target)} x2={x(target)} y1={1} y2={height - 1} className="ib-target" />
      )}
      {lower != null && upper != null && (
        <g className="ib-interval">
          <line x1={x(lower)} x2={x(upper)} y1={height / 2} y2={height / 2} />
          <line x1={x(lower)} x2={x(lower)} y1={4} y2={height - 4} />
          <line x1={x(upper)} x2={x(upper)} y1={4} y2={height - 4} />
        </g>
      )}
      {estimate != null && (
        <circle cx={x(estimate)} cy={height / 2} r={3.5} className="ib-estimate" />
      )}
    </svg>
  )
}

/** The [min, max] that fits every interval and target of the rows, with a little padding. */
export function scaleFor(
  rows: {
    lower: number | null
    upper: number | null
    estimate: number | null
    target?: number | null
  }[],
) {
  const values = rows
    .flatMap((r) => [r.lower, r.upper, r.estimate, r.target ?? null])
    .filter((v): v is number => v != null)
  if (values.length === 0) return { min: 0, max: 1 }
  const lo = Math.min(...values)
  const hi = Math.max(...values)
  const pad = (hi - lo) * 0.08 || 0.01
  return { min: Math.max(0, lo - pad), max: Math.min(1, hi + pad) }
}
