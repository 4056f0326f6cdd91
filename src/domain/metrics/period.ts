/**
 * Reporting periods. A period is a half-open range of UTC days [from, to) over the decision date
 * (`decided_at`): metrics describe the quality of the decisions made in the period, which is also
 * how the volume roll-ups are keyed.
 *
 * Accepted expressions: `2026-11-20` (a day), `2026-W47` (an ISO week), `2026-11` (a month),
 * `2026-11-01..2026-11-30` (custom, both ends inclusive), `last-28d` (the 28 days ending on the
 * latest day with data), `day` / `week` / `month` (the latest such period with data) and `all`.
 */
import { ValidationError } from '../errors.js'
import type { TimeDimension } from './dimensions.js'
import { clipInput } from '../quote-input.js'

export interface Period {
  /** First day, YYYY-MM-DD (inclusive). */
  from: string
  /** Day after the last day, YYYY-MM-DD (exclusive). */
  to: string
  label: string
}

const DAY_MS = 86_400_000

export function toDay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function parseDay(text: string): Date {
  const date = new Date(`${text}T00:00:00Z`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(date.getTime()) || toDay(date) !== text) {
    throw new ValidationError(`not a date: ${clipInput(text)}`, [
      { path: 'period', message: 'expected YYYY-MM-DD' },
    ])
  }
  return date
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(parseDay(day).getTime() + days * DAY_MS))
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / DAY_MS)
}

/** Monday of the ISO week holding `day`. */
export function startOfWeek(day: string): string {
  const weekday = (parseDay(day).getUTCDay() + 6) % 7
  return addDays(day, -weekday)
}

export function startOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`
}

function nextMonth(monthStart: string): string {
  const d = parseDay(monthStart)
  return toDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)))
}

/** Start of the time bucket of `grain` holding `day` (the label trend points carry). */
export function bucketStart(day: string, grain: TimeDimension): string {
  return grain === 'day' ? day : grain === 'week' ? startOfWeek(day) : startOfMonth(day)
}

export function nextBucket(start: string, grain: TimeDimension): string {
  return grain === 'day'
    ? addDays(start, 1)
    : grain === 'week'
      ? addDays(start, 7)
      : nextMonth(start)
}

function isoWeekStart(year: number, week: number): string {
  // ISO week 1 is the week holding 4 January.
  const jan4 = toDay(new Date(Date.UTC(year, 0, 4)))
  return addDays(startOfWeek(jan4), (week - 1) * 7)
}

export interface DataRange {
  /** First and last day with data (YYYY-MM-DD), or null when the store is empty. */
  first: string | null
  last: string | null
}

const invalid = (text: string) =>
  new ValidationError(`not a period: ${clipInput(text)}`, [
    {
      path: 'period',
      message: 'use YYYY-MM-DD, YYYY-Www, YYYY-MM, FROM..TO, last-Nd, day, week, month or all',
    },
  ])

/**
 * Resolves a period expression against the data range (relative periods end on its last day;
 * an empty store resolves them against `today`).
 */
export function parsePeriod(text: string, range: DataRange, today: string): Period {
  const expression = text.trim()
  const latest = range.last ?? today
  let match: RegExpExecArray | null
  if (expression === 'all') {
    const first = range.first ?? latest
    return { from: first, to: addDays(latest, 1), label: `${first} – ${latest}` }
  }
  if (expression === 'day') return parsePeriod(latest, range, today)
  if (expression === 'week') return weekPeriod(startOfWeek(latest))
  if (expression === 'month') return parsePeriod(latest.slice(0, 7), range, today)
  if ((match = /^last-(\d{1,4})d$/.exec(expression)) !== null) {
    const days = Number(match[1])
    if (days < 1) throw invalid(text)
    const from = addDays(latest, 1 - days)
    return { from, to: addDays(latest, 1), label: `${from} – ${latest}` }
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(expression)) {
    parseDay(expression)
    return { from: expression, to: addDays(expression, 1), label: expression }
  }
  if ((match = /^(\d{4})-W(\d{2})$/.exec(expression)) !== null) {
    const week = Number(match[2])
    if (week < 1 || week > 53) throw invalid(text)
    return { ...weekPeriod(isoWeekStart(Number(match[1]), week)), label: expression }
  }
  if (/^\d{4}-\d{2}$/.test(expression)) {
    const from = `${expression}-01`
    parseDay(from)
    return { from, to: nextMonth(from), label: expression }
  }
  if ((match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(expression)) !== null) {
    const [, from = '', last = ''] = match
    parseDay(from)
    parseDay(last)
    if (last < from)
      throw new ValidationError(`period ends before it starts: ${clipInput(text)}`, [
        { path: 'period', message: 'FROM must not be after TO' },
      ])
    return { from, to: addDays(last, 1), label: `${from} – ${last}` }
  }
  throw invalid(text)
}

function weekPeriod(monday: string): Period {
  const d = parseDay(monday)
  // ISO year of a week is the year of its Thursday.
  const thursday = new Date(d.getTime() + 3 * DAY_MS)
  const jan4 = toDay(new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4)))
  const week = Math.round(daysBetween(startOfWeek(jan4), monday) / 7) + 1
  return {
    from: monday,
    to: addDays(monday, 7),
    label: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`,
  }
}

/** The period of the same length just before `period` (for period-over-period comparisons). */
export function previousPeriod(period: Period): Period {
  const length = daysBetween(period.from, period.to)
  const from = addDays(period.from, -length)
  // A calendar month is compared with the previous calendar month, not with the same number of days.
  if (period.from.endsWith('-01') && period.to === nextMonth(period.from)) {
    const previousStart = startOfMonth(addDays(period.from, -1))
    return { from: previousStart, to: period.from, label: previousStart.slice(0, 7) }
  }
  const last = addDays(period.from, -1)
  return { from, to: period.from, label: from === last ? from : `${from} – ${last}` }
}

/** The trend grain that gives a readable number of points for a period. */
export function defaultGrain(period: Period): TimeDimension {
  const days = daysBetween(period.from, period.to)
  return days <= 31 ? 'day' : days <= 190 ? 'week' : 'month'
}

/** Bucket starts of `grain` covering the period, in order. */
export function periodBuckets(period: Period, grain: TimeDimension): string[] {
  const buckets: string[] = []
  for (
    let start = bucketStart(period.from, grain);
    start < period.to;
    start = nextBucket(start, grain)
  )
    buckets.push(start)
  return buckets
}
