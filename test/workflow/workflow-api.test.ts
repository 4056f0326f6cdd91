/**
 * The whole QA workflow through the HTTP API, on both stores: plan, dry run, draw, assignment,
 * blind review, second QA, dispute, arbitration, final verdict, feedback.
 */
import { sql } from 'kysely'
import { pino } from 'pino'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { createToken, createUser } from '../../src/engine/access/tokens.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { createApp } from '../../src/server/app.js'
import { describeEachBackend } from '../helpers/db.js'
import { seedDecisions } from './fixtures.js'

const PLAN_YAML = `
name: weekly-qa
period: week
strata: [region]
allocation: { method: fixed_count, count: 6 }
min_per_moderator: 1
second_qa_share: 0.5
match_rule: both
dispute_window_days: 7
assignment: { lease_minutes: 30 }
`

type Json = Record<string, unknown>
interface BlindTask {
  taskId: string
  kind: string
  item: Json
}
interface Revealed {
  taskId: string
  outcome: string
  original: {
    decisionId: string
    actorId: string
    policy: string
    action: string
    site: string | null
  }
  verdict: { auditId: string }
}

describeEachBackend('QA workflow over the API', (get) => {
  let now = new Date('2026-03-10T09:00:00Z')
  let app: ReturnType<typeof createApp>
  const headers: Record<string, Record<string, string>> = {}
  /** Every response body an auditor received, by auditor, before and after submission. */
  const auditorBodies: { user: string; body: string; taskId?: string }[] = []

  async function user(userId: string, roles: string[]): Promise<void> {
    await createUser(get().database, { userId, roles })
    const { token } = await createToken(get().database, { userId })
    headers[userId] = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  }

  async function call(
    userId: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Json; text: string }> {
    const res = await app.request(path, {
      method,
      headers: headers[userId],
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Json), text }
  }

  beforeAll(async () => {
    const { database } = get()
    const ctx = await createContext(parseConfig({}), {
      database,
      logger: pino({ level: 'silent' }),
      clock: { now: () => now },
    })
    await initStore(database)
    await seedDecisions(database, { count: 240, start: '2026-03-02T00:00:00Z', moderators: 6 })
    app = createApp(ctx)
    await user('lead', ['quality_lead'])
    await user('aud-1', ['auditor', 'arbitrator'])
    await user('aud-2', ['auditor'])
    await user('mod-3', ['moderator', 'auditor']) // a moderator who also audits: never their own decisions
    await user('mod-1', ['moderator'])
    await user('mod-2', ['moderator'])
    for (const id of ['mod-0', 'mod-4', 'mod-5']) await user(id, ['moderator'])
    await user('arb', ['arbitrator'])
  })

  describe('plans and draws', () => {
    it('stores a plan from YAML and answers how many audits a margin needs', async () => {
      const saved = await call('lead', 'POST', '/v1/plans', { yaml: PLAN_YAML })
      expect(saved.status).toBe(201)
      expect((saved.json.plan as Json).version).toBe(1)
      const again = await call('lead', 'POST', '/v1/plans', { yaml: PLAN_YAML })
      expect(again.json.created).toBe(false)
      const size = await call('lead', 'POST', '/v1/plans/size', { margin: 0.02, confidence: 0.95 })
      expect(size.json.sampleSize).toBe(2401)
      const bad = await call('lead', 'POST', '/v1/plans', {
        yaml: 'name: x\nallocation: { method: fixed_rate }',
      })
      expect(bad.status).toBe(400)
      expect(JSON.stringify(bad.json)).toMatch(/allocation.rate/)
      expect((await call('aud-2', 'POST', '/v1/plans', { yaml: PLAN_YAML })).status).toBe(403)
    })

    it('plans a dry run per stratum without drawing anything', async () => {
      const dry = await call('lead', 'POST', '/v1/samples', {
        planId: 'weekly-qa',
        period: '2026-W10',
        dryRun: true,
      })
      expect(dry.status).toBe(200)
      const strata = dry.json.strata as {
        stratum: string
        volume: number
        size: number
        margin: number
      }[]
      expect(strata.map((s) => s.stratum)).toEqual(['APAC', 'EU', 'NA'])
      expect(
        strata.every((s) => s.volume === 80 && s.size === 6 && s.margin > 0 && s.margin < 0.5),
      ).toBe(true)
      const { rows } = await sql<{ n: number }>`select count(*)::int8 as n from samples`.execute(
        get().database.db,
      )
      expect(Number(rows[0]!.n)).toBe(0)
    })

    it('draws the sample, tops up every moderator and assigns the tasks', async () => {
      const drawn = await call('lead', 'POST', '/v1/samples', {
        planId: 'weekly-qa',
        period: '2026-W10',
      })
      expect(drawn.status).toBe(200)
      const result = drawn.json.result as {
        sampled: number
        new: number
        tasksCreated: number
        tasksAssigned: number
      }
      expect(result.sampled).toBeGreaterThanOrEqual(18)
      expect(result.tasksCreated).toBe(result.sampled)
      expect(result.tasksAssigned).toBe(result.sampled)
      const { rows } = await sql<{ actorId: string }>`
        select distinct d.actor_id from samples s join decisions d using (decision_id) where d.actor_type = 'human'`.execute(
        get().database.db,
      )
      expect(rows.length).toBe(6) // mod-0 … mod-5
    })
  })

  describe('blind review', () => {
    it('serves tasks in random order, never leaks the original before submission, and reveals it after', async () => {
      const { database } = get()
      const decisions = new Map(
        (
          await database.db
            .selectFrom('decisions')
            .select(['decisionId', 'actorId', 'policy', 'action', 'site', 'score'])
            .execute()
        ).map((d) => [d.decisionId, d]),
      )
      let submitted = 0
      const perAuditor = new Map<string, number>()
      // Rounds until nobody gets a task: second QA tasks appear as first audits are submitted.
      for (let progress = true; progress;) {
        progress = false
        for (const auditor of ['aud-1', 'aud-2', 'mod-3']) {
          for (;;) {
            const next = await call(auditor, 'POST', '/v1/tasks/next')
            expect(next.status).toBe(200)
            const task = next.json.task as BlindTask | null
            if (task === null) break
            auditorBodies.push({ user: auditor, body: next.text, taskId: task.taskId })
            const again = await call(auditor, 'POST', '/v1/tasks/next')
            expect((again.json.task as BlindTask).taskId).toBe(task.taskId) // the held lease, not a new one
            auditorBodies.push({ user: auditor, body: again.text, taskId: task.taskId })
            const view = await call(auditor, 'GET', `/v1/tasks/${task.taskId}`)
            auditorBodies.push({ user: auditor, body: view.text, taskId: task.taskId })
            const mine = await call(auditor, 'GET', '/v1/tasks')
            // The list holds earlier (revealed) tasks too; only this task's entry must be blind.
            const entry = (mine.json.tasks as BlindTask[]).find((t) => t.taskId === task.taskId)
            auditorBodies.push({ user: auditor, body: JSON.stringify(entry), taskId: task.taskId })
            const badVerdict = await call(auditor, 'POST', `/v1/tasks/${task.taskId}/verdict`, {
              policy: 'nope',
              action: 'remove',
            })
            expect(badVerdict.status).toBe(400)
            auditorBodies.push({ user: auditor, body: badVerdict.text, taskId: task.taskId })

            // Before submission: nothing in any of these bodies names the original decision.
            const { decisionId } = await database.db
              .selectFrom('auditTasks')
              .select('decisionId')
              .where('taskId', '=', task.taskId)
              .executeTakeFirstOrThrow()
            const original = decisions.get(decisionId)!
            for (const { body } of auditorBodies.filter((b) => b.taskId === task.taskId)) {
              for (const value of [
                original.policy,
                original.action,
                original.actorId,
                original.decisionId,
                original.site ?? '',
              ]) {
                expect(body).not.toContain(`"${value}"`)
              }
              expect(body).not.toMatch(/"(policy|action|actorId|actorType|site|score|decisionId)":/)
            }
            expect(original.actorId).not.toBe(auditor)

            // Agree with every other decision, call the rest spam/remove.
            const count = perAuditor.get(auditor) ?? 0
            perAuditor.set(auditor, count + 1)
            const agree = count % 2 === 0
            const verdict = agree
              ? {
                  policy: original.policy,
                  action: original.action,
                  comment: 'looks right',
                  answers: { context_checked: true },
                }
              : {
                  policy: 'spam',
                  action: 'remove',
                  severity: 'major',
                  root_cause: 'policy_misread',
                  comment: 'this is spam',
                }
            const result = await call(auditor, 'POST', `/v1/tasks/${task.taskId}/verdict`, verdict)
            expect(result.status).toBe(201)
            const revealed = result.json as unknown as Revealed
            expect(revealed.original.policy).toBe(original.policy)
            expect(revealed.original.actorId).toBe(original.actorId)
            if (agree || (original.policy === 'spam' && original.action === 'remove'))
              expect(revealed.outcome).toBe('correct')
            else expect(revealed.outcome).not.toBe('correct')
            const twice = await call(auditor, 'POST', `/v1/tasks/${task.taskId}/verdict`, verdict)
            expect(twice.status).toBe(409)
            submitted += 1
            progress = true
          }
        }
      }
      const { rows } = await sql<{ open: number; qa: number; second: number }>`
        select count(*) filter (where completed_audit_id is null)::int8 as open,
               count(*) filter (where kind = 'qa')::int8 as qa,
               count(*) filter (where kind = 'second_qa')::int8 as second
        from audit_tasks`.execute(database.db)
      expect(Number(rows[0]!.open)).toBe(0)
      // About half the first audits got a second QA (the hash rule at share 0.5).
      expect(Number(rows[0]!.second)).toBeGreaterThan(0)
      expect(Number(rows[0]!.second)).toBeLessThan(Number(rows[0]!.qa))
      expect(submitted).toBe(Number(rows[0]!.qa) + Number(rows[0]!.second))
    })

    it('never gives a second QA to the first auditor and tracks agreement', async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int8 as n from audits s join audits q on q.decision_id = s.decision_id and q.kind = 'qa'
        where s.kind = 'second_qa' and s.auditor_id = q.auditor_id`.execute(get().database.db)
      expect(Number(rows[0]!.n)).toBe(0)
      const agreement = await call('lead', 'GET', '/v1/tasks/agreement')
      expect(agreement.status).toBe(200)
      expect(agreement.json.pairs).toBeGreaterThan(0)
      expect(agreement.json.rate).toBeGreaterThanOrEqual(0)
    })

    it('returns a task to the queue when its lease expires, and two racing auditors never share a task', async () => {
      const { database } = get()
      await seedDecisions(database, {
        count: 30,
        start: '2026-03-09T00:00:00Z',
        prefix: 'late-',
        moderators: 6,
      })
      await call('lead', 'POST', '/v1/plans', {
        yaml: PLAN_YAML.replace('weekly-qa', 'daily-qa')
          .replace('period: week', 'period: day')
          .replace('min_per_moderator: 1', 'min_per_moderator: 0'),
      })
      const drawn = await call('lead', 'POST', '/v1/samples', {
        planId: 'daily-qa',
        period: '2026-03-09',
      })
      expect((drawn.json.result as { sampled: number }).sampled).toBeGreaterThan(4)
      await call('lead', 'POST', '/v1/tasks/assign')
      const [a, b] = await Promise.all([
        call('aud-1', 'POST', '/v1/tasks/next'),
        call('aud-2', 'POST', '/v1/tasks/next'),
      ])
      const taskA = a.json.task as BlindTask
      expect(taskA.taskId).not.toBe((b.json.task as BlindTask).taskId)
      now = new Date(now.getTime() + 31 * 60_000)
      // aud-1's lease ran out: the task is back in the queue and aud-2 (after finishing theirs) may take it.
      await call('aud-2', 'POST', `/v1/tasks/${(b.json.task as BlindTask).taskId}/verdict`, {
        policy: 'none',
        action: 'no_action',
      })
      const seen = new Set<string>()
      for (let i = 0; i < 40; i++) {
        const next = await call('aud-2', 'POST', '/v1/tasks/next')
        const task = next.json.task as BlindTask | null
        if (task === null || seen.has(task.taskId)) break
        seen.add(task.taskId)
        await call('aud-2', 'POST', `/v1/tasks/${task.taskId}/verdict`, {
          policy: 'none',
          action: 'no_action',
        })
      }
      const holder = await database.db
        .selectFrom('auditTasks')
        .select(['assigneeId', 'completedAuditId', 'decisionId'])
        .where('taskId', '=', taskA.taskId)
        .executeTakeFirstOrThrow()
      const actor = await database.db
        .selectFrom('decisions')
        .select('actorId')
        .where('decisionId', '=', holder.decisionId)
        .executeTakeFirstOrThrow()
      if (actor.actorId !== 'aud-2') {
        expect(holder.assigneeId).toBe('aud-2')
        expect(holder.completedAuditId).not.toBeNull()
      }
      // aud-1 lost the task: submitting now is refused, and nothing was overwritten.
      expect(
        (
          await call('aud-1', 'POST', `/v1/tasks/${taskA.taskId}/verdict`, {
            policy: 'none',
            action: 'no_action',
          })
        ).status,
      ).toBe(404)
    })
  })

  describe('disputes, arbitration, final verdicts and feedback', () => {
    let disputedAuditId = ''
    let disputeId = ''
    let moderator = ''
    let originalAuditor = ''

    it('lets a moderator dispute an audit of their own decision, and nobody else', async () => {
      const { database } = get()
      const target = await sql<{ auditId: string; actorId: string; auditorId: string }>`
        select a.audit_id, d.actor_id, a.auditor_id from audits a join decisions d using (decision_id)
        where a.kind = 'qa' and a.outcome <> 'correct' and d.actor_type = 'human' and d.actor_id <> 'mod-3'
        order by a.audit_id limit 1`.execute(database.db)
      // Which auditor drew an error depends on the random sample and lease order: take any.
      const row = target.rows[0]!
      originalAuditor = row.auditorId
      disputedAuditId = row.auditId
      moderator = row.actorId
      const other = moderator === 'mod-1' ? 'mod-2' : 'mod-1'
      expect(
        (
          await call(other, 'POST', '/v1/disputes', {
            audit_id: disputedAuditId,
            reason: 'not mine',
          })
        ).status,
      ).toBe(404)
      expect(
        (await call('aud-2', 'POST', '/v1/disputes', { audit_id: disputedAuditId, reason: 'x' }))
          .status,
      ).toBe(403)
      const filed = await call(moderator, 'POST', '/v1/disputes', {
        audit_id: disputedAuditId,
        reason: 'the caption makes it clear this is satire',
      })
      expect(filed.status).toBe(201)
      disputeId = filed.json.disputeId as string
      expect(filed.json.state).toBe('open')
      expect(
        (
          await call(moderator, 'POST', '/v1/disputes', {
            audit_id: disputedAuditId,
            reason: 'again',
          })
        ).status,
      ).toBe(409)
    })

    it('refuses a dispute after the window closes', async () => {
      const { rows } = await sql<{ auditId: string; actorId: string }>`
        select a.audit_id, d.actor_id from audits a join decisions d using (decision_id)
        where a.kind = 'qa' and d.actor_type = 'human' and d.actor_id <> 'mod-3' and a.audit_id <> ${disputedAuditId} limit 1`.execute(
        get().database.db,
      )
      const saved = now
      now = new Date(now.getTime() + 8 * 86_400_000)
      const late = await call(rows[0]!.actorId, 'POST', '/v1/disputes', {
        audit_id: rows[0]!.auditId,
        reason: 'late',
      })
      now = saved
      expect(late.status).toBe(400)
      expect(JSON.stringify(late.json)).toMatch(/window/)
    })

    it('never lets the original auditor arbitrate; an arbitrator overturns and the final verdict follows', async () => {
      const open = await call('arb', 'GET', '/v1/disputes')
      expect((open.json.disputes as Json[]).map((d) => d.disputeId)).toContain(disputeId)
      const byAuditor = await call(
        originalAuditor,
        'POST',
        `/v1/disputes/${disputeId}/settlement`,
        {
          resolution: 'upheld',
        },
      )
      expect(byAuditor.status).toBe(403)
      const noVerdict = await call('arb', 'POST', `/v1/disputes/${disputeId}/settlement`, {
        resolution: 'overturned',
      })
      expect(noVerdict.status).toBe(400)
      const { database } = get()
      const decision = await sql<{ policy: string; action: string }>`
        select d.policy, d.action from audits a join decisions d using (decision_id) where a.audit_id = ${disputedAuditId}`.execute(
        database.db,
      )
      const settled = await call('arb', 'POST', `/v1/disputes/${disputeId}/settlement`, {
        resolution: 'overturned',
        policy: decision.rows[0]!.policy,
        action: decision.rows[0]!.action,
        comment: 'the moderator was right',
      })
      expect(settled.status).toBe(201)
      expect(settled.json.state).toBe('overturned')
      expect(settled.json.outcome).toBe('correct')
      expect(
        (
          await call('arb', 'POST', `/v1/disputes/${disputeId}/settlement`, {
            resolution: 'upheld',
          })
        ).status,
      ).toBe(409)
      const final = await database.db
        .selectFrom('finalVerdicts')
        .selectAll()
        .where('qaAuditId', '=', disputedAuditId)
        .executeTakeFirstOrThrow()
      expect(final.kind).toBe('arbitration')
      expect(final.outcome).toBe('correct')
      expect(final.disputed).toBe(true)
      expect(final.overturned).toBe(true)
      // The disputed audit is still there, unchanged: history is append-only.
      const original = await database.db
        .selectFrom('audits')
        .select(['outcome'])
        .where('auditId', '=', disputedAuditId)
        .executeTakeFirstOrThrow()
      expect(original.outcome).not.toBe('correct')
      await expect(
        sql`update audits set outcome = 'correct' where audit_id = ${disputedAuditId}`.execute(
          database.db,
        ),
      ).rejects.toThrow(/append-only/)
      await expect(sql`delete from disputes`.execute(database.db)).rejects.toThrow(/append-only/)
    })

    it('shows a moderator their own feedback with verdicts, comments and dispute state — and nobody else’s', async () => {
      const mine = await call(moderator, 'GET', '/v1/feedback')
      expect(mine.status).toBe(200)
      const items = mine.json.items as {
        decisionId: string
        verdict: { comment: string | null }
        dispute: { state: string }
      }[]
      expect(items.length).toBeGreaterThan(0)
      const { rows } = await sql<{
        decisionId: string
      }>`select decision_id from decisions where actor_id = ${moderator}`.execute(get().database.db)
      const own = new Set(rows.map((r) => r.decisionId))
      expect(items.every((i) => own.has(i.decisionId))).toBe(true)
      expect(items.some((i) => i.dispute.state === 'overturned')).toBe(true)
      expect(items.some((i) => i.verdict.comment !== null)).toBe(true)
      const other = moderator === 'mod-1' ? 'mod-2' : 'mod-1'
      const peek = await call(moderator, 'GET', `/v1/feedback?moderatorId=${other}`)
      expect(peek.status).toBe(403)
      expect(peek.text).not.toContain('decisionId')
      const lead = await call('lead', 'GET', `/v1/feedback?moderatorId=${other}`)
      expect(lead.status).toBe(200)
      expect((await call('aud-2', 'GET', '/v1/feedback')).status).toBe(403)
    })

    it('brings imported audits into the same model: final verdicts, feedback and disputes', async () => {
      const { database } = get()
      await sql`insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, outcome, taxonomy_version, source, comment)
        values ('imported-1', 'late-1', 'vendor-qa', ${now}, 'spam', 'remove', 'wrong_policy', 1, 'import', 'from the vendor')`.execute(
        database.db,
      )
      const actor = await database.db
        .selectFrom('decisions')
        .select('actorId')
        .where('decisionId', '=', 'late-1')
        .executeTakeFirstOrThrow()
      const final = await database.db
        .selectFrom('finalVerdicts')
        .selectAll()
        .where('decisionId', '=', 'late-1')
        .executeTakeFirst()
      expect(final?.auditId === 'imported-1' || final?.source === 'workflow').toBe(true)
      if (!headers[actor.actorId]) await user(actor.actorId, ['moderator'])
      const feedback = await call(actor.actorId, 'GET', '/v1/feedback')
      expect(
        (feedback.json.items as { decisionId: string }[]).some((i) => i.decisionId === 'late-1'),
      ).toBe(true)
    })
  })
})
