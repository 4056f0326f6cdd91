/**
 * Builds everything a command or the server needs from the config: the database (migrated),
 * the logger, the clock. `destroy()` tears down in reverse order.
 */
import { pino, type Logger } from 'pino'
import type { Config } from './config.js'
import { openDatabase, type Database } from './store/db.js'

export interface Clock {
  now(): Date
}

export interface Context {
  config: Config
  database: Database
  logger: Logger
  clock: Clock
  destroy(): Promise<void>
}

export interface ContextOverrides {
  logger?: Logger
  clock?: Clock
  database?: Database
}

export async function createContext(
  config: Config,
  overrides: ContextOverrides = {},
): Promise<Context> {
  const logger = overrides.logger ?? pino({ level: config.logLevel }, pino.destination(2))
  const database =
    overrides.database ??
    (await openDatabase(
      config.store.kind === 'embedded'
        ? { kind: 'embedded', dataDir: config.store.dataDir }
        : { kind: 'postgres', url: config.store.url },
    ))
  try {
    await database.migrateOrThrow()
  } catch (error) {
    if (overrides.database === undefined) await database.destroy()
    throw error
  }
  return {
    config,
    database,
    logger,
    clock: overrides.clock ?? { now: () => new Date() },
    async destroy() {
      if (overrides.database === undefined) await database.destroy()
    },
  }
}
