/** `assay log verify | list`: the tamper-evident trail. */
import type { Command } from 'commander'
import { ValidationError } from '../../domain/errors.js'
import { listEvents } from '../../engine/trail/list-events.js'
import { verifyTrail } from '../../engine/trail/verify-trail.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'

export function registerLog(program: Command): void {
  const log = program
    .command('log')
    .description('the trail: an append-only, hash-chained log of changes')

  addStoreOptions(
    log
      .command('verify')
      .description('check the hash chain; exits 1 at the first edited, removed or reordered entry')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const result = await verifyTrail(ctx.database)
      if (flags.json) printJson(result)
      else if (result.ok) {
        console.log(
          `ok: ${result.entries} entries${result.head ? `, head ${result.head.seq} ${result.head.hash}` : ''}`,
        )
      } else {
        const before = `${result.entries} ${result.entries === 1 ? 'entry' : 'entries'}`
        console.error(`broken: ${result.firstBreak?.message} (${before} before it verified)`)
      }
      if (!result.ok) process.exitCode = 1
    })
  })

  addStoreOptions(
    log
      .command('list')
      .description('the newest entries, oldest first')
      .option('--limit <n>', 'how many (default 50)', '50')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { limit: string; json?: boolean }) => {
    const limit = Number(flags.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
      throw new ValidationError('invalid --limit', [
        {
          path: '--limit',
          message: `must be a whole number from 1 to 100000 (got ${flags.limit})`,
        },
      ])
    }
    await withContext(flags, async (ctx) => {
      const events = await listEvents(ctx.database, limit)
      if (flags.json) return printJson(events)
      for (const e of events) {
        console.log(
          `${String(e.seq).padStart(6)}  ${new Date(e.at).toISOString()}  ${e.actor.padEnd(20)}  ${e.action.padEnd(18)}  ${e.subjectType}:${e.subjectId}`,
        )
      }
    })
  })
}
