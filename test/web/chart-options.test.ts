/**
 * ECharts puts a tooltip formatter's string into the page as HTML (React's escaping does not
 * reach it), so stored values in chart tooltips — slice labels, alert titles — must come out
 * escaped. The web app compiles under its own tsconfig (bundler resolution), so its module is
 * imported at run time, where Vite resolves it, and typed here by hand.
 */
import { describe, expect, it } from 'vitest'

type Formatter = (p: { dataIndex: number }) => string
interface Series {
  name?: string
  tooltip?: { formatter?: Formatter }
}
interface ChartOptions {
  intervalChartOption(
    title: string,
    metricName: string,
    data: { label: string; estimate: number; lower: number; upper: number }[],
  ): { series: Series[] }
  pChartOption(
    title: string,
    metricName: string,
    points: Record<string, unknown>[],
    alerts: { index: number; label: string; details: string[] }[],
  ): { series: Series[] }
}

const MODULE = '../../web/src/components/chart-options.ts'
const MARKUP = '<img src=x onerror=alert(1)>'

function tooltipsOf(option: { series: Series[] }): string[] {
  return option.series.flatMap((s) =>
    s.tooltip?.formatter ? [s.tooltip.formatter({ dataIndex: 0 })] : [],
  )
}

describe('chart tooltips', () => {
  it('escape stored text: slice labels and alert titles', async () => {
    const charts = (await import(/* @vite-ignore */ MODULE)) as ChartOptions
    const interval = charts.intervalChartOption('t', 'Accuracy', [
      { label: `queue=${MARKUP}`, estimate: 0.9, lower: 0.8, upper: 0.95 },
    ])
    const shown = tooltipsOf(interval).join('\n')
    expect(shown).toContain('queue=&lt;img src=x onerror=alert(1)&gt;')
    expect(shown).not.toContain(MARKUP)

    const p = charts.pChartOption(
      't',
      'Error rate',
      [
        {
          period: '2026-03-01',
          estimate: 0.1,
          centre: 0.1,
          lower: 0,
          upper: 0.2,
          rules: [1],
          n: 50,
        },
      ],
      [
        {
          index: 0,
          label: '⚠ alert',
          details: [`major: error rate up in queue ${MARKUP}`, 'minor: b'],
        },
      ],
    )
    const alertTips = tooltipsOf(p).join('\n')
    expect(alertTips).toContain(
      'major: error rate up in queue &lt;img src=x onerror=alert(1)&gt;<br>minor: b',
    )
    expect(alertTips).not.toContain(MARKUP)
  })
})
