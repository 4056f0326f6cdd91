import type { Command } from 'commander'
import { createContext } from '../../context.js'
import { NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors.js'
import { randomBytes } from 'node:crypto'
import { createToken, createUser } from '../../engine/access/tokens.js'
import { setPassword } from '../../engine/access/users.js'
import { findUser } from '../../store/user-store.js'
import { runDemo } from '../../engine/demo/run-demo.js'
import { initStore } from '../../engine/setup/init-store.js'
import { getStatus } from '../../engine/status/get-status.js'
import type { Database } from '../../store/db.js'
import { addStoreOptions, configFrom, type StoreFlags } from '../shared.js'
import { createDemoProgress, parseCount, printDemoSummary } from './demo.js'
import { parsePort, serveUntilStopped } from './serve.js'

interface StartFlags extends StoreFlags {
  port?: string
  host?: string
  decisions: string
}

/** Size of the demo `npm start` creates on an empty store: well under a minute on PGlite. */
export const START_DEMO_DECISIONS = 200_000

const TOKEN_HOURS = 24

/**
 * `assay start` (what `npm start` runs): an empty store gets the demo organisation; then a fresh
 * 24-hour API token for `admin` is printed with a curl line, and the API is served.
 */
export function registerStart(program: Command): void {
  addStoreOptions(
    program
      .command('start')
      .description(
        'the main job: create the demo organisation if the store is empty, print an admin API token, and serve',
      )
      .option('--port <port>', 'port to listen on (default 8080, or ASSAY_PORT)')
      .option('--host <host>', 'interface to listen on (default 127.0.0.1, or ASSAY_HOST)')
      .option(
        '--decisions <n>',
        'size of the demo created on an empty store',
        String(START_DEMO_DECISIONS),
      ),
  ).action(async (flags: StartFlags) => {
    const issues: FieldIssue[] = []
    const decisions = parseCount('--decisions', flags.decisions, 1, 100_000_000, issues)
    if (issues.length > 0) throw new ValidationError('invalid start options', issues)
    const config = configFrom(flags, { port: parsePort(flags.port) })
    const host = flags.host ?? config.host
    const ctx = await createContext(config)
    try {
      await initStore(ctx.database)
      const status = await getStatus(ctx.database)
      let createdDemo = false
      if (status.decisions === 0) {
        console.log(
          `${ctx.database.location} has no decisions: creating the demo organisation (${decisions.toLocaleString('en-US')} decisions)…`,
        )
        const progress = createDemoProgress()
        try {
          printDemoSummary(
            await runDemo(ctx.database, {
              decisions,
              force: true,
              onProgress: progress.onProgress,
            }),
          )
        } finally {
          progress.stop()
        }
        createdDemo = true
      } else {
        const n = (v: number) => v.toLocaleString('en-US')
        console.log(
          `${ctx.database.location}: ${n(status.decisions)} decisions, ${n(status.audits)} audits`,
        )
      }
      const expiresAt = new Date(ctx.clock.now().getTime() + TOKEN_HOURS * 3_600_000)
      // An admin user is created on the embedded store (the demo's home) but never on a server store.
      const token = await createAdminToken(
        ctx.database,
        expiresAt,
        createdDemo || ctx.database.kind === 'embedded',
      )
      if (token === undefined) {
        console.log(
          'this store has no user "admin", so no API token was printed; create users and tokens with the admin commands',
        )
      } else {
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
        console.log(
          `API token for admin (valid ${TOKEN_HOURS} h, until ${expiresAt.toISOString()}):`,
        )
        console.log(`  ${token}`)
        console.log('try it:')
        console.log(`  curl -H "Authorization: Bearer ${token}" ${url}/v1/status`)
        const password = await resetDemoPasswords(ctx.database)
        if (password !== undefined) {
          console.log(
            `web app: ${url}/ — sign in as lead (quality lead), admin, auditor-1, arbitrator-1`,
          )
          console.log(
            `  or a moderator such as mod-0001, with this run's demo password: ${password}`,
          )
        }
      }
      await serveUntilStopped(ctx, host, config.port)
    } finally {
      await ctx.destroy()
    }
  })
}

const DEMO_SIGN_IN_USERS = [
  'lead',
  'admin',
  'auditor-1',
  'auditor-2',
  'auditor-3',
  'arbitrator-1',
  'mod-0001',
  'mod-0002',
  'mod-0003',
]

/**
 * Gives the demo users who exist a fresh random password for this run, so a person can sign in to the
 * web app; returns it, or undefined when none of them exists (a store that is not a demo).
 */
async function resetDemoPasswords(database: Database): Promise<string | undefined> {
  const password = randomBytes(12).toString('base64url')
  let any = false
  for (const userId of DEMO_SIGN_IN_USERS) {
    if ((await findUser(database.db, userId)) === undefined) continue
    await setPassword(database, userId, password, 'start')
    any = true
  }
  return any ? password : undefined
}

/** A fresh token for `admin`, creating the user first when allowed; undefined when there is none. */
async function createAdminToken(
  database: Database,
  expiresAt: Date,
  mayCreateUser: boolean,
): Promise<string | undefined> {
  const mint = async () =>
    (await createToken(database, { userId: 'admin', name: 'assay start', expiresAt })).token
  try {
    return await mint()
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
  }
  if (!mayCreateUser) return undefined
  await createUser(
    database,
    { userId: 'admin', displayName: 'Demo administrator', roles: ['admin'] },
    'start',
  )
  return mint()
}
