/**
 * `assay audit …`: an auditor's work from the terminal (`--as USER`), blind like the API — `next`
 * never prints the original decision; `submit` prints it with the outcome.
 */
import type { Command } from 'commander'
import { parseInput, verdictSchema } from '../../domain/audit/verdict.js'
import { assignOpenTasks, setAuditorProfile } from '../../engine/audits/assign-tasks.js'
import { secondQaAgreement } from '../../engine/audits/feedback.js'
import { actingAs } from '../../engine/audits/principal.js'
import { leaseNextTask, listMyTasks, submitVerdict } from '../../engine/audits/work-tasks.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { printTable } from './sample.js'
import { cliActor } from './user.js'

interface AsFlags extends StoreFlags {
  as: string
  json?: boolean
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('audit tasks: lease the next one (blind), submit a verdict, assign, profiles')

  addStoreOptions(
    audit
      .command('next')
      .description('lease your next task (blind)')
      .requiredOption('--as <user>', 'the auditor')
      .option('--json', 'print JSON'),
  ).action(async (flags: AsFlags) => {
    await withContext(flags, async (ctx) => {
      const principal = await actingAs(ctx.database, flags.as, 'tasks:work')
      const task = await leaseNextTask(ctx.database, principal)
      if (flags.json) return printJson({ task: task ?? null })
      if (task === undefined) return console.log('no task for you right now')
      console.log(`task ${task.taskId} (${task.kind}), leased until ${task.leaseExpiresAt}`)
      const item = task.item
      printTable(
        ['field', 'value'],
        [
          ['content', item.contentId],
          ['type', item.contentType],
          ['language', item.language],
          ['region', item.region],
          ['queue', item.queue],
          ['decided at', item.decidedAt],
          ...Object.entries(item.attributes).map(([k, v]) => [k, v]),
        ],
      )
      console.log(
        `submit with: assay audit submit ${task.taskId} --as ${flags.as} --policy CODE --action CODE`,
      )
    })
  })

  addStoreOptions(
    audit
      .command('submit <taskId>')
      .description('submit your verdict; prints the original decision and the derived outcome')
      .requiredOption('--as <user>', 'the auditor')
      .requiredOption('--policy <code>', 'the correct policy (none for no violation)')
      .requiredOption('--action <code>', 'the correct action')
      .option('--severity <level>', 'critical, major or minor (kept when the verdict is an error)')
      .option('--root-cause <code>', 'root cause code (kept when the verdict is an error)')
      .option('--answer <code=value>', 'a rubric answer (repeatable)', collect)
      .option('--comment <text>', 'free comment for the moderator')
      .option('--json', 'print JSON'),
  ).action(
    async (
      taskId: string,
      flags: AsFlags & {
        policy: string
        action: string
        severity?: string
        rootCause?: string
        answer?: string[]
        comment?: string
      },
    ) => {
      const answers = Object.fromEntries(
        (flags.answer ?? []).map((a) => {
          const [key, ...rest] = a.split('=')
          return [key ?? '', rest.join('=')]
        }),
      )
      const verdict = parseInput(
        verdictSchema,
        {
          policy: flags.policy,
          action: flags.action,
          severity: flags.severity,
          root_cause: flags.rootCause,
          answers,
          comment: flags.comment,
        },
        'verdict',
      )
      await withContext(flags, async (ctx) => {
        const principal = await actingAs(ctx.database, flags.as, 'tasks:work')
        const revealed = await submitVerdict(ctx.database, principal, taskId, verdict)
        if (flags.json) return printJson(revealed)
        console.log(
          `verdict ${revealed.verdict.auditId} recorded: ${revealed.outcome} (matching ${revealed.matchRule})`,
        )
        printTable(
          ['', 'policy', 'action', 'actor'],
          [
            [
              'original decision',
              revealed.original.policy,
              revealed.original.action,
              `${revealed.original.actorId} (${revealed.original.actorType})`,
            ],
            ['your verdict', revealed.verdict.policy, revealed.verdict.action, flags.as],
          ],
        )
      })
    },
  )

  addStoreOptions(
    audit
      .command('tasks')
      .description('your tasks (blind until submitted)')
      .requiredOption('--as <user>', 'the auditor')
      .option('--json', 'print JSON'),
  ).action(async (flags: AsFlags) => {
    await withContext(flags, async (ctx) => {
      const principal = await actingAs(ctx.database, flags.as, 'tasks:work')
      const tasks = await listMyTasks(ctx.database, principal)
      if (flags.json) return printJson({ tasks })
      printTable(
        ['task', 'kind', 'status', 'content', 'outcome'],
        tasks.map((t) => [
          t.taskId,
          t.kind,
          t.status,
          t.item.contentId,
          'outcome' in t ? t.outcome : null,
        ]),
      )
    })
  })

  addStoreOptions(
    audit.command('assign').description('assign open tasks to eligible auditors, balanced by load'),
  ).action(async (flags: StoreFlags) => {
    await withContext(flags, async (ctx) =>
      console.log(`assigned ${await assignOpenTasks(ctx.database)} tasks`),
    )
  })

  addStoreOptions(
    audit
      .command('profile <user>')
      .description("set an auditor's languages and site (assignment matches on them)")
      .option('--languages <tags>', 'comma-separated BCP-47 tags, e.g. en,de,pt-BR')
      .option('--site <site>', 'the auditor’s site'),
  ).action(async (user: string, flags: StoreFlags & { languages?: string; site?: string }) => {
    await withContext(flags, async (ctx) => {
      const profile = await setAuditorProfile(
        ctx.database,
        { userId: user, languages: flags.languages?.split(',') ?? null, site: flags.site ?? null },
        ctx.clock.now(),
        cliActor(),
      )
      console.log(
        `${profile.userId}: languages ${profile.languages?.join(', ') ?? 'any'}, site ${profile.site ?? 'none'}`,
      )
    })
  })

  addStoreOptions(
    audit
      .command('agreement')
      .description('agreement between first and second QA audits')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const result = await secondQaAgreement(ctx.database)
      if (flags.json) return printJson(result)
      console.log(
        result.rate === null
          ? 'no decision has a second QA audit yet'
          : `second QA agrees with the first audit on ${result.agreements} of ${result.pairs} decisions (${(result.rate * 100).toFixed(1)}%)`,
      )
    })
  })
}
