/**
 * Every change a person makes goes to the trail, not only users, tokens, sessions, alerts and
 * corrective actions: targets, monitors, webhooks, sampling plans, the taxonomy, auditor profiles,
 * verdicts and disputes (filed and settled). Each entry names who did it, the chain verifies, and
 * no secret gets in (a webhook URL's path, a plan's salt).
 */
import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { DEFAULT_TAXONOMY_PATH } from '../../src/domain/taxonomy/taxonomy.js'
import { ingestRecords } from '../../src/engine/ingest/index.js'
import { initStore, replaceTaxonomy } from '../../src/engine/setup/init-store.js'
import { verifyTrail } from '../../src/engine/trail/verify-trail.js'
import type { App } from '../../src/server/app.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { jsonRequest, makeApp, manualClock } from './helpers.js'

const PLAN_YAML = `
name: weekly-qa
period: week
strata: [region]
allocation: { method: fixed_count, count: 6 }
`

describeEachBackend('what the trail records', (get) => {
  const clock = manualClock(new Date('2026-03-02T12:00:00.000Z'))
  let app: App
  const as: Record<string, Record<string, string>> = {}

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const init =
      body === undefined ? { method, headers: as[who] } : jsonRequest(method, body, as[who])
    const res = await app.request(path, init)
    const text = await res.text()
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300)
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
  }

  beforeAll(async () => {
    const { database } = get()
    await initStore(database)
    ;({ app } = await makeApp(database, { clock }))
    as.lead = await authHeaders(database, 'admin', { userId: 'lead' })
    as.auditor = await authHeaders(database, 'auditor', { userId: 'aud-1' })
    as.moderator = await authHeaders(database, 'moderator', { userId: 'mod-1' })
    as.arbitrator = await authHeaders(database, 'arbitrator', { userId: 'arb-1' })
    await ingestRecords(database, 'decisions', [
      {
        source: 't',
        line: 1,
        raw: {
          decision_id: 'd-1',
          content_id: 'c-1',
          decided_at: '2026-03-01T10:00:00Z',
          region: 'EU',
          queue: 'reports',
          actor_type: 'human',
          actor_id: 'mod-1',
          policy: 'spam',
          action: 'remove',
        },
      },
    ])
  })

  it('records settings, verdicts and disputes with their actors, and no secret', async () => {
    const { database } = get()
    const before = (await verifyTrail(database)).entries
    await call('lead', 'PUT', '/v1/targets/t-1', { metric: 'error_rate', threshold: 0.1 })
    await call('lead', 'DELETE', '/v1/targets/t-1')
    await call('lead', 'PUT', '/v1/monitors/m-1', { name: 'M', metric: 'error_rate' })
    await call('lead', 'DELETE', '/v1/monitors/m-1')
    await call('lead', 'PUT', '/v1/webhooks/w-1', {
      url: 'https://hooks.example.com/services/T000/B000/SECRET123',
    })
    await call('lead', 'DELETE', '/v1/webhooks/w-1')
    const saved = (await call('lead', 'POST', '/v1/plans', { yaml: PLAN_YAML })) as {
      plan: { salt: string }
    }
    await call('lead', 'POST', '/v1/plans', { yaml: PLAN_YAML }) // unchanged: not a change
    await call('lead', 'PUT', '/v1/tasks/auditors/aud-1', { languages: ['en'] })
    await replaceTaxonomy(
      database,
      readFileSync(DEFAULT_TAXONOMY_PATH, 'utf8'),
      'taxonomy.yaml',
      'cli:ops',
    )

    await sql`insert into audit_tasks (task_id, decision_id, kind) values ('task-1', 'd-1', 'qa')`.execute(
      database.db,
    )
    const next = (await call('auditor', 'POST', '/v1/tasks/next')) as { task: { taskId: string } }
    expect(next.task.taskId).toBe('task-1')
    const verdict = (await call('auditor', 'POST', '/v1/tasks/task-1/verdict', {
      policy: 'none',
      action: 'no_action',
      severity: 'major',
      comment: 'not spam',
    })) as { verdict: { auditId: string } }
    const auditId = verdict.verdict.auditId
    const filed = (await call('moderator', 'POST', '/v1/disputes', {
      audit_id: auditId,
      reason: 'it was spam',
    })) as { disputeId: string }
    await call('arbitrator', 'POST', `/v1/disputes/${filed.disputeId}/settlement`, {
      resolution: 'upheld',
    })

    const { rows } = await sql<{
      seq: number
      actor: string
      action: string
      subjectId: string
      before: unknown
      after: unknown
    }>`select seq, actor, action, subject_id, before, after from event_log where seq > ${before} order by seq`.execute(
      database.db,
    )
    // Leasing a task and using a token are not changes anyone edits later; they are not here.
    expect(rows.map((r) => [r.actor, r.action, r.subjectId])).toEqual([
      ['lead', 'target.set', 't-1'],
      ['lead', 'target.delete', 't-1'],
      ['lead', 'monitor.set', 'm-1'],
      ['lead', 'monitor.delete', 'm-1'],
      ['lead', 'webhook.set', 'w-1'],
      ['lead', 'webhook.delete', 'w-1'],
      ['lead', 'plan.save', 'weekly-qa'],
      ['lead', 'auditor_profile.set', 'aud-1'],
      ['cli:ops', 'taxonomy.replace', '2'],
      ['aud-1', 'audit.submit', auditId],
      ['mod-1', 'dispute.file', filed.disputeId],
      ['arb-1', 'dispute.settle', filed.disputeId],
    ])
    const byAction = new Map(rows.map((r) => [r.action, r]))
    expect(byAction.get('target.delete')?.before).toMatchObject({ metric: 'error_rate' })
    expect(byAction.get('webhook.set')?.after).toMatchObject({
      urlOrigin: 'https://hooks.example.com',
    })
    expect(byAction.get('audit.submit')?.after).toMatchObject({
      decisionId: 'd-1',
      policy: 'none',
      action: 'no_action',
      outcome: 'false_positive',
      comment: 'not spam',
    })
    expect(byAction.get('dispute.settle')?.after).toMatchObject({
      state: 'upheld',
      arbitratorId: 'arb-1',
    })
    const text = JSON.stringify(rows)
    expect(text).not.toContain('SECRET123')
    expect(text).not.toContain(saved.plan.salt)
    expect((await verifyTrail(database)).ok).toBe(true)
  })

  it('records nothing for a change that fails', async () => {
    const { database } = get()
    const before = (await verifyTrail(database)).entries
    const res = await app.request(
      '/v1/disputes/no-such/settlement',
      jsonRequest('POST', { resolution: 'upheld' }, as.arbitrator),
    )
    expect(res.status).toBe(404)
    const bad = await app.request(
      '/v1/targets/t-2',
      jsonRequest('PUT', { metric: 'error_rate', threshold: 7 }, as.lead),
    )
    expect(bad.status).toBe(400)
    expect((await verifyTrail(database)).entries).toBe(before)
  })
})
