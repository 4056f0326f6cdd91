/** `assay export DIR`: a complete, versioned dump of the store. */
import type { Command } from 'commander'
import { exportStore } from '../../engine/backup/export-store.js'
import { addStoreOptions, withContext, type StoreFlags } from '../shared.js'

export function registerExport(program: Command): void {
  addStoreOptions(
    program
      .command('export')
      .description(
        'write every table as NDJSON plus manifest.json (format, migration, row counts, sha256) into a new folder',
      )
      .argument('<dir>', 'a new or empty folder'),
  ).action(async (dir: string, flags: StoreFlags) => {
    await withContext(flags, async (ctx) => {
      const manifest = await exportStore(ctx.database, dir)
      const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0)
      console.log(
        `exported ${rows.toLocaleString('en-US')} rows in ${manifest.tables.length} tables from ${ctx.database.location} to ${dir}`,
      )
    })
  })
}
