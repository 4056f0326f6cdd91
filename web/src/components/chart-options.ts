/**
 * ECharts options for the three chart kinds: estimates with interval error bars, p-charts with
 * per-period control limits and rule breaks, and Pareto with the 80 % line. Axes are always named;
 * meaning never rides on colour alone (symbols and labels differ too).
 */
import type { EChartsCoreOption } from 'echarts/core'
import type { ControlPoint, ParetoItem } from '../api/types'
import { escapeHtml, pct } from './format'

const INK = '#1f2a37'
const ACCENT = '#1d5fbf'
const BAD = '#b42318'
const MUTED = '#8a94a6'

const percentAxis = (name: string, min?: number, max?: number) => ({
  type: 'value',
  name,
  nameLocation: 'middle',
  nameGap: 48,
  min,
  max,
  axisLabel: { formatter: (v: number) => pct(v, 1) },
  splitLine: { lineStyle: { color: '#eef0f3' } },
})

const base = (title: string) => ({
  title: { text: title, left: 0, textStyle: { fontSize: 14, fontWeight: 600, color: INK } },
  grid: { left: 64, right: 16, top: 48, bottom: 64, containLabel: false },
  tooltip: { trigger: 'item', confine: true },
  textStyle: { fontFamily: 'system-ui, sans-serif' },
})

export interface IntervalDatum {
  label: string
  estimate: number | null
  lower: number | null
  upper: number | null
}

/** One dot per slice with a whisker from lower to upper; an optional dashed target line. */
export function intervalChartOption(
  title: string,
  metricName: string,
  data: IntervalDatum[],
  options: { xName?: string; target?: number | null } = {},
): EChartsCoreOption {
  const values = data
    .flatMap((d) => [d.lower, d.upper, d.estimate])
    .filter((v): v is number => v != null)
  if (options.target != null) values.push(options.target)
  const lo = values.length ? Math.min(...values) : 0
  const hi = values.length ? Math.max(...values) : 1
  const pad = (hi - lo) * 0.1 || 0.01
  return {
    ...base(title),
    xAxis: {
      type: 'category',
      name: options.xName ?? 'slice',
      nameLocation: 'middle',
      nameGap: 44,
      data: data.map((d) => d.label),
      axisLabel: { interval: 0, rotate: data.length > 6 ? 30 : 0, fontSize: 11 },
    },
    yAxis: percentAxis(
      `${metricName} (95 % interval)`,
      Math.max(0, lo - pad),
      Math.min(1, hi + pad),
    ),
    series: [
      {
        name: 'interval',
        type: 'custom',
        renderItem: (_params: unknown, api: CustomApi) => {
          const x = api.value(0)
          const low = api.coord([x, api.value(1)])
          const high = api.coord([x, api.value(2)])
          const half = 6
          const style = { stroke: INK, lineWidth: 1.5 }
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
              {
                type: 'line',
                shape: { x1: low[0] - half, y1: low[1], x2: low[0] + half, y2: low[1] },
                style,
              },
              {
                type: 'line',
                shape: { x1: high[0] - half, y1: high[1], x2: high[0] + half, y2: high[1] },
                style,
              },
            ],
          }
        },
        encode: { x: 0, y: [1, 2] },
        data: data.map((d, i) => [i, d.lower, d.upper]),
        tooltip: { show: false },
        z: 1,
      },
      {
        name: metricName,
        type: 'scatter',
        symbolSize: 9,
        itemStyle: { color: ACCENT },
        data: data.map((d, i) => [i, d.estimate]),
        tooltip: {
          formatter: (p: { dataIndex: number }) => {
            const d = data[p.dataIndex]
            // ECharts inserts this as HTML: the label is stored data.
            return d
              ? `${escapeHtml(d.label)}<br/>${pct(d.estimate)} (${pct(d.lower)} – ${pct(d.upper)})`
              : ''
          },
        },
        markLine:
          options.target != null
            ? {
                symbol: 'none',
                lineStyle: { type: 'dashed', color: BAD },
                label: { formatter: `target ${pct(options.target)}`, position: 'insideEndTop' },
                data: [{ yAxis: options.target }],
              }
            : undefined,
        z: 2,
      },
    ],
  }
}

interface CustomApi {
  value(dimension: number): number
  coord(point: [number, number]): [number, number]
}

/** p-chart: the proportion per period, the centre line, per-period limits as steps, rule breaks as ✕. */
/** An alert drawn on a p-chart: the point's index, a short text label, and plain-text detail lines. */
export interface ChartAlertMark {
  index: number
  label: string
  details: readonly string[]
}

