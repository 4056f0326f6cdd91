import { beforeAll, expect, it } from 'vitest'
import { pino } from 'pino'
import { parseConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { buildReport, type Report } from '../../src/engine/reports/build-report.js'
import { renderReport } from '../../src/engine/reports/render-report.js'
import { escapeHtml } from '../../src/engine/reports/render-html.js'
import { csvField } from '../../src/engine/reports/render-csv.js'
import { evaluateTargets } from '../../src/engine/targets/evaluate-targets.js'
import { setTarget } from '../../src/engine/targets/set-target.js'
import { createApp } from '../../src/server/app.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { expectClose } from '../helpers/tolerance.js'
import { readRawRows, seedMetricsFixture, type RawVerdictRow } from './fixture.js'
import { REFERENCE, inPeriod, referenceEstimate } from './reference.js'

const NOW = new Date('2026-11-26T12:00:00Z')
const close = (a: number | null | undefined, b: number) =>
  expectClose(a as number, b, { relative: 1e-9, absolute: 1e-12 })

describeEachBackend('report', (get) => {
  let rows: RawVerdictRow[]
  let report: Report
  beforeAll(async () => {
    const { database } = get()
    await seedMetricsFixture(database, { seed: 11 })
    rows = (await readRawRows(database)).filter((r) => inPeriod(r, '2026-11-01', '2026-12-01'))
    await setTarget(database, { metric: 'accuracy', threshold: 0.5 }, 'test', NOW)
    await setTarget(
      database,
      { metric: 'error_rate', threshold: 0.01, targetId: 'strict-errors' },
      'test',
      NOW,
    )
    await setTarget(
      database,
      { metric: 'accuracy', threshold: 0.8, scope: { region: 'emea' }, targetId: 'emea-accuracy' },
      'test',
      NOW,
    )
    await setTarget(database, { metric: 'volume', threshold: 10, period: '2026-11' }, 'test', NOW)
    report = await buildReport(database, null, {
      period: '2026-11',
      by: ['region', 'queue'],
      now: NOW,
    })
  })
  const verdicts = () => rows.filter((r) => !r.isAppeal)
  const weight = (r: RawVerdictRow) => 1 / (r.inclusionProbability ?? 1)

  it('reports every headline metric as the raw rows give it', () => {
    for (const row of report.headline) {
      const reference = REFERENCE[row.code]
      if (reference === undefined) continue
      const expected = referenceEstimate({ ...reference, per: undefined }, rows)!
      close(row.current.estimate, expected.estimate)
      close(row.current.lower, expected.lower)
      close(row.current.upper, expected.upper)
      expect(row.current.n).toBe(expected.n)
    }
    expect(report.headline.map((h) => h.code)).toContain('overturn_rate')
  })

  it('counts volume and audits like the raw rows', async () => {
    const decisions = (
      await get().database.db.selectFrom('decisions').select('decidedAt').execute()
    ).filter((d) => new Date(d.decidedAt).toISOString() >= '2026-11-01')
    expect(report.volume.decisions).toBe(decisions.length)
    expect(report.volume.audits).toBe(verdicts().length)
  })

  it('ranks slices by gap to the global accuracy target, with BH-adjusted tests against the rest', () => {
    expect(report.slices).toHaveLength(6)
    for (const slice of report.slices) {
      const key = (r: RawVerdictRow) =>
        slice.dimension === 'region' ? r.decision.region : r.decision.queue
      const expected = referenceEstimate(
        REFERENCE.accuracy!,
        rows.filter((r) => key(r) === slice.value),
      )!
      close(slice.current.estimate, expected.estimate)
      close(slice.gap, 0.5 - expected.estimate)
      expect(slice.reference).toEqual({ kind: 'target', threshold: 0.5 })
    }
    const gaps = report.slices.map((s) => s.gap as number)
    expect([...gaps].sort((a, b) => b - a)).toEqual(gaps)
  })

  it('builds the Pareto of error types and root causes from weighted error counts', () => {
    const errors = verdicts().filter((r) => r.outcome !== 'correct')
    const byOutcome = new Map<string, number>()
    for (const r of errors) byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + weight(r))
    const total = [...byOutcome.values()].reduce((a, b) => a + b, 0)
    for (const item of report.pareto.errorTypes) {
      close(item.estimated, byOutcome.get(item.key)!)
      close(item.share, byOutcome.get(item.key)! / total)
      expect(item.audits).toBe(errors.filter((r) => r.outcome === item.key).length)
    }
    expect(report.pareto.errorTypes.map((i) => i.key).sort()).toEqual([...byOutcome.keys()].sort())
    const causes = errors.filter((r) => r.rootCause !== null)
    expect(report.pareto.rootCauses.reduce((s, i) => s + i.audits, 0)).toBe(causes.length)
  })

  it('computes DPMO and sigma level from the weighted error count', () => {
    const units = verdicts().reduce((s, r) => s + weight(r), 0)
    const defects = verdicts().reduce((s, r) => s + (r.outcome !== 'correct' ? weight(r) : 0), 0)
    close(report.sixSigma.dpmo, (defects / units) * 1e6)
    expect(report.sixSigma.sigmaLevel).toBeGreaterThan(0)
  })

  it('builds the policy confusion matrix from audit counts', () => {
    const { labels, matrix } = report.confusion!
    for (const [i, truth] of labels.entries()) {
      for (const [j, decided] of labels.entries()) {
        expect(matrix[i]![j], `${truth} → ${decided}`).toBe(
          verdicts().filter((r) => r.policy === truth && r.decision.policy === decided).length,
        )
      }
    }
    const hate = report.confusion!.policies.find((p) => p.policy === 'hate_speech')!
    const expected = referenceEstimate(
      REFERENCE.precision!,
      verdicts().filter((r) => r.decision.policy === 'hate_speech'),
    )!
    close(hate.precision!.estimate, expected.estimate)
  })

  it('scores every moderator like the raw rows', () => {
    const actors = new Set(verdicts().map((r) => r.decision.actorId))
    expect(report.scorecards.map((c) => c.actorId).sort()).toEqual([...actors].sort())
    for (const card of report.scorecards) {
      const mine = verdicts().filter((r) => r.decision.actorId === card.actorId)
      expect(card.audits).toBe(mine.length)
      close(card.accuracy.estimate, referenceEstimate(REFERENCE.accuracy!, mine)!.estimate)
      close(card.qualityScore.estimate, referenceEstimate(REFERENCE.quality_score!, mine)!.estimate)
      expect(card.errors.false_positive).toBe(
        mine.filter((r) => r.outcome === 'false_positive').length,
      )
      expect(card.errors.wrong_action).toBe(mine.filter((r) => r.outcome === 'wrong_action').length)
      expect(card.criticalErrors).toBe(
        mine.filter((r) => r.outcome !== 'correct' && r.severity === 'critical').length,
      )
    }
  })

  it('gives the trend per day of the month', () => {
    expect(report.grain).toBe('day')
    expect(report.trend.points).toHaveLength(30)
    for (const point of report.trend.points) {
      const day = verdicts().filter(
        (r) => r.decision.decidedAt.toISOString().slice(0, 10) === point.start,
      )
      expect(point.audits).toBe(day.length)
      const expected = referenceEstimate(REFERENCE.error_rate!, day)
      if (expected === null) expect(point.metrics.error_rate?.estimate).toBeNull()
      else close(point.metrics.error_rate?.estimate, expected.estimate)
    }
  })

  it('judges targets met, missed and inconclusive on the interval', async () => {
    const byId = new Map(report.targets.map((t) => [t.target.targetId, t]))
    expect(byId.get('accuracy')?.status).toBe('met')
    expect(byId.get('strict-errors')?.status).toBe('missed')
    expect(byId.get('volume')?.status).toBe('met')
    const emea = referenceEstimate(
      REFERENCE.accuracy!,
      rows.filter((r) => r.decision.region === 'emea'),
    )!
    close(byId.get('emea-accuracy')?.value.estimate, emea.estimate)
    // A threshold inside the interval is inconclusive and says how many audits would settle it.
    const inside = (emea.lower + emea.estimate) / 2
    const [result] = await evaluateTargets(get().database, null, {
      now: NOW,
      targets: [{ ...byId.get('emea-accuracy')!.target, threshold: inside }],
    })
    expect(result?.status).toBe('inconclusive')
    const margin = emea.estimate - inside
    const needed = Math.ceil(
      (1.959963984540054 ** 2 * emea.estimate * (1 - emea.estimate)) / margin ** 2 - 1e-9,
    )
    expect(result?.auditsToSettle).toBe(
      Math.max(
        1,
        Math.ceil((needed - emea.effectiveSampleSize) * (emea.n / emea.effectiveSampleSize)),
      ),
    )
  })

  it('renders md, html, json and csv', () => {
    const md = renderReport(report, 'md')
    expect(md).toContain('## Overall quality')
    expect(md).toContain('## Policy confusion matrix')
    const html = renderReport(report, 'html')
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<svg')
    expect(html).toContain('80%')
    expect(html).not.toMatch(/<script|<link|src=/i)
    expect(JSON.parse(renderReport(report, 'json')).period.label).toBe('2026-11')
    const csv = renderReport(report, 'csv').split('\r\n')
    expect(csv[0]).toBe('section,metric,dimension,slice,estimate,lower,upper,n,effective_n,extra')
    expect(csv.some((l) => l.startsWith('headline,accuracy,'))).toBe(true)
  })

  it('escapes user-provided strings in every format', () => {
    const evil = '<script>alert(1)</script>"=cmd|x'
    const tampered: Report = {
      ...report,
      scorecards: [{ ...report.scorecards[0]!, actorId: evil }],
      targets: report.targets.map((t) => ({ ...t, target: { ...t.target, name: evil } })),
    }
    const html = renderReport(tampered, 'html')
    expect(html).not.toContain('<script>')
    expect(html).toContain(escapeHtml(evil))
    expect(renderReport(tampered, 'md')).not.toContain('<script>')
    expect(csvField('=1+1')).toBe("'=1+1")
    expect(csvField('a,"b"')).toBe('"a,""b"""')
  })

  it('serves GET /v1/report and /v1/metrics to a viewer and forbids a moderator', async () => {
    const ctx = await createContext(parseConfig({}), {
      database: get().database,
      logger: pino({ level: 'silent' }),
      clock: { now: () => NOW },
    })
    const app = createApp(ctx)
    const viewer = await authHeaders(get().database, 'viewer')
    const res = await app.request('/v1/report?period=2026-11&by=region', { headers: viewer })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Report
    close(
      body.headline.find((h) => h.code === 'accuracy')!.current.estimate,
      report.headline.find((h) => h.code === 'accuracy')!.current.estimate!,
    )
    const html = await app.request('/v1/report?period=2026-11&format=html', { headers: viewer })
    expect(html.headers.get('content-type')).toContain('text/html')
    const metric = await app.request('/v1/metrics/error_rate?by=region&period=2026-11', {
      headers: viewer,
    })
    expect(metric.status).toBe(200)
    expect(((await metric.json()) as { slices: unknown[] }).slices).toHaveLength(3)
    const bad = await app.request('/v1/metrics/error_rate?by=nope', { headers: viewer })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation_failed')
    const moderator = await authHeaders(get().database, 'moderator')
    for (const path of ['/v1/report', '/v1/metrics/accuracy', '/v1/targets']) {
      const forbidden = await app.request(path, { headers: moderator })
      expect(forbidden.status, path).toBe(403)
    }
    expect(
      (
        await app.request('/v1/targets/x', {
          method: 'PUT',
          headers: { ...viewer, 'content-type': 'application/json' },
          body: JSON.stringify({ metric: 'accuracy', threshold: 0.9 }),
        })
      ).status,
    ).toBe(403)
    const lead = await authHeaders(get().database, 'quality_lead')
    const put = await app.request('/v1/targets/lead-target', {
      method: 'PUT',
      headers: { ...lead, 'content-type': 'application/json' },
      body: JSON.stringify({ metric: 'accuracy', threshold: 0.9 }),
    })
    expect(put.status).toBe(200)
    const list = (await (await app.request('/v1/targets', { headers: viewer })).json()) as {
      targets: { target: { targetId: string }; status: string }[]
    }
    expect(list.targets.map((t) => t.target.targetId)).toContain('lead-target')
  })

  it('limits a scoped viewer to their regions', async () => {
    const ctx = await createContext(parseConfig({}), {
      database: get().database,
      logger: pino({ level: 'silent' }),
      clock: { now: () => NOW },
    })
    const app = createApp(ctx)
    const headers = await authHeaders(get().database, 'viewer', { regions: ['apac'] })
    const body = (await (
      await app.request('/v1/report?period=2026-11&by=region', { headers })
    ).json()) as Report
    expect(body.slices.map((s) => s.value)).toEqual(['apac'])
    close(
      body.headline.find((h) => h.code === 'accuracy')!.current.estimate,
      referenceEstimate(
        REFERENCE.accuracy!,
        rows.filter((r) => r.decision.region === 'apac'),
      )!.estimate,
    )
  })
})
