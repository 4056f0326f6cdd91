/** Renders the report model as Markdown (GitHub tables). User-provided text is escaped for tables. */
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

/** Escapes text for a Markdown table cell: pipes, backslashes, HTML and newlines. */
export function escapeMarkdown(text: string | null | undefined): string {
  if (text === null || text === undefined) return '–'
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ')
    .replace(/([*_`[\]])/g, '\\$1')
}

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '_none_\n'
  return (
    [
      `| ${header.join(' | ')} |`,
      `| ${header.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n') + '\n'
  )
}

export function renderMarkdown(report: Report): string {
  const out: string[] = []
  const pct = Math.round(report.confidence * 100)
  const scope = [
    report.scope.regions ? `regions ${report.scope.regions.join(', ')}` : null,
    report.scope.sites ? `sites ${report.scope.sites.join(', ')}` : null,
  ].filter(Boolean)
  out.push(`# ${escapeMarkdown(report.title)} — ${escapeMarkdown(report.period.label)}\n`)
  out.push(
    `Decisions ${report.period.from} to before ${report.period.to}; compared with ${escapeMarkdown(report.previousPeriod.label)}. ` +
      `${pct} % intervals (Wilson at the effective sample size of the inverse-probability weights). ` +
      `${scope.length > 0 ? `Scope: ${escapeMarkdown(scope.join('; '))}. ` : ''}Generated ${report.generatedAt}.\n`,
  )
  out.push(
    `**${formatCount(report.volume.decisions)}** decisions, **${formatCount(report.volume.audits)}** final verdicts; handle time p50 ${formatValue(report.volume.handleTimeP50, 'ms')}, p90 ${formatValue(report.volume.handleTimeP90, 'ms')}.\n`,
  )

  out.push('## Overall quality\n')
  out.push(
    table(
      [
        'metric',
        'estimate',
        `${pct} % interval`,
        'audits',
        'n_eff',
        'previous',
        'change',
        'p (BH)',
      ],
      headlineRows(report, { text: escapeMarkdown, status: (s) => `**${s}**` }),
    ),
  )

  out.push('## Targets\n')
  out.push(
    table(TARGET_COLUMNS, targetRows(report, { text: escapeMarkdown, status: (s) => `**${s}**` })),
  )

  const unit = report.primaryMetric.unit
  out.push(`## Slices ranked by gap (${escapeMarkdown(report.primaryMetric.name)})\n`)
  out.push(
    table(
      ['dimension', 'slice', 'estimate', 'audits', 'gap', 'status', 'vs rest', 'p (BH)'],
      report.slices.map((s) => [
        escapeMarkdown(s.dimension),
        escapeMarkdown(s.value),
        formatEstimate(s.current, unit),
        formatCount(s.current.n),
        s.gap === null ? '–' : formatDifference(s.gap, unit),
        s.status ?? '–',
        s.versusRest ? formatDifference(s.versusRest.difference, unit) : '–',
        formatP(s.versusRest?.pAdjusted),
      ]),
    ),
  )

  out.push('## Error types (Pareto)\n')
  const paretoRows = (items: Report['pareto']['errorTypes']) =>
    items.map((p) => [
      escapeMarkdown(p.key),
      formatCount(p.audits),
      formatCount(p.estimated, 1),
      formatValue(p.share, 'percent'),
      formatValue(p.cumulativeShare, 'percent'),
      p.vitalFew ? 'yes' : '',
    ])
  out.push(
    table(
      ['error type', 'audits', 'estimated errors', 'share', 'cumulative', 'vital few'],
      paretoRows(report.pareto.errorTypes),
    ),
  )
  out.push('## Root causes (Pareto)\n')
  out.push(
    table(
      ['root cause', 'audits', 'estimated errors', 'share', 'cumulative', 'vital few'],
      paretoRows(report.pareto.rootCauses),
    ),
  )

  out.push('## DPMO and sigma level\n')
  out.push(
    `Defects ${formatCount(report.sixSigma.defects, 1)} (weighted errors) in ${formatCount(report.sixSigma.units, 1)} weighted decisions, ` +
      `${report.sixSigma.opportunitiesPerUnit} opportunity each: **DPMO ${formatCount(report.sixSigma.dpmo)}**, ` +
      `**sigma level ${report.sixSigma.sigmaLevel === null ? '–' : report.sixSigma.sigmaLevel.toFixed(2)}** (with the conventional 1.5σ shift).\n`,
  )

  out.push('## Policy confusion matrix\n')
  if (report.confusion === null) out.push('_no verdicts_\n')
  else {
    const { labels, matrix } = report.confusion
    out.push('Rows: the audit’s policy (truth); columns: the decision’s policy. Audit counts.\n')
    out.push(
      table(
        ['truth \\ decision', ...labels.map(escapeMarkdown)],
        labels.map((l, i) => [escapeMarkdown(l), ...(matrix[i] ?? []).map((c) => formatCount(c))]),
      ),
    )
    out.push(
      table(
        ['policy', 'precision', 'recall'],
        report.confusion.policies.map((p) => [
          escapeMarkdown(p.policy),
          formatEstimate(p.precision, 'percent'),
          formatEstimate(p.recall, 'percent'),
        ]),
      ),
    )
  }

  out.push('## Moderator scorecards\n')
  out.push(table(SCORECARD_COLUMNS, scorecardRows(report, { text: escapeMarkdown })))

  out.push(`## Trend by ${report.grain}\n`)
  out.push(
    table(
      [
        report.grain,
        'decisions',
        'audits',
        ...report.trend.metrics.map((m) => escapeMarkdown(m.name)),
        'p50',
        'p90',
      ],
      report.trend.points.map((p) => [
        p.start,
        formatCount(p.decisions),
        formatCount(p.audits),
        ...report.trend.metrics.map((m) => formatValue(p.metrics[m.code]?.estimate, m.unit)),
        formatValue(p.handleTimeP50, 'ms'),
        formatValue(p.handleTimeP90, 'ms'),
      ]),
    ),
  )
  return out.join('\n')
}
