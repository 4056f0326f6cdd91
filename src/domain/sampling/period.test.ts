import { describe, expect, it } from 'vitest'
import { formatIsoWeek, lastCompletePeriod, parsePeriod, previousPeriod } from './period.js'

describe('periods', () => {
  it('parses an ISO week, Monday to Monday, in UTC', () => {
    const week = parsePeriod('2026-W10')
    expect(week.start.toISOString()).toBe('2026-03-02T00:00:00.000Z')
    expect(week.end.toISOString()).toBe('2026-03-09T00:00:00.000Z')
    expect(parsePeriod('2021-W01').start.toISOString()).toBe('2021-01-04T00:00:00.000Z')
    expect(formatIsoWeek(new Date('2021-01-03T12:00:00Z'))).toBe('2020-W53')
  })

  it('parses days and inclusive ranges of days', () => {
    expect(parsePeriod('2026-03-01').end.toISOString()).toBe('2026-03-02T00:00:00.000Z')
    const range = parsePeriod('2026-03-01..2026-03-07')
    expect(range.start.toISOString()).toBe('2026-03-01T00:00:00.000Z')
    expect(range.end.toISOString()).toBe('2026-03-08T00:00:00.000Z')
  })

  it('rejects what is not a period, naming the accepted forms', () => {
    for (const bad of ['2026-W54', '2026-02-30', '2026-03-07..2026-03-01', 'last week']) {
      expect(() => parsePeriod(bad)).toThrow(/invalid period/)
    }
  })

  it('finds the last complete period and the one before', () => {
    const now = new Date('2026-03-11T15:00:00Z') // a Wednesday of W11
    expect(lastCompletePeriod('week', now).id).toBe('2026-W10')
    expect(lastCompletePeriod('day', now).id).toBe('2026-03-10')
    expect(previousPeriod(parsePeriod('2026-W10')).id).toBe('2026-W09')
    expect(previousPeriod(parsePeriod('2026-03-01')).id).toBe('2026-02-28')
    expect(previousPeriod(parsePeriod('2026-03-01..2026-03-03')).id).toBe('2026-02-26..2026-02-28')
  })
})
