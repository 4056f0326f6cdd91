import type { Command } from 'commander'
import { getStatus } from '../../engine/status/get-status.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'

export function registerStatus(program: Command): void {
  addStoreOptions(
    program
      .command('status')
      .description('counts of decisions, audits and ratings, date range, and which store is in use')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const status = await getStatus(ctx.database)
      if (flags.json) return printJson(status)
      const n = (v: number) => v.toLocaleString('en-US')
      console.log(`store      ${status.store.location}`)
      console.log(
        `taxonomy   ${status.taxonomyVersion === null ? 'none (run assay init)' : `version ${status.taxonomyVersion}`}`,
      )
      console.log(
        `decisions  ${n(status.decisions)}${status.decisionRange ? `  (${status.decisionRange.from} → ${status.decisionRange.to})` : ''}`,
      )
      console.log(
        `audits     ${n(status.audits)}${status.auditRange ? `  (${status.auditRange.from} → ${status.auditRange.to})` : ''}`,
      )
      console.log(`ratings    ${n(status.ratings)}`)
    })
  })
}
