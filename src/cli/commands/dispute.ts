/** `assay dispute file|list|settle`: a moderator disputes an audit; an arbitrator settles it. */
import type { Command } from 'commander'
import { disputeSchema, parseInput, settlementSchema } from '../../domain/audit/verdict.js'
import { fileDispute, listDisputes, settleDispute } from '../../engine/audits/disputes.js'
import { actingAs } from '../../engine/audits/principal.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { printTable } from './sample.js'

export function registerDispute(program: Command): void {
  const dispute = program
    .command('dispute')
    .description('disputes: file (moderator), list and settle (arbitrator)')

  addStoreOptions(
    dispute
      .command('file <auditId>')
      .description('dispute the audit of one of your decisions')
      .requiredOption('--as <user>', 'the moderator whose decision was audited')
      .requiredOption('--reason <text>', 'why the audit is wrong')
      .option('--json', 'print JSON'),
  ).action(
    async (auditId: string, flags: StoreFlags & { as: string; reason: string; json?: boolean }) => {
      const input = parseInput(
        disputeSchema,
        { audit_id: auditId, reason: flags.reason },
        'dispute',
      )
      await withContext(flags, async (ctx) => {
        const principal = await actingAs(ctx.database, flags.as, 'disputes:file')
        const filed = await fileDispute(ctx.database, principal, input)
        if (flags.json) return printJson(filed)
        console.log(
          `dispute ${filed.disputeId} filed against audit ${filed.auditId}; an arbitrator will settle it`,
        )
      })
    },
  )

  addStoreOptions(
    dispute
      .command('list')
      .description('disputes (open by default)')
      .option('--state <state>', 'open, settled or all', 'open')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { state: string; json?: boolean }) => {
    if (!['open', 'settled', 'all'].includes(flags.state))
      throw new Error('--state must be open, settled or all')
    await withContext(flags, async (ctx) => {
      const disputes = await listDisputes(ctx.database, flags.state as 'open' | 'settled' | 'all')
      if (flags.json) return printJson({ disputes })
      printTable(
        ['dispute', 'audit', 'decision', 'moderator', 'state', 'reason'],
        disputes.map((d) => [
          d.disputeId,
          d.auditId,
          d.decisionId,
          d.moderatorId,
          d.state,
          d.reason,
        ]),
      )
    })
  })

  addStoreOptions(
    dispute
      .command('settle <disputeId>')
      .description('uphold or overturn a dispute (never as the original auditor)')
      .requiredOption('--as <user>', 'the arbitrator')
      .option('--uphold', 'the audit stands')
      .option('--overturn', 'the audit was wrong: give the correct --policy and --action')
      .option('--policy <code>', 'the correct policy when overturning')
      .option('--action <code>', 'the correct action when overturning')
      .option('--severity <level>', 'severity, when the final verdict is an error')
      .option('--root-cause <code>', 'root cause, when the final verdict is an error')
      .option('--comment <text>', 'the arbitrator’s reasoning')
      .option('--json', 'print JSON'),
  ).action(
    async (
      disputeId: string,
      flags: StoreFlags & {
        as: string
        uphold?: boolean
        overturn?: boolean
        policy?: string
        action?: string
        severity?: string
        rootCause?: string
        comment?: string
        json?: boolean
      },
    ) => {
      if (Boolean(flags.uphold) === Boolean(flags.overturn))
        throw new Error('give exactly one of --uphold or --overturn')
      const input = parseInput(
        settlementSchema,
        {
          resolution: flags.uphold ? 'upheld' : 'overturned',
          policy: flags.policy,
          action: flags.action,
          severity: flags.severity,
          root_cause: flags.rootCause,
          comment: flags.comment,
        },
        'settlement',
      )
      await withContext(flags, async (ctx) => {
        const principal = await actingAs(ctx.database, flags.as, 'disputes:settle')
        const settled = await settleDispute(ctx.database, principal, disputeId, input)
        if (flags.json) return printJson(settled)
        console.log(
          `dispute ${settled.disputeId} ${settled.state}; final verdict ${settled.arbitrationAuditId}: ${settled.outcome}`,
        )
      })
    },
  )
}
