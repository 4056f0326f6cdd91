/** Number formatting shared by tables and charts. */

/**
 * Text made safe to put into HTML. React escapes what it renders; ECharts inserts a tooltip
 * formatter's string as HTML, so stored values (slice labels, alert titles) go through this.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}
export function pct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return `${(value * 100).toFixed(digits)} %`
}

/** A percentage-point difference with its sign. */
export function pp(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const text = (value * 100).toFixed(digits)
  return `${value > 0 ? '+' : ''}${text} pp`
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return value.toLocaleString('en-US')
}

export function interval(
  lower: number | null | undefined,
  upper: number | null | undefined,
): string {
  if (lower == null || upper == null) return '—'
  return `${pct(lower)} – ${pct(upper)}`
}

export function sliceLabel(slice: Record<string, string> | undefined): string {
  const entries = Object.entries(slice ?? {})
  if (entries.length === 0) return 'all'
  return entries.map(([k, v]) => `${k}=${v}`).join(' · ')
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toISOString().slice(0, 16).replace('T', ' ')
}