export function pChartOption(
  title: string,
  metricName: string,
  points: ControlPoint[],
  alerts: readonly ChartAlertMark[] = [],
): EChartsCoreOption {
  const labels = points.map((p) => p.period)
  const breaks = points
    .map((p, i) => ((p.rules?.length ?? 0) > 0 ? [i, p.estimate] : null))
    .filter((v) => v !== null)
  return {
    ...base(title),
    legend: {
      bottom: 0,
      data: [
        metricName,
        'control limits',
        'centre',
        'breaks a rule',
        ...(alerts.length > 0 ? ['alert'] : []),
      ],
    },
    grid: { left: 64, right: 16, top: 48, bottom: 84 },
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v: number) => pct(v) },
    xAxis: { type: 'category', name: 'period', nameLocation: 'middle', nameGap: 30, data: labels },
    yAxis: percentAxis(metricName),
    series: [
      {
        name: metricName,
        type: 'line',
        symbol: 'circle',
        symbolSize: 7,
        itemStyle: { color: ACCENT },
        data: points.map((p) => p.estimate),
      },
      {
        name: 'control limits',
        type: 'line',
        step: 'middle',
        symbol: 'none',
        lineStyle: { type: 'dashed', color: MUTED },
        itemStyle: { color: MUTED },
        data: points.map((p) => p.ucl ?? null),
      },
      {
        name: 'control limits',
        type: 'line',
        step: 'middle',
        symbol: 'none',
        lineStyle: { type: 'dashed', color: MUTED },
        itemStyle: { color: MUTED },
        data: points.map((p) => p.lcl ?? null),
      },
      {
        name: 'centre',
        type: 'line',
        symbol: 'none',
        lineStyle: { color: INK, width: 1 },
        itemStyle: { color: INK },
        data: points.map((p) => p.centre ?? null),
      },
      {
        name: 'breaks a rule',
        type: 'scatter',
        symbol:
          'path://M2,0 L10,8 L18,0 L20,2 L12,10 L20,18 L18,20 L10,12 L2,20 L0,18 L8,10 L0,2 Z',
        symbolSize: 14,
        itemStyle: { color: BAD },
        data: breaks,
        tooltip: {
          formatter: (p: { dataIndex: number }) => {
            const index = (breaks[p.dataIndex] as [number, number] | undefined)?.[0]
            const point = index === undefined ? undefined : points[index]
            return point
              ? `${escapeHtml(point.period)}: ${pct(point.estimate)} — rule ${(point.rules ?? []).join(', ')}`
              : ''
          },
        },
      },
      ...(alerts.length === 0
        ? []
        : [
            {
              // A triangle with a text label: an alert is never told by colour alone.
              name: 'alert',
              type: 'scatter',
              symbol: 'triangle',
              symbolSize: 16,
              symbolOffset: [0, -14],
              itemStyle: { color: BAD, borderColor: INK, borderWidth: 1 },
              label: {
                show: true,
                position: 'top',
                color: INK,
                fontSize: 11,
                formatter: (p: { dataIndex: number }) => alerts[p.dataIndex]?.label ?? '',
              },
              data: alerts.map((a) => [a.index, points[a.index]?.estimate ?? null]),
              tooltip: {
                formatter: (p: { dataIndex: number }) =>
                  (alerts[p.dataIndex]?.details ?? []).map(escapeHtml).join('<br>'),
              },
            },
          ]),
    ],
  }
}

/** Pareto: bars of counts, worst first, the cumulative share as a line, and the 80 % line. */
export function paretoOption(
  title: string,
  itemName: string,
  items: ParetoItem[],
): EChartsCoreOption {
  const sorted = [...items].sort((a, b) => b.count - a.count)
  const total = sorted.reduce((s, i) => s + i.count, 0) || 1
  let running = 0
  const cumulative = sorted.map((i) => {
    running += i.count
    return running / total
  })
  return {
    ...base(title),
    legend: { bottom: 0, data: ['errors', 'cumulative share'] },
    grid: { left: 64, right: 64, top: 48, bottom: 96 },
    tooltip: { trigger: 'axis', confine: true },
    xAxis: {
      type: 'category',
      name: itemName,
      nameLocation: 'middle',
      nameGap: 56,
      data: sorted.map((i) => i.label ?? i.code),
      axisLabel: { interval: 0, rotate: sorted.length > 4 ? 30 : 0, fontSize: 11 },
    },
    yAxis: [
      {
        type: 'value',
        name: 'errors',
        nameLocation: 'middle',
        nameGap: 44,
        splitLine: { lineStyle: { color: '#eef0f3' } },
      },
      { ...percentAxis('cumulative share', 0, 1), nameGap: 44, splitLine: { show: false } },
    ],
    series: [
      {
        name: 'errors',
        type: 'bar',
        itemStyle: { color: ACCENT },
        label: { show: true, position: 'top', fontSize: 11 },
        data: sorted.map((i) => i.count),
      },
      {
        name: 'cumulative share',
        type: 'line',
        yAxisIndex: 1,
        symbol: 'diamond',
        symbolSize: 8,
        itemStyle: { color: INK },
        data: cumulative,
        tooltip: { valueFormatter: (v: number) => pct(v) },
        markLine: {
          symbol: 'none',
          lineStyle: { type: 'dashed', color: BAD },
          label: { formatter: '80 %', position: 'insideEndTop' },
          data: [{ yAxis: 0.8 }],
        },
      },
    ],
  }
}
