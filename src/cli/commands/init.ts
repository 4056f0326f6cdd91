import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { initStore } from '../../engine/setup/init-store.js'
import { addStoreOptions, withContext, type StoreFlags } from '../shared.js'

export function registerInit(program: Command): void {
  addStoreOptions(
    program
      .command('init')
      .description('create a store (embedded by default) and write the taxonomy into it')
      .option('--taxonomy <file>', 'taxonomy YAML to use instead of the default one'),
  ).action(async (flags: StoreFlags & { taxonomy?: string }) => {
    const taxonomyYaml =
      flags.taxonomy === undefined
        ? undefined
        : { text: readFileSync(flags.taxonomy, 'utf8'), source: flags.taxonomy }
    await withContext(flags, async (ctx) => {
      const result = await initStore(ctx.database, taxonomyYaml)
      const t = result.taxonomy
      console.log(
        result.created
          ? `initialised ${ctx.database.location} with taxonomy "${t.taxonomy.name}" (store version ${t.version}: ${t.taxonomy.policies.length} policies, ${t.taxonomy.actions.length} actions)`
          : `${ctx.database.location} is already initialised (taxonomy version ${t.version}); nothing changed`,
      )
    })
  })
}
