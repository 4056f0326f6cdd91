/**
 * The whole QA workflow through the CLI commands, on both stores (an embedded store in a temp
 * folder, and a throwaway PostgreSQL database): plan, dry run, draw, blind review, second QA,
 * dispute, arbitration, final verdict, feedback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { registerAudit } from '../../src/cli/commands/audit.js'
import { registerDispute } from '../../src/cli/commands/dispute.js'
import { registerFeedback } from '../../src/cli/commands/feedback.js'
import { registerPlan } from '../../src/cli/commands/plan.js'
import { registerSample } from '../../src/cli/commands/sample.js'
import { createUser } from '../../src/engine/access/tokens.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { openDatabase, type Database } from '../../src/store/db.js'
import { BACKENDS, createThrowawayPostgres } from '../helpers/db.js'
import { seedDecisions } from './fixtures.js'

const PLAN = `name: cli-qa
period: week
strata: [region]
allocation: { method: fixed_count, count: 1 }
second_qa_share: 0.5
`

/** Runs one `assay …` command in-process and returns what it printed. */
async function assay(store: string[], ...args: string[]): Promise<string> {
  const program = new Command('assay').exitOverride()
  for (const register of [
    registerSample,
    registerPlan,
    registerAudit,
    registerDispute,
    registerFeedback,
  ])
    register(program)
  let output = ''
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    output += `${parts.join(' ')}\n`
  })
  const write = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      output += String(chunk)
      return true
    })
  try {
    const needsStore = !(args[0] === 'plan' && args[1] === 'size')
    await program.parseAsync(['node', 'assay', ...args, ...(needsStore ? store : [])])
  } finally {
    log.mockRestore()
    write.mockRestore()
  }
  return output
}

