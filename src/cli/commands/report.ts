import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { ValidationError } from '../../domain/errors.js'
import { buildReport } from '../../engine/reports/build-report.js'
import {
  REPORT_FORMATS,
  renderReport,
  type ReportFormat,
} from '../../engine/reports/render-report.js'
import { addStoreOptions, withContext, type StoreFlags } from '../shared.js'

interface ReportFlags extends StoreFlags {
  period?: string
  by?: string
  format?: string
  out?: string
  metric?: string
  grain?: 'day' | 'week' | 'month'
  confidence?: string
}

export function registerReport(program: Command): void {
  addStoreOptions(
    program
      .command('report')
      .description(
        'the quality report: overall quality with intervals, targets, ranked slices, Pareto, DPMO, confusion matrix, scorecards, trend',
      )
      .option(
        '--period <period>',
        'YYYY-MM-DD, YYYY-Www, YYYY-MM, FROM..TO, last-Nd, day, week, month or all',
        'month',
      )
      .option(
        '--by <dimensions>',
        'dimensions whose slices are ranked, comma-separated',
        'region,queue',
      )
      .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`, 'md')
      .option('--out <file>', 'write to this file instead of stdout')
      .option('--metric <code>', 'the metric slices are ranked on', 'accuracy')
      .option(
        '--grain <grain>',
        'trend granularity: day, week or month (default from the period length)',
      )
      .option('--confidence <level>', 'confidence level of the intervals', '0.95'),
  ).action(async (flags: ReportFlags) => {
    const format = (flags.format ?? 'md') as ReportFormat
    if (!REPORT_FORMATS.includes(format)) {
      throw new ValidationError(`unknown format ${flags.format}`, [
        { path: '--format', message: `use ${REPORT_FORMATS.join(', ')}` },
      ])
    }
    if (flags.grain !== undefined && !['day', 'week', 'month'].includes(flags.grain)) {
      throw new ValidationError(`unknown grain ${flags.grain}`, [
        { path: '--grain', message: 'use day, week or month' },
      ])
    }
    const confidence = Number(flags.confidence ?? '0.95')
    if (!(confidence > 0.5 && confidence < 1))
      throw new ValidationError('bad confidence', [
        { path: '--confidence', message: 'between 0.5 and 1, e.g. 0.95' },
      ])
    await withContext(flags, async (ctx) => {
      const report = await buildReport(ctx.database, null, {
        period: flags.period,
        by: flags.by,
        grain: flags.grain,
        metric: flags.metric,
        confidence,
        now: ctx.clock.now(),
      })
      const text = renderReport(report, format)
      if (flags.out === undefined) process.stdout.write(text)
      else {
        writeFileSync(flags.out, text)
        console.error(`wrote ${flags.out} (${format}, ${report.period.label})`)
      }
    })
  })
}
