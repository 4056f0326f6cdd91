/**
 * Sampling periods in UTC: a day (`2026-03-01`), an ISO week (`2026-W10`, Monday to Sunday) or an
 * explicit range of days (`2026-03-01..2026-03-07`, both ends included).
 */
import { ValidationError } from '../errors.js'
import { quoteInput } from '../quote-input.js'

export interface Period {
  /** The period as written: `2026-W10`, `2026-03-01` or `2026-03-01..2026-03-07`. */
  id: string
  start: Date
  /** Exclusive. */
  end: Date
}

const DAY_MS = 86_400_000

function parseDay(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined
  const date = new Date(`${text}T00:00:00Z`)
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? undefined : date
}

/** Monday 00:00 UTC of ISO week `week` of `year`. */
function isoWeekStart(year: number, week: number): Date {
  const jan4 = Date.UTC(year, 0, 4)
  const jan4Weekday = (new Date(jan4).getUTCDay() + 6) % 7
  return new Date(jan4 - jan4Weekday * DAY_MS + (week - 1) * 7 * DAY_MS)
}

export function formatIsoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  const weekday = (day.getUTCDay() + 6) % 7
  const thursday = new Date(day.getTime() + (3 - weekday) * DAY_MS)
  const year = thursday.getUTCFullYear()
  const week = Math.floor((thursday.getTime() - isoWeekStart(year, 1).getTime()) / (7 * DAY_MS)) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

export function parsePeriod(text: string): Period {
  const trimmed = text.trim()
  const week = /^(\d{4})-W(\d{2})$/.exec(trimmed)
  if (week !== null) {
    const number = Number(week[2])
    const start = isoWeekStart(Number(week[1]), number)
    if (number >= 1 && number <= 53 && formatIsoWeek(start) === trimmed) {
      return { id: trimmed, start, end: new Date(start.getTime() + 7 * DAY_MS) }
    }
  }
  const day = parseDay(trimmed)
  if (day !== undefined) return { id: trimmed, start: day, end: new Date(day.getTime() + DAY_MS) }
  const range = /^(\S+)\.\.(\S+)$/.exec(trimmed)
  if (range !== null) {
    const from = parseDay(range[1]!)
    const to = parseDay(range[2]!)
    if (from !== undefined && to !== undefined && from <= to) {
      return { id: trimmed, start: from, end: new Date(to.getTime() + DAY_MS) }
    }
  }
  throw new ValidationError('invalid period', [
    {
      path: 'period',
      message: `must be a day (2026-03-01), an ISO week (2026-W10) or a range (2026-03-01..2026-03-07); got ${quoteInput(text)}`,
    },
  ])
}

/** The last complete period of the given kind before `now`. */
export function lastCompletePeriod(kind: 'day' | 'week', now: Date): Period {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  if (kind === 'day') return parsePeriod(new Date(today - DAY_MS).toISOString().slice(0, 10))
  return parsePeriod(formatIsoWeek(new Date(today - 7 * DAY_MS)))
}

/** The period of the same length just before `period` (the reference for rates and error rates). */
export function previousPeriod(period: Period): Period {
  const length = period.end.getTime() - period.start.getTime()
  const start = new Date(period.start.getTime() - length)
  const first = start.toISOString().slice(0, 10)
  const last = new Date(period.start.getTime() - DAY_MS).toISOString().slice(0, 10)
  const id =
    length === DAY_MS
      ? first
      : length === 7 * DAY_MS && /W/.test(period.id)
        ? formatIsoWeek(start)
        : `${first}..${last}`
  return { id, start, end: period.start }
}
