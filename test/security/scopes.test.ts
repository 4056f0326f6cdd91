/**
 * Region / site scopes beyond metrics and reports: a principal limited to EU sees, and works on,
 * only what is about EU decisions — another moderator's feedback, disputes, corrective actions,
 * second-QA agreement, and the audit tasks an auditor leases or is assigned. An unlimited
 * principal sees everything.
 */
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { fileDispute } from '../../src/engine/audits/disputes.js'
import { openAction } from '../../src/engine/actions/corrective-actions.js'
import { ingestRecords } from '../../src/engine/ingest/index.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import type { App } from '../../src/server/app.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { jsonRequest, makeApp, manualClock } from './helpers.js'

type Json = Record<string, unknown>

const decision = (id: string, region: string, site: string) => ({
  decision_id: id,
  content_id: `c-${id}`,
  decided_at: '2026-03-01T10:00:00Z',
  region,
  site,
  queue: 'reports',
  actor_type: 'human',
  actor_id: 'mod-1',
  policy: 'spam',
  action: 'remove',
})
const audit = (id: string, decisionId: string, kind = 'qa') => ({
  audit_id: id,
  decision_id: decisionId,
  auditor_id: kind === 'qa' ? 'aud-0' : 'aud-9',
  audited_at: '2026-03-02T10:00:00Z',
  policy: 'spam',
  action: 'remove',
  kind,
})

describeEachBackend('region and site scopes', (get) => {
  const clock = manualClock(new Date('2026-03-03T12:00:00.000Z'))
  let app: App
  const as: Record<string, Record<string, string>> = {}
  const ids: Record<string, string> = {}

  const call = async (who: string, path: string, init: RequestInit = {}) => {
    const res = await app.request(path, { ...init, headers: { ...as[who], ...init.headers } })
    return { status: res.status, body: (await res.json()) as Json }
  }

  beforeAll(async () => {
    const { database } = get()
    await initStore(database)
    ;({ app } = await makeApp(database, { clock }))
    const rows = (records: Json[]) => records.map((raw, i) => ({ source: 't', line: i + 1, raw }))
    await ingestRecords(
      database,
      'decisions',
      rows([
        decision('d-eu', 'EU', 'site-a'),
        decision('d-na', 'NA', 'site-b'),
        decision('t-eu', 'EU', 'site-a'),
        decision('t-na', 'NA', 'site-b'),
      ]),
    )
    await ingestRecords(
      database,
      'audits',
      rows([
        audit('a-eu', 'd-eu'),
        audit('a-na', 'd-na'),
        audit('a-eu-2', 'd-eu', 'second_qa'),
        audit('a-na-2', 'd-na', 'second_qa'),
      ]),
    )
    const moderator = { userId: 'mod-1', roles: ['moderator'] as const, regions: null, sites: null }
    for (const auditId of ['a-eu', 'a-na']) {
      const dispute = await fileDispute(
        database,
        { ...moderator, roles: [...moderator.roles] },
        { audit_id: auditId, reason: 'no' },
        clock.now(),
      )
      ids[`dispute ${auditId}`] = dispute.disputeId
    }
    for (const region of ['EU', 'NA']) {
      const action = await openAction(
        database,
        {
          metric: 'error_rate',
          scope: { region },
          owner: 'o',
          dueDate: '2026-04-01',
          hypothesis: 'h',
        },
        'seed',
        clock.now(),
      )
      ids[`action ${region}`] = action.actionId
    }
    as.lead = await authHeaders(database, 'quality_lead', { regions: ['EU'] })
    as.admin = await authHeaders(database, 'admin')
    as.arbitrator = await authHeaders(database, 'arbitrator', { regions: ['EU'] })
    as.auditor = await authHeaders(database, 'auditor', { userId: 'aud-eu', regions: ['EU'] })
    as.siteAuditor = await authHeaders(database, 'auditor', { userId: 'aud-b', sites: ['site-b'] })
  })

  it("shows another moderator's feedback only for decisions in scope", async () => {
    const decisionsOf = async (who: string) =>
      ((await call(who, '/v1/feedback?moderatorId=mod-1')).body.items as Json[])
        .map((i) => i.decisionId)
        .sort()
    expect(await decisionsOf('admin')).toEqual(['d-eu', 'd-na'])
    expect(await decisionsOf('lead')).toEqual(['d-eu'])
  })

  it('lists, shows and settles only the disputes in scope', async () => {
    const listed = async (who: string) =>
      ((await call(who, '/v1/disputes?state=all')).body.disputes as Json[])
        .map((d) => d.auditId)
        .sort()
    expect(await listed('admin')).toEqual(['a-eu', 'a-na'])
    expect(await listed('arbitrator')).toEqual(['a-eu'])
    const na = ids['dispute a-na'] ?? ''
    expect((await call('arbitrator', `/v1/disputes/${na}`)).status).toBe(404)
    expect((await call('arbitrator', `/v1/disputes/${ids['dispute a-eu']}`)).status).toBe(200)
    const settle = jsonRequest('POST', { resolution: 'upheld', comment: 'c' })
    expect((await call('arbitrator', `/v1/disputes/${na}/settlement`, settle)).status).toBe(404)
    expect(await listed('admin')).toEqual(['a-eu', 'a-na'])
    const open = (await call('admin', '/v1/disputes')).body.disputes as Json[]
    expect(open.map((d) => d.auditId).sort()).toEqual(['a-eu', 'a-na'])
  })

  it('lists, shows and changes only the corrective actions scoped in scope', async () => {
    const listed = async (who: string) =>
      ((await call(who, '/v1/actions')).body.actions as Json[]).map((a) => a.actionId).sort()
    expect(await listed('admin')).toEqual([ids['action EU'], ids['action NA']].sort())
    expect(await listed('lead')).toEqual([ids['action EU']])
    expect((await call('lead', `/v1/actions/${ids['action NA']}`)).status).toBe(404)
    expect((await call('lead', `/v1/actions/${ids['action EU']}`)).status).toBe(200)
    const patch = jsonRequest('PATCH', { owner: 'someone else' })
    expect((await call('lead', `/v1/actions/${ids['action NA']}`, patch)).status).toBe(404)
  })

  it('measures second-QA agreement over the decisions in scope', async () => {
    expect((await call('admin', '/v1/tasks/agreement')).body).toMatchObject({ pairs: 2 })
    expect((await call('lead', '/v1/tasks/agreement')).body).toMatchObject({ pairs: 1 })
  })

  it('gives an auditor only tasks on decisions in their scope, leased or assigned', async () => {
    const { database } = get()
    const addTask = (taskId: string, decisionId: string) =>
      sql`insert into audit_tasks (task_id, decision_id, kind) values (${taskId}, ${decisionId}, 'qa')`.execute(
        database.db,
      )
    await addTask('task-na', 't-na')
    const next = async (who: string) =>
      ((await call(who, '/v1/tasks/next', { method: 'POST' })).body.task as Json | null)?.taskId
    expect(await next('auditor')).toBeUndefined()
    // Assignment (by load) passes the NA task over the EU auditor too; the site-b auditor takes it.
    const assigned = await call('admin', '/v1/tasks/assign', { method: 'POST' })
    expect(assigned.body).toEqual({ assigned: 1 })
    const holder = await sql<{
      assigneeId: string
    }>`select assignee_id from audit_tasks where task_id = 'task-na'`.execute(database.db)
    expect(holder.rows[0]?.assigneeId).toBe('aud-b')
    await addTask('task-eu', 't-eu')
    expect(await next('siteAuditor')).toBe('task-na')
    expect(await next('auditor')).toBe('task-eu')
  })
})
