/** `assay user add | list | disable | password`: user administration from the command line. */
import { userInfo } from 'node:os'
import type { Command } from 'commander'
import { ValidationError } from '../../domain/errors.js'
import { createUser, disableUser, listUsers, setPassword } from '../../engine/access/users.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'

/** Who a CLI change is recorded as in the trail: `cli:<operating-system user>`. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`
  } catch {
    return 'cli'
  }
}

/** Reads a password from standard input (one line; the trailing newline is dropped). */
export async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new ValidationError(
      '--password-stdin reads the password from a pipe, e.g. `printf %s "$PW" | assay user add …`',
    )
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

export function registerUser(program: Command): void {
  const user = program.command('user').description('users: add, list, disable, set a password')

  addStoreOptions(
    user
      .command('add')
      .description('add a user with one or more roles, optionally limited to regions or sites')
      .argument('<user>', 'user id (letters, digits, _ . @ -)')
      .requiredOption(
        '--role <role>',
        'a role (repeatable): admin, quality_lead, auditor, arbitrator, moderator, viewer, ingest',
        collect,
      )
      .option('--region <region>', 'limit the user to this region (repeatable)', collect)
      .option('--site <site>', 'limit the user to this site (repeatable)', collect)
      .option('--name <name>', 'display name')
      .option('--password-stdin', 'read a sign-in password from standard input'),
  ).action(
    async (
      userId: string,
      flags: StoreFlags & {
        role: string[]
        region?: string[]
        site?: string[]
        name?: string
        passwordStdin?: boolean
      },
    ) => {
      const password = flags.passwordStdin ? await readPasswordFromStdin() : undefined
      await withContext(flags, async (ctx) => {
        const created = await createUser(
          ctx.database,
          {
            userId,
            displayName: flags.name,
            roles: flags.role,
            regions: flags.region ?? null,
            sites: flags.site ?? null,
            password,
          },
          cliActor(),
        )
        console.log(
          `added ${created.userId} (${created.roles.join(', ')})${password === undefined ? '' : ' with a password'}`,
        )
      })
    },
  )

  addStoreOptions(
    user.command('list').description('list users, roles and scopes').option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const users = await listUsers(ctx.database)
      if (flags.json) return printJson(users)
      if (users.length === 0)
        return console.log(
          'no users (add one with: assay user add USER --role admin --password-stdin)',
        )
      for (const u of users) {
        const scope = [
          u.regions ? `regions ${u.regions.join(',')}` : '',
          u.sites ? `sites ${u.sites.join(',')}` : '',
        ]
          .filter(Boolean)
          .join('; ')
        console.log(
          `${u.userId.padEnd(24)} ${u.roles.join(',').padEnd(28)} ${u.disabledAt ? 'disabled' : 'active  '} ${scope}`,
        )
      }
    })
  })

  addStoreOptions(
    user
      .command('disable')
      .description('disable a user: their tokens stop working and sessions end')
      .argument('<user>'),
  ).action(async (userId: string, flags: StoreFlags) => {
    await withContext(flags, async (ctx) => {
      await disableUser(ctx.database, userId, cliActor(), ctx.clock.now())
      console.log(`disabled ${userId}`)
    })
  })

  addStoreOptions(
    user
      .command('password')
      .description("set a user's sign-in password (ends their sessions)")
      .argument('<user>')
      .requiredOption('--password-stdin', 'read the password from standard input'),
  ).action(async (userId: string, flags: StoreFlags) => {
    const password = await readPasswordFromStdin()
    await withContext(flags, async (ctx) => {
      await setPassword(ctx.database, userId, password, cliActor())
      console.log(`password set for ${userId}`)
    })
  })
}
