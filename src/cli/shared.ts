/** Options every command shares (--data-dir, --database-url) and the context lifecycle around a command. */
import type { Command } from 'commander'
import { parseConfig, readEnv, type Config } from '../config.js'
import { createContext, type Context } from '../context.js'

export interface StoreFlags {
  dataDir?: string
  databaseUrl?: string
}

export function addStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'embedded store folder (default ./assay-data, or ASSAY_DATA_DIR)')
    .option(
      '--database-url <url>',
      'use this PostgreSQL server instead of the embedded store (or DATABASE_URL)',
    )
}

export function configFrom(flags: StoreFlags, extra: { port?: number } = {}): Config {
  return parseConfig(readEnv(), {
    dataDir: flags.dataDir,
    databaseUrl: flags.databaseUrl,
    port: extra.port,
  })
}

/** Builds the context, runs `fn`, and always tears the context down. */
export async function withContext<T>(
  flags: StoreFlags,
  fn: (ctx: Context) => Promise<T>,
): Promise<T> {
  const ctx = await createContext(configFrom(flags), {})
  try {
    return await fn(ctx)
  } finally {
    await ctx.destroy()
  }
}

/** Prints JSON to stdout, the machine-readable output of `--json` flags. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}
