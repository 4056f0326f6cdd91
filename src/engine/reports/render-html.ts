/**
 * Renders the report model as ONE self-contained HTML file: inline CSS, inline SVG charts (bars
 * with interval whiskers, Pareto with its 80 % line, trends with interval bands), no script, no
 * external resource — readable offline and printable. Every user-provided string goes through
 * `escapeHtml`.
 */
import type { Estimate } from '../metrics/estimate.js'
import type { Report } from './build-report.js'
import {
  SCORECARD_COLUMNS,
  TARGET_COLUMNS,
  formatCount,
  formatDifference,
  formatEstimate,
  formatP,
  formatValue,
  headlineRows,
  scorecardRows,
  targetRows,
} from './format.js'

export function escapeHtml(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '–'
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d232a;max-width:1100px;margin:24px auto;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d5dbe1;padding-bottom:4px}
.meta{color:#56616d}table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e4e8ec;padding:4px 8px;text-align:right;white-space:nowrap}th{background:#f4f6f8}
td:first-child,th:first-child,td.l{text-align:left}.met{color:#0a7a3d;font-weight:600}.missed{color:#b42318;font-weight:600}
.inconclusive{color:#a15c00;font-weight:600}.kpis{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.kpi{border:1px solid #d5dbe1;border-radius:6px;padding:8px 12px;min-width:150px}.kpi b{display:block;font-size:20px}
svg{max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#1d232a}.axis{stroke:#8a96a3}.grid{stroke:#e4e8ec}
.scroll{overflow-x:auto}@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}.scroll{overflow:visible}}
`

const BAR = '#3d6fb6'
const BAD = '#c4443b'

function pct(v: number): string {
  return `${(v * 100).toFixed(v < 0.1 ? 2 : 1)}%`
}

/** Horizontal bars with interval whiskers; an optional reference line (target). */
function intervalBars(
  items: { label: string; estimate: Estimate }[],
  unit: string,
  reference?: { value: number; label: string },
): string {
  const rows = items.filter((i) => i.estimate.estimate !== null)
  if (rows.length === 0) return '<p class="meta">no data</p>'
  const max =
    Math.min(
      1,
      Math.max(
        ...rows.map((r) => r.estimate.upper ?? r.estimate.estimate ?? 0),
        reference?.value ?? 0,
      ) * 1.08,
    ) || 1
  // Room for the longest label (≈ 6.3 px per character at the chart's 11 px font).
  const longest = Math.max(...rows.map((r) => r.label.length))
  const left = Math.min(330, Math.max(120, Math.round(longest * 6.3) + 14))
  const width = 560
  const rowH = 22
  const height = rows.length * rowH + 40
  const x = (v: number) => left + (v / max) * width
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => t * max)
  const parts: string[] = []
  for (const t of ticks) {
    parts.push(
      `<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="10" y2="${height - 24}"/><text x="${x(t)}" y="${height - 10}" text-anchor="middle">${unit === 'percent' ? pct(t) : t.toFixed(3)}</text>`,
    )
  }
  rows.forEach((r, i) => {
    const y = 14 + i * rowH
    const e = r.estimate
    parts.push(
      `<text x="${left - 6}" y="${y + 11}" text-anchor="end">${escapeHtml(r.label)}</text>`,
    )
    parts.push(
      `<rect x="${left}" y="${y + 2}" width="${Math.max(0, x(e.estimate as number) - left)}" height="${rowH - 8}" fill="${BAR}" opacity="0.75"><title>${escapeHtml(r.label)}: ${escapeHtml(formatEstimate(e, unit))}</title></rect>`,
    )
    if (e.lower !== null && e.upper !== null) {
      const cy = y + rowH / 2 - 2
      parts.push(
        `<line x1="${x(e.lower)}" x2="${x(e.upper)}" y1="${cy}" y2="${cy}" stroke="#1d232a" stroke-width="1.5"/><line x1="${x(e.lower)}" x2="${x(e.lower)}" y1="${cy - 5}" y2="${cy + 5}" stroke="#1d232a"/><line x1="${x(e.upper)}" x2="${x(e.upper)}" y1="${cy - 5}" y2="${cy + 5}" stroke="#1d232a"/>`,
      )
    }
  })
  if (reference !== undefined) {
    parts.push(
      `<line x1="${x(reference.value)}" x2="${x(reference.value)}" y1="6" y2="${height - 24}" stroke="${BAD}" stroke-dasharray="4 3" stroke-width="1.5"/><text x="${x(reference.value) + 4}" y="12" fill="${BAD}">${escapeHtml(reference.label)}</text>`,
    )
  }
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="10" y2="${height - 24}"/>`)
  return `<svg viewBox="0 0 ${left + width + 30} ${height}" width="${left + width + 30}" role="img">${parts.join('')}</svg>`
}