for (const backend of BACKENDS) {
  describe(`QA workflow over the CLI [${backend}]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-cli-'))
    const planFile = join(dir, 'plan.yaml')
    let store: string[] = []
    let drop: (() => Promise<void>) | undefined

    async function withStore<T>(fn: (database: Database) => Promise<T>): Promise<T> {
      const database = await openDatabase(
        store[0] === '--data-dir'
          ? { kind: 'embedded', dataDir: store[1]! }
          : { kind: 'postgres', url: store[1]! },
      )
      try {
        return await fn(database)
      } finally {
        await database.destroy()
      }
    }

    beforeAll(async () => {
      if (backend === 'embedded') store = ['--data-dir', join(dir, 'data')]
      else {
        const pg = await createThrowawayPostgres('workflow_cli')
        store = ['--database-url', pg.url]
        drop = pg.drop
      }
      writeFileSync(planFile, PLAN)
      await withStore(async (database) => {
        await database.migrateOrThrow()
        await initStore(database)
        await seedDecisions(database, { count: 60, start: '2026-03-02T00:00:00Z', moderators: 3 })
        for (const [userId, roles] of [
          ['lead', ['quality_lead']],
          ['aud-1', ['auditor', 'arbitrator']],
          ['aud-2', ['auditor']],
          ['arb', ['arbitrator']],
          ['mod-0', ['moderator']],
          ['mod-1', ['moderator']],
          ['mod-2', ['moderator']],
        ] as const) {
          await createUser(database, { userId, roles: [...roles] })
        }
      })
    })

    afterAll(async () => {
      await drop?.()
      rmSync(dir, { recursive: true, force: true })
    })

    it('answers how many audits a margin needs', async () => {
      expect(await assay(store, 'plan', 'size', '--margin', '0.02')).toMatch(
        /^2401 audits give a margin of ±2\.00% at 95% confidence/,
      )
      const finite = JSON.parse(
        await assay(store, 'plan', 'size', '--margin', '0.05', '--population', '1000', '--json'),
      ) as { sampleSize: number }
      expect(finite.sampleSize).toBe(278)
    })

    it('plans a dry run as a table, then draws', async () => {
      const dry = await assay(store, 'sample', planFile, '--period', '2026-W10', '--dry-run')
      expect(dry).toMatch(/dry run, nothing drawn/)
      expect(dry).toMatch(/stratum\s+volume\s+sample\s+rate\s+margin \(95%\)\s+drawn/)
      expect(dry).toMatch(/^EU\s+20\s+1\s/m)
      const drawn = JSON.parse(
        await assay(store, 'sample', planFile, '--period', '2026-W10', '--json'),
      ) as { result: { sampled: number; tasksAssigned: number } }
      expect(drawn.result.sampled).toBe(3)
      expect(drawn.result.tasksAssigned).toBe(3)
      expect(await assay(store, 'plan', 'list')).toMatch(/cli-qa\s+1\s+week\s+fixed_count\s+region/)
    })

    it(
      'works every task blind, reveals after submission and queues second QA audits',
      { timeout: 120_000 },
      async () => {
        const originals = await withStore(
          async (database) =>
            new Map(
              (
                await database.db
                  .selectFrom('auditTasks')
                  .innerJoin('decisions', 'decisions.decisionId', 'auditTasks.decisionId')
                  .select(['taskId', 'auditTasks.decisionId', 'policy', 'action', 'actorId'])
                  .execute()
              ).map((r) => [r.taskId, r]),
            ),
        )
        let submitted = 0
        for (let progress = true; progress;) {
          progress = false
          for (const auditor of ['aud-1', 'aud-2']) {
            for (;;) {
              const text = await assay(store, 'audit', 'next', '--as', auditor, '--json')
              const task = (JSON.parse(text) as { task: { taskId: string } | null }).task
              if (task === null) break
              const human = await assay(store, 'audit', 'next', '--as', auditor)
              const original =
                originals.get(task.taskId) ??
                (await withStore(async (database) =>
                  database.db
                    .selectFrom('auditTasks')
                    .innerJoin('decisions', 'decisions.decisionId', 'auditTasks.decisionId')
                    .select(['taskId', 'auditTasks.decisionId', 'policy', 'action', 'actorId'])
                    .where('taskId', '=', task.taskId)
                    .executeTakeFirstOrThrow(),
                ))
              for (const output of [text, human]) {
                expect(output).not.toContain(original.actorId)
                expect(output).not.toContain(`"${original.policy}"`)
                expect(output).not.toContain(`"${original.action}"`)
                expect(output).not.toContain(original.decisionId + '"')
              }
              const agree = submitted % 2 === 0
              const args = agree
                ? ['--policy', original.policy, '--action', original.action]
                : [
                    '--policy',
                    'spam',
                    '--action',
                    'remove',
                    '--severity',
                    'minor',
                    '--comment',
                    'spam, not a violation of the claimed policy',
                  ]
              const result = await assay(
                store,
                'audit',
                'submit',
                task.taskId,
                '--as',
                auditor,
                ...args,
                '--answer',
                'context_checked=yes',
              )
              expect(result).toMatch(
                /verdict aud_\S+ recorded: (correct|false_positive|false_negative|wrong_policy|wrong_action)/,
              )
              expect(result).toContain(original.actorId) // revealed after submission
              submitted += 1
              progress = true
            }
          }
        }
        const counts = await withStore(async (database) =>
          database.db
            .selectFrom('audits')
            .select(['kind'])
            .where('source', '=', 'workflow')
            .execute(),
        )
        expect(counts.filter((c) => c.kind === 'qa').length).toBe(3)
        expect(counts.length).toBe(submitted)
        expect(await assay(store, 'audit', 'agreement')).toMatch(
          /second QA agrees|no decision has a second QA/,
        )
      },
    )

    it('disputes, arbitrates and shows the final verdict in feedback', async () => {
      const target = await withStore(async (database) =>
        database.db
          .selectFrom('audits')
          .innerJoin('decisions', 'decisions.decisionId', 'audits.decisionId')
          .select([
            'auditId',
            'actorId',
            'auditorId',
            'decisions.policy',
            'decisions.action',
            'audits.policy as verdictPolicy',
            'audits.action as verdictAction',
            'actorType',
          ])
          .where('kind', '=', 'qa')
          .where('actorType', '=', 'human')
          .orderBy('auditId')
          .executeTakeFirstOrThrow(),
      )
      const moderator = target.actorId
      const feedback = JSON.parse(await assay(store, 'feedback', '--as', moderator, '--json')) as {
        items: { qaAuditId: string }[]
      }
      expect(feedback.items.map((i) => i.qaAuditId)).toContain(target.auditId)
      const other = ['mod-0', 'mod-1', 'mod-2'].find((m) => m !== moderator)!
      await expect(
        assay(store, 'feedback', '--as', other, '--moderator', moderator),
      ).rejects.toThrow(/feedback:read-all/)
      await expect(
        assay(store, 'dispute', 'file', target.auditId, '--as', other, '--reason', 'not mine'),
      ).rejects.toThrow(/no audit/)
      const filed = JSON.parse(
        await assay(
          store,
          'dispute',
          'file',
          target.auditId,
          '--as',
          moderator,
          '--reason',
          'context was missing',
          '--json',
        ),
      ) as { disputeId: string }
      expect(await assay(store, 'dispute', 'list')).toContain(filed.disputeId)
      const arbitratorIsAuditor = target.auditorId === 'aud-1'
      if (arbitratorIsAuditor)
        await expect(
          assay(store, 'dispute', 'settle', filed.disputeId, '--as', 'aud-1', '--uphold'),
        ).rejects.toThrow(/original auditor/)
      // An overturn must change the verdict: pick one that differs from the (randomly sampled) audit's.
      const overturnTo =
        target.verdictPolicy === 'misinformation' && target.verdictAction === 'label'
          ? { policy: 'spam', action: 'remove' }
          : { policy: 'misinformation', action: 'label' }
      const settle = await assay(
        store,
        'dispute',
        'settle',
        filed.disputeId,
        '--as',
        'arb',
        '--overturn',
        '--policy',
        overturnTo.policy,
        '--action',
        overturnTo.action,
        '--comment',
        'label it',
      )
      expect(settle).toMatch(/overturned; final verdict aud_\S+: /)
      const after = await assay(store, 'feedback', '--as', moderator)
      expect(after).toContain(`${overturnTo.policy}/${overturnTo.action}`)
      expect(after).toMatch(/overturned/)
      const final = await withStore(async (database) =>
        database.db
          .selectFrom('finalVerdicts')
          .selectAll()
          .where('qaAuditId', '=', target.auditId)
          .executeTakeFirstOrThrow(),
      )
      expect(final.kind).toBe('arbitration')
      // The overturn's verdict (which depends on the randomly sampled audit's), not a fixed one.
      expect(final.policy).toBe(overturnTo.policy)
      expect(final.action).toBe(overturnTo.action)
      expect(final.disputed).toBe(true)
      expect(final.overturned).toBe(true)
      const lead = JSON.parse(
        await assay(store, 'feedback', '--as', 'lead', '--moderator', moderator, '--json'),
      ) as { moderatorId: string }
      expect(lead.moderatorId).toBe(moderator)
    })
  })
}
