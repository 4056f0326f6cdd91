/** `assay feedback --as MODERATOR`: your audited decisions, verdicts, comments and dispute states. */
import type { Command } from 'commander'
import { readFeedback } from '../../engine/audits/feedback.js'
import { actingAs } from '../../engine/audits/principal.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { printTable } from './sample.js'

export function registerFeedback(program: Command): void {
  addStoreOptions(
    program
      .command('feedback')
      .description('your audited decisions with verdicts, comments and dispute states')
      .requiredOption('--as <user>', 'the moderator (or a quality lead with --moderator)')
      .option('--moderator <id>', "another moderator's feedback (needs feedback:read-all)")
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { as: string; moderator?: string; json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const principal = await actingAs(
        ctx.database,
        flags.as,
        flags.moderator === undefined ? 'feedback:read-own' : 'feedback:read-all',
      )
      const feedback = await readFeedback(ctx.database, principal, flags.moderator)
      if (flags.json) return printJson(feedback)
      console.log(
        `feedback for ${feedback.moderatorId}: ${feedback.items.length} audited decisions`,
      )
      printTable(
        ['decision', 'yours', 'verdict', 'outcome', 'severity', 'comment', 'audit', 'dispute'],
        feedback.items.map((i) => [
          i.decisionId,
          `${i.yourDecision.policy}/${i.yourDecision.action}`,
          `${i.verdict.policy}/${i.verdict.action}`,
          i.verdict.outcome,
          i.verdict.severity,
          i.verdict.comment,
          i.qaAuditId,
          i.dispute.state === 'none' && i.dispute.windowClosesAt !== null
            ? `open until ${i.dispute.windowClosesAt.slice(0, 10)}`
            : i.dispute.state,
        ]),
      )
    })
  })
}
