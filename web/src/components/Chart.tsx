/**
 * An ECharts chart, loaded on first use so pages without charts never download it. Every chart gets
 * a title, labelled axes and an accessible description (`label`) that says what it shows.
 */
import { useEffect, useRef } from 'react'
import type { EChartsCoreOption } from 'echarts/core'

export function Chart({
  option,
  label,
  height = 320,
}: {
  option: EChartsCoreOption
  label: string
  height?: number
}) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    let disposed = false
    let dispose: (() => void) | undefined
    void import('./echarts').then(({ echarts }) => {
      if (disposed || ref.current === null) return
      const chart = echarts.init(ref.current, undefined, { renderer: 'svg' })
      chart.setOption({
        aria: { enabled: true, decal: { show: true } },
        animation: false,
        ...option,
      })
      const observer = new ResizeObserver(() => chart.resize())
      observer.observe(ref.current)
      dispose = () => {
        observer.disconnect()
        chart.dispose()
      }
    })
    return () => {
      disposed = true
      dispose?.()
    }
  }, [option])
  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height }} />
}
