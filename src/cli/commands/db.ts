import type { Command } from 'commander'
import { openDatabase } from '../../store/db.js'
import { addStoreOptions, configFrom, type StoreFlags } from '../shared.js'

export function registerDb(program: Command): void {
  const db = program.command('db').description('database maintenance')
  addStoreOptions(
    db.command('migrate').description('migrate the store to the latest schema'),
  ).action(async (flags: StoreFlags) => {
    const config = configFrom(flags)
    const database = await openDatabase(
      config.store.kind === 'embedded'
        ? { kind: 'embedded', dataDir: config.store.dataDir }
        : { kind: 'postgres', url: config.store.url },
    )
    try {
      const { error, results = [] } = await database.migrate()
      for (const r of results)
        console.log(`${r.status.padEnd(8)} ${r.direction.padEnd(5)} ${r.migrationName}`)
      if (results.length === 0) console.log(`${database.location} is up to date`)
      if (error !== undefined) throw error
    } finally {
      await database.destroy()
    }
  })
}
