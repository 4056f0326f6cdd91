/** Creates an empty migration file and lists it in src/store/migrations/index.ts. */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const name = process.argv[2]
if (name === undefined || !/^[a-z]+(-[a-z0-9]+)+$/.test(name)) {
  console.error('usage: npm run migration:create -- verb-noun   (kebab-case, e.g. add-disputes)')
  process.exitCode = 2
} else {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '')
  const id = `${stamp}-${name}`
  const dir = join(import.meta.dirname, '..', 'src', 'store', 'migrations')
  writeFileSync(
    join(dir, `${id}.ts`),
    `import { sql, type Kysely } from 'kysely'\n\n// eslint-disable-next-line @typescript-eslint/no-explicit-any\nexport async function up(db: Kysely<any>): Promise<void> {\n  await sql\`\`.execute(db)\n}\n\n// eslint-disable-next-line @typescript-eslint/no-explicit-any\nexport async function down(db: Kysely<any>): Promise<void> {\n  await sql\`\`.execute(db)\n}\n`,
  )
  const indexPath = join(dir, 'index.ts')
  const variable = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
  const index = readFileSync(indexPath, 'utf8')
    .replace(/(\nexport const MIGRATIONS)/, `import * as ${variable} from './${id}.js'\n$1`)
    .replace(/\n}\n$/, `\n  '${id}': ${variable},\n}\n`)
  writeFileSync(indexPath, index)
  console.log(`created src/store/migrations/${id}.ts`)
}
