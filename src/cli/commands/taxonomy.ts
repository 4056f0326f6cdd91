import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { stringify } from 'yaml'
import { replaceTaxonomy } from '../../engine/setup/init-store.js'
import { getCurrentTaxonomy } from '../../store/taxonomy-store.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { cliActor } from './user.js'

export function registerTaxonomy(program: Command): void {
  const taxonomy = program.command('taxonomy').description('show or replace the taxonomy')
  addStoreOptions(
    taxonomy
      .command('show')
      .description('print the current taxonomy as YAML')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const current = await getCurrentTaxonomy(ctx.database.db)
      if (flags.json) printJson({ storeVersion: current.version, ...current.taxonomy })
      else
        process.stdout.write(`# store version ${current.version}\n${stringify(current.taxonomy)}`)
    })
  })
  addStoreOptions(
    taxonomy.command('set <file>').description('store FILE as the new taxonomy version'),
  ).action(async (file: string, flags: StoreFlags) => {
    await withContext(flags, async (ctx) => {
      const stored = await replaceTaxonomy(
        ctx.database,
        readFileSync(file, 'utf8'),
        file,
        cliActor(),
      )
      console.log(`taxonomy "${stored.taxonomy.name}" stored as version ${stored.version}`)
    })
  })
}
