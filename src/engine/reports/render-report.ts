/** Picks the renderer for a report format. */
import type { Report } from './build-report.js'
import { renderCsv } from './render-csv.js'
import { renderHtml } from './render-html.js'
import { renderMarkdown } from './render-markdown.js'

export const REPORT_FORMATS = ['md', 'html', 'json', 'csv'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}

export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(report)
    case 'html':
      return renderHtml(report)
    case 'csv':
      return renderCsv(report)
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`
  }
}
