/** `assay token create | revoke | list`: API tokens from the command line. */
import type { Command } from 'commander'
import { parseDuration } from '../../engine/access/parse-duration.js'
import { createToken, listApiTokens, revokeApiToken } from '../../engine/access/tokens.js'
import { addStoreOptions, printJson, withContext, type StoreFlags } from '../shared.js'
import { cliActor } from './user.js'

const collect = (value: string, previous: string[] = []) => [...previous, value]

export function registerToken(program: Command): void {
  const token = program
    .command('token')
    .description('API tokens: create (shown once), revoke, list')

  addStoreOptions(
    token
      .command('create')
      .description('create an API token; it is printed once and stored only as a hash')
      .requiredOption('--user <user>', 'the user the token acts as')
      .option('--name <name>', 'what the token is for')
      .option('--expires <duration>', 'lifetime such as 30d, 12h, 2w (default: no expiry)')
      .option(
        '--permission <permission>',
        "limit the token to this permission (repeatable; default: all of the user's)",
        collect,
      )
      .option('--json', 'print JSON'),
  ).action(
    async (
      flags: StoreFlags & {
        user: string
        name?: string
        expires?: string
        permission?: string[]
        json?: boolean
      },
    ) => {
      await withContext(flags, async (ctx) => {
        const expiresAt =
          flags.expires === undefined
            ? null
            : new Date(ctx.clock.now().getTime() + parseDuration(flags.expires, '--expires'))
        const created = await createToken(
          ctx.database,
          {
            userId: flags.user,
            name: flags.name,
            expiresAt,
            permissions: flags.permission ?? null,
          },
          { actor: cliActor() },
        )
        if (flags.json) return printJson(created)
        console.log(created.token)
        console.error(
          `token ${created.tokenId} for ${flags.user}${created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : ''}` +
            `${created.permissions ? `, permissions ${created.permissions.join(', ')}` : ''}. It is shown only now: store it safely.`,
        )
      })
    },
  )

  addStoreOptions(
    token.command('revoke').description('revoke a token at once').argument('<token-id>'),
  ).action(async (tokenId: string, flags: StoreFlags) => {
    await withContext(flags, async (ctx) => {
      await revokeApiToken(ctx.database, tokenId, { actor: cliActor(), now: ctx.clock.now() })
      console.log(`revoked ${tokenId}`)
    })
  })

  addStoreOptions(
    token
      .command('list')
      .description("a user's tokens (never their secrets), with when each was last used")
      .requiredOption('--user <user>')
      .option('--json', 'print JSON'),
  ).action(async (flags: StoreFlags & { user: string; json?: boolean }) => {
    await withContext(flags, async (ctx) => {
      const tokens = await listApiTokens(ctx.database, flags.user)
      if (flags.json) return printJson(tokens)
      if (tokens.length === 0) return console.log(`${flags.user} has no tokens`)
      const now = ctx.clock.now().getTime()
      for (const t of tokens) {
        const state = t.revokedAt
          ? 'revoked'
          : t.expiresAt && new Date(t.expiresAt).getTime() <= now
            ? 'expired'
            : 'active'
        const expires = t.expiresAt ? `expires ${new Date(t.expiresAt).toISOString()}` : 'no expiry'
        // To the minute: the server writes a token's last use at most once a minute.
        const used = t.lastUsedAt
          ? `last used ${new Date(t.lastUsedAt).toISOString().slice(0, 16)}Z`
          : 'never used'
        console.log(
          `${t.tokenId}  ${state.padEnd(7)}  ${t.name}  (${used}; ${expires}; ${t.permissions ? t.permissions.join(',') : 'all permissions'})`,
        )
      }
    })
  })
}