/** Pareto chart: bars by descending count, cumulative-share line, and the 80 % line. */
function paretoChart(items: Report['pareto']['errorTypes'], axisLabel: string): string {
  if (items.length === 0) return '<p class="meta">no errors</p>'
  const left = 60
  const right = 50
  const plotW = Math.max(300, items.length * 70)
  const plotH = 200
  const top = 16
  const max = Math.max(...items.map((i) => i.estimated)) || 1
  const band = plotW / items.length
  const y = (v: number) => top + plotH - (v / max) * plotH
  const yc = (share: number) => top + plotH - share * plotH
  const parts: string[] = []
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4
    parts.push(
      `<line class="grid" x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${formatCount(v)}</text><text x="${left + plotW + 6}" y="${yc(k / 4) + 4}">${k * 25}%</text>`,
    )
  }
  const points: string[] = []
  items.forEach((item, i) => {
    const x0 = left + i * band + band * 0.15
    parts.push(
      `<rect x="${x0}" y="${y(item.estimated)}" width="${band * 0.7}" height="${top + plotH - y(item.estimated)}" fill="${item.vitalFew ? BAD : BAR}" opacity="0.8"><title>${escapeHtml(item.key)}: ${formatCount(item.estimated, 1)} estimated (${item.audits} audits)</title></rect>`,
    )
    parts.push(
      `<text x="${left + i * band + band / 2}" y="${top + plotH + 14}" text-anchor="middle">${escapeHtml(item.key)}</text>`,
    )
    points.push(`${left + i * band + band / 2},${yc(item.cumulativeShare)}`)
  })
  parts.push(
    `<polyline points="${points.join(' ')}" fill="none" stroke="#1d232a" stroke-width="1.8"/>`,
  )
  parts.push(
    ...points.map(
      (p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="#1d232a"/>`,
    ),
  )
  parts.push(
    `<line x1="${left}" x2="${left + plotW}" y1="${yc(0.8)}" y2="${yc(0.8)}" stroke="${BAD}" stroke-dasharray="5 3"/><text x="${left + 4}" y="${yc(0.8) - 4}" fill="${BAD}">80%</text>`,
  )
  parts.push(
    `<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}"/><line class="axis" x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}"/>`,
  )
  parts.push(
    `<text x="14" y="${top + plotH / 2}" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle">${escapeHtml(axisLabel)}</text>`,
  )
  parts.push(
    `<text x="${left + plotW + 40}" y="${top + plotH / 2}" transform="rotate(90 ${left + plotW + 40} ${top + plotH / 2})" text-anchor="middle">cumulative share</text>`,
  )
  const w = left + plotW + right
  return `<svg viewBox="0 0 ${w} ${top + plotH + 34}" width="${w}" role="img">${parts.join('')}</svg>`
}

/** Trend of one metric: the estimate per period with its interval as a band, and a target line. */
function trendChart(
  points: { start: string; estimate: Estimate }[],
  unit: string,
  title: string,
  reference?: number,
): string {
  const present = points.filter((p) => p.estimate.estimate !== null)
  if (present.length === 0) return '<p class="meta">no data</p>'
  const left = 60
  const top = 20
  const plotW = Math.max(420, points.length * 26)
  const plotH = 180
  const lows = present.map((p) => p.estimate.lower ?? (p.estimate.estimate as number))
  const highs = present.map((p) => p.estimate.upper ?? (p.estimate.estimate as number))
  let lo = Math.min(...lows, reference ?? Infinity)
  let hi = Math.max(...highs, reference ?? -Infinity)
  const pad = (hi - lo) * 0.08 || 0.01
  lo = Math.max(0, lo - pad)
  hi = Math.min(unit === 'percent' || unit === 'score' ? 1 : Infinity, hi + pad)
  const step = points.length > 1 ? plotW / (points.length - 1) : 0
  const xAt = (i: number) => left + (points.length > 1 ? i * step : plotW / 2)
  const y = (v: number) => top + plotH - ((v - lo) / (hi - lo || 1)) * plotH
  const parts: string[] = [`<text x="${left}" y="12" font-weight="600">${escapeHtml(title)}</text>`]
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4
    parts.push(
      `<line class="grid" x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${unit === 'percent' ? pct(v) : v.toFixed(3)}</text>`,
    )
  }
  const indexed = points.map((p, i) => ({ ...p, i })).filter((p) => p.estimate.estimate !== null)
  const upper = indexed.map(
    (p) => `${xAt(p.i)},${y(p.estimate.upper ?? (p.estimate.estimate as number))}`,
  )
  const lower = indexed
    .map((p) => `${xAt(p.i)},${y(p.estimate.lower ?? (p.estimate.estimate as number))}`)
    .reverse()
  parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${BAR}" opacity="0.18"/>`)
  parts.push(
    `<polyline points="${indexed.map((p) => `${xAt(p.i)},${y(p.estimate.estimate as number)}`).join(' ')}" fill="none" stroke="${BAR}" stroke-width="2"/>`,
  )
  for (const p of indexed)
    parts.push(
      `<circle cx="${xAt(p.i)}" cy="${y(p.estimate.estimate as number)}" r="2.5" fill="${BAR}"><title>${escapeHtml(p.start)}: ${escapeHtml(formatEstimate(p.estimate, unit))}</title></circle>`,
    )
  if (reference !== undefined && reference >= lo && reference <= hi) {
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(reference)}" y2="${y(reference)}" stroke="${BAD}" stroke-dasharray="4 3"/><text x="${left + plotW - 4}" y="${y(reference) - 4}" text-anchor="end" fill="${BAD}">target</text>`,
    )
  }
  const labelEvery = Math.max(1, Math.ceil(points.length / 10))
  points.forEach((p, i) => {
    if (i % labelEvery === 0)
      parts.push(
        `<text x="${xAt(i)}" y="${top + plotH + 14}" text-anchor="middle">${escapeHtml(p.start.slice(5))}</text>`,
      )
  })
  parts.push(
    `<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}"/><line class="axis" x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}"/>`,
  )
  const w = left + plotW + 20
  return `<svg viewBox="0 0 ${w} ${top + plotH + 24}" width="${w}" role="img">${parts.join('')}</svg>`
}

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="meta">none</p>'
  return `<div class="scroll"><table><thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`
}

