/** A target status: a symbol and a word as well as a colour, so colour never carries it alone. */
import type { TargetStatus } from '../api/types'

const LOOK: Record<TargetStatus, { symbol: string; label: string }> = {
  met: { symbol: '✓', label: 'met' },
  missed: { symbol: '✗', label: 'missed' },
  inconclusive: { symbol: '?', label: 'inconclusive' },
}

export function StatusBadge({ status }: { status: TargetStatus | null | undefined }) {
  if (!status) return <span className="badge">—</span>
  const look = LOOK[status]
  return (
    <span className={`badge badge-${status}`}>
      <span aria-hidden="true">{look.symbol}</span> {look.label}
    </span>
  )
}
