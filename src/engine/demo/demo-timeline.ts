/**
 * When the demo's decisions happen: each region keeps its share of the volume, spread over the
 * hours of the period by its local hour-of-day shape and weekday (weekends lighter), plus the
 * extra volume of an incident.
 */
import { weighted, type Weighted } from './demo-random.js'
import { HOUR_MS, type DemoIncident, type ResolvedDemoOptions } from './demo-options.js'
import {
  HOUR_SHAPE,
  QUEUE_CODES,
  REGIONS,
  WEEKEND_FACTOR,
  type QueueCode,
  type RegionShape,
} from './demo-shape.js'

export interface Timeline {
  hours: number
  /** Volume weight of each hour (sum over regions). */
  hourTotals: Float64Array
  total: number
  regionsByHour(hour: number): Weighted<RegionShape>
}

export function localShape(
  region: RegionShape,
  startMs: number,
  hour: number,
): { weight: number; localHour: number } {
  const local = new Date(startMs + hour * HOUR_MS + region.utcOffsetHours * HOUR_MS)
  const day = local.getUTCDay()
  const localHour = local.getUTCHours()
  return {
    weight: (HOUR_SHAPE[localHour] as number) * (day === 0 || day === 6 ? WEEKEND_FACTOR : 1),
    localHour,
  }
}

export function queueShareOf(region: RegionShape, queue: string): number {
  const total = QUEUE_CODES.reduce((sum, q) => sum + region.queueMix[q], 0)
  return (region.queueMix[queue as QueueCode] ?? 0) / total
}

export function inWindow(ms: number, incident: DemoIncident): boolean {
  const from = incident.startsAt.getTime()
  return ms >= from && ms < from + incident.hours * HOUR_MS
}

export function buildTimeline(options: ResolvedDemoOptions): Timeline {
  const startMs = options.start.getTime()
  const hours = options.weeks * 168
  // Each region keeps its share of the volume; the shape only says when it arrives.
  const shapes = REGIONS.map((region) => {
    const weights = new Float64Array(hours)
    let sum = 0
    for (let h = 0; h < hours; h += 1) {
      weights[h] = localShape(region, startMs, h).weight
      sum += weights[h] as number
    }
    for (let h = 0; h < hours; h += 1) weights[h] = ((weights[h] as number) * region.share) / sum
    return weights
  })
  const { incident } = options
  if (incident !== null) {
    const r = REGIONS.findIndex((region) => region.code === incident.region)
    const region = REGIONS[r]
    const weights = shapes[r]
    if (region !== undefined && weights !== undefined) {
      const boost = 1 + queueShareOf(region, incident.queue) * (incident.volumeFactor - 1)
      for (let h = 0; h < hours; h += 1) {
        if (inWindow(startMs + h * HOUR_MS, incident)) weights[h] = (weights[h] as number) * boost
      }
    }
  }
  const hourTotals = new Float64Array(hours)
  let total = 0
  for (let h = 0; h < hours; h += 1) {
    for (const weights of shapes) hourTotals[h] = (hourTotals[h] as number) + (weights[h] as number)
    total += hourTotals[h] as number
  }
  return {
    hours,
    hourTotals,
    total,
    regionsByHour: (hour) =>
      weighted(
        REGIONS.map((region, r) => [region, (shapes[r] as Float64Array)[hour] as number] as const),
      ),
  }
}