export function renderHtml(report: Report): string {
  const e = escapeHtml
  const unit = report.primaryMetric.unit
  const pctLevel = Math.round(report.confidence * 100)
  const primaryTarget = report.targets.find(
    (t) =>
      t.target.metric === report.primaryMetric.code && Object.keys(t.target.scope).length === 0,
  )
  const body: string[] = []
  body.push(`<h1>${e(report.title)} — ${e(report.period.label)}</h1>`)
  body.push(
    `<p class="meta">Decisions ${e(report.period.from)} to before ${e(report.period.to)}, compared with ${e(report.previousPeriod.label)}. ${pctLevel} % intervals: Wilson at the Kish effective sample size of inverse-inclusion-probability weights. ` +
      `${report.scope.regions ? `Regions: ${e(report.scope.regions.join(', '))}. ` : ''}${report.scope.sites ? `Sites: ${e(report.scope.sites.join(', '))}. ` : ''}Generated ${e(report.generatedAt)}.</p>`,
  )
  const kpi = (label: string, value: string, sub = '') =>
    `<div class="kpi">${e(label)}<b>${value}</b><span class="meta">${sub}</span></div>`
  const headlineByCode = new Map(report.headline.map((h) => [h.code, h]))
  const accuracy = headlineByCode.get('accuracy')
  body.push(
    `<div class="kpis">${kpi('Decisions', formatCount(report.volume.decisions))}${kpi('Final verdicts', formatCount(report.volume.audits))}${
      accuracy
        ? kpi(
            'Accuracy',
            formatValue(accuracy.current.estimate, 'percent'),
            e(formatEstimate(accuracy.current, 'percent').replace(/^[^[]*/, '')),
          )
        : ''
    }${kpi('DPMO', formatCount(report.sixSigma.dpmo), `sigma ${report.sixSigma.sigmaLevel === null ? '–' : report.sixSigma.sigmaLevel.toFixed(2)}`)}${kpi(
      'Handle time p50 / p90',
      `${formatValue(report.volume.handleTimeP50, 'ms')} / ${formatValue(report.volume.handleTimeP90, 'ms')}`,
    )}</div>`,
  )

  body.push('<h2>Overall quality</h2>')
  const rates = report.headline.filter((h) => h.unit === 'percent' && h.current.estimate !== null)
  body.push(
    intervalBars(
      rates.map((h) => ({ label: h.name, estimate: h.current })),
      'percent',
    ),
  )
  body.push(
    table(
      [
        'metric',
        'estimate',
        `${pctLevel} % interval`,
        'audits',
        'n<sub>eff</sub>',
        'previous',
        'change',
        'p (BH)',
      ],
      headlineRows(report, { text: e, status: (s) => `<span class="${s}">${s}</span>` }),
    ),
  )

  body.push('<h2>Targets</h2>')
  body.push(
    table(
      TARGET_COLUMNS,
      targetRows(report, { text: e, status: (s) => `<span class="${s}">${s}</span>` }),
    ),
  )

  body.push(`<h2>Slices ranked by gap — ${e(report.primaryMetric.name)}</h2>`)
  const topSlices = report.slices.slice(0, 30)
  body.push(
    intervalBars(
      topSlices.map((s) => ({
        label: `${s.dimension}: ${s.value ?? '(none)'}`,
        estimate: s.current,
      })),
      unit,
      primaryTarget ? { value: primaryTarget.target.threshold, label: 'target' } : undefined,
    ),
  )
  body.push(
    table(
      ['dimension', 'slice', 'estimate', 'audits', 'gap', 'status', 'vs rest', 'p (BH)'],
      report.slices.map((s) => [
        e(s.dimension),
        e(s.value),
        e(formatEstimate(s.current, unit)),
        formatCount(s.current.n),
        s.gap === null ? '–' : formatDifference(s.gap, unit),
        s.status === null ? '–' : `<span class="${s.status}">${s.status}</span>`,
        s.versusRest ? formatDifference(s.versusRest.difference, unit) : '–',
        formatP(s.versusRest?.pAdjusted),
      ]),
    ),
  )

  body.push('<h2>Error types and root causes (Pareto)</h2>')
  body.push(paretoChart(report.pareto.errorTypes, 'estimated errors'))
  body.push(paretoChart(report.pareto.rootCauses, 'estimated errors'))
  const paretoRows = (items: Report['pareto']['errorTypes']) =>
    items.map((p) => [
      e(p.key),
      formatCount(p.audits),
      formatCount(p.estimated, 1),
      formatValue(p.share, 'percent'),
      formatValue(p.cumulativeShare, 'percent'),
      p.vitalFew ? 'yes' : '',
    ])
  body.push(
    table(
      ['root cause', 'audits', 'estimated errors', 'share', 'cumulative', 'vital few'],
      paretoRows(report.pareto.rootCauses),
    ),
  )

  body.push('<h2>DPMO and sigma level</h2>')
  body.push(
    `<p>Defects ${formatCount(report.sixSigma.defects, 1)} (weighted errors) in ${formatCount(report.sixSigma.units, 1)} weighted decisions, one opportunity each: <b>DPMO ${formatCount(report.sixSigma.dpmo)}</b>, <b>sigma level ${
      report.sixSigma.sigmaLevel === null ? '–' : report.sixSigma.sigmaLevel.toFixed(2)
    }</b> (1.5σ shift).</p>`,
  )

  body.push('<h2>Policy confusion matrix</h2>')
  if (report.confusion === null) body.push('<p class="meta">no verdicts</p>')
  else {
    const { labels, matrix } = report.confusion
    body.push(
      '<p class="meta">Rows: the audit’s policy (truth); columns: the decision’s policy; audit counts, the diagonal in bold.</p>',
    )
    body.push(
      table(
        ['truth \\ decision', ...labels.map(e)],
        labels.map((l, i) => [
          e(l),
          ...(matrix[i] ?? []).map((c, j) =>
            i === j ? `<b>${formatCount(c)}</b>` : formatCount(c),
          ),
        ]),
      ),
    )
    body.push(
      table(
        ['policy', 'precision', 'recall'],
        report.confusion.policies.map((p) => [
          e(p.policy),
          e(formatEstimate(p.precision, 'percent')),
          e(formatEstimate(p.recall, 'percent')),
        ]),
      ),
    )
  }

  body.push(`<h2>Trend by ${e(report.grain)}</h2>`)
  for (const m of report.trend.metrics.filter((m) =>
    ['accuracy', 'error_rate', 'critical_error_rate', report.primaryMetric.code].includes(m.code),
  )) {
    const target = report.targets.find(
      (t) => t.target.metric === m.code && Object.keys(t.target.scope).length === 0,
    )
    body.push(
      trendChart(
        report.trend.points.map((p) => ({
          start: p.start,
          estimate: p.metrics[m.code] as Estimate,
        })),
        m.unit,
        m.name,
        target?.target.threshold,
      ),
    )
  }
  body.push(
    table(
      [
        e(report.grain),
        'decisions',
        'audits',
        ...report.trend.metrics.map((m) => e(m.name)),
        'p50',
        'p90',
      ],
      report.trend.points.map((p) => [
        e(p.start),
        formatCount(p.decisions),
        formatCount(p.audits),
        ...report.trend.metrics.map((m) => formatValue(p.metrics[m.code]?.estimate, m.unit)),
        formatValue(p.handleTimeP50, 'ms'),
        formatValue(p.handleTimeP90, 'ms'),
      ]),
    ),
  )

  body.push('<h2>Moderator scorecards</h2>')
  body.push(table(SCORECARD_COLUMNS, scorecardRows(report, { text: e })))

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(report.title)} — ${e(report.period.label)}</title><style>${CSS}</style></head>
<body>${body.join('\n')}</body></html>
`
}
