/** `assay import DIR`: restores an export into an empty store. */
import type { Command } from 'commander'
import { importStore } from '../../engine/backup/import-store.js'
import { addStoreOptions, withContext, type StoreFlags } from '../shared.js'

export function registerImport(program: Command): void {
  addStoreOptions(
    program
      .command('import')
      .description(
        'restore an export folder into an empty store (a new --data-dir, or an empty PostgreSQL database)',
      )
      .argument('<dir>', 'a folder written by assay export'),
  ).action(async (dir: string, flags: StoreFlags) => {
    await withContext(flags, async (ctx) => {
      const result = await importStore(ctx.database, dir)
      const rows = result.tables.reduce((sum, t) => sum + t.rows, 0)
      console.log(
        `imported ${rows.toLocaleString('en-US')} rows in ${result.tables.length} tables into ${ctx.database.location}`,
      )
    })
  })
}
