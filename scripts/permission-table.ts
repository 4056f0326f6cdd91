/** Rewrites the route × role table in SECURITY.md from the app's route list (`npm run docs:permissions`). */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { parseConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { createApp } from '../src/server/app.js'
import { permissionTable, withPermissionTable } from '../src/server/permission-table.js'
import { openDatabase } from '../src/store/db.js'

const database = await openDatabase({ kind: 'embedded', dataDir: null })
const ctx = await createContext(parseConfig({}), { database, logger: pino({ level: 'silent' }) })
try {
  const path = join(import.meta.dirname, '..', 'SECURITY.md')
  const table = permissionTable(createApp(ctx, { responseCache: null }).routes)
  writeFileSync(path, withPermissionTable(readFileSync(path, 'utf8'), table))
  console.log(`SECURITY.md: ${table.split('\n').length - 2} routes`)
} finally {
  await ctx.destroy()
  await database.destroy()
}
