/**
 * The database wrapper: the only module that knows which Postgres is in use — embedded PGlite
 * in a data folder, or a PostgreSQL server from DATABASE_URL. Same dialect, same migrations.
 */
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import {
  CamelCasePlugin,
  Kysely,
  Migrator,
  PostgresDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type MigrationResultSet,
} from 'kysely'
import pg from 'pg'
import copyStreams from 'pg-copy-streams'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { AppError } from '../domain/errors.js'
import { MIGRATIONS } from './migrations/index.js'
import { PGliteDialect, SessionLock } from './pglite-dialect.js'
import type { Schema } from './schema/index.js'
import { translateConnectionError, translateDatabaseError } from './translate-error.js'

export type StoreOptions =
  | { kind: 'embedded'; dataDir: string | null }
  | { kind: 'postgres'; url: string; poolSize?: number }

/** A connection held exclusively, for work Kysely does not express (COPY, multi-statement SQL). */
export interface RawConnection {
  query<R = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>
  /** Bulk-loads rows in PostgreSQL COPY text format into `table (columns)`; returns the rows copied. */
  copyFrom(table: string, columns: readonly string[], data: string | Buffer): Promise<number>
  /** Runs `copy (query) to stdout` (text format) and returns the whole output. */
  copyTo(query: string): Promise<Buffer>
  /**
   * Runs `copy (query) to stdout` (text format) and passes the output to `onChunk` as it arrives
   * (PostgreSQL: chunks of tens of kilobytes that end anywhere, even inside a character; PGlite:
   * all of it at once). When `onChunk` throws, it is not called again, the rest of the output is
   * read (so the connection stays usable) and the error is rethrown. Both stores implement it;
   * optional for test doubles, whose callers use copyTo instead.
   */
  copyToChunks?(query: string, onChunk: (chunk: Buffer) => void): Promise<void>
}

export interface Database {
  readonly kind: 'embedded' | 'postgres'
  /** Where the data is, for people: "embedded PGlite at /x/assay-data" or "PostgreSQL at host:5432/db". */
  readonly location: string
  readonly db: Kysely<Schema>
  transaction<T>(fn: (trx: Kysely<Schema>) => Promise<T>): Promise<T>
  /** Runs `fn` on one exclusive connection (a pooled client, or the PGlite session). */
  withConnection<T>(fn: (connection: RawConnection) => Promise<T>): Promise<T>
  /** Migrates to the latest version; never throws (returns per-migration results). */
  migrate(): Promise<MigrationResultSet>
  /** Migrates to the latest version; throws when any migration fails. */
  migrateOrThrow(): Promise<void>
  migrateDown(): Promise<MigrationResultSet>
  destroy(): Promise<void>
}

// int8 and numeric as JS numbers (counts and sums stay far below 2^53); dates as 'YYYY-MM-DD' strings,
// the same on both backends.
const INT8 = 20
const NUMERIC = 1700
const DATE = 1082
pg.types.setTypeParser(INT8, (v) => Number(v))
pg.types.setTypeParser(NUMERIC, (v) => Number(v))
pg.types.setTypeParser(DATE, (v) => v)

const plugins = [new CamelCasePlugin({ maintainNestedObjectKeys: true })]

function makeMigrator(db: Kysely<Schema>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'assay_migrations',
    migrationLockTableName: 'assay_migrations_lock',
  })
}

function withMigrations(
  base: Omit<Database, 'migrate' | 'migrateOrThrow' | 'migrateDown' | 'transaction'>,
): Database {
  const migrator = makeMigrator(base.db)
  return {
    ...base,
    transaction: (fn) => base.db.transaction().execute(fn),
    migrate: () => migrator.migrateToLatest(),
    migrateDown: async () => {
      const { NO_MIGRATIONS } = await import('kysely')
      return migrator.migrateTo(NO_MIGRATIONS)
    },
    async migrateOrThrow() {
      const { error, results } = await migrator.migrateToLatest()
      const failed = results?.find((r) => r.status === 'Error')
      if (error !== undefined || failed !== undefined) {
        throw new AppError(
          'internal',
          `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error | undefined)?.message ?? 'unknown error'}`,
          { cause: error },
        )
      }
    },
  }
}

async function openEmbedded(dataDir: string | null): Promise<Database> {
  if (dataDir !== null) mkdirSync(dataDir, { recursive: true })
  const client = await PGlite.create(dataDir ?? undefined, {
    parsers: {
      [INT8]: (v: string) => Number(v),
      [NUMERIC]: (v: string) => Number(v),
      [DATE]: (v: string) => v,
    },
  })
  const lock = new SessionLock()
  const db = new Kysely<Schema>({ dialect: new PGliteDialect(client, lock), plugins })
  const connection: RawConnection = {
    async query(text, params) {
      const result =
        params === undefined || params.length === 0
          ? ((await client.exec(text)).at(-1) ?? { rows: [], affectedRows: 0 })
          : await client.query(text, params)
      return { rows: result.rows as never[], rowCount: result.affectedRows ?? result.rows.length }
    },
    async copyFrom(table, columns, data) {
      const blob = new Blob([typeof data === 'string' ? data : new Uint8Array(data)])
      const result = await client.query(
        `copy ${table} (${columns.join(', ')}) from '/dev/blob'`,
        [],
        { blob },
      )
      return result.affectedRows ?? 0
    },
    async copyTo(query) {
      const result = await client.query(`copy (${query}) to '/dev/blob'`)
      return result.blob === undefined
        ? Buffer.alloc(0)
        : Buffer.from(await result.blob.arrayBuffer())
    },
    async copyToChunks(query, onChunk) {
      // PGlite runs in this thread: there is nothing to overlap, the output comes whole.
      onChunk(await connection.copyTo(query))
    },
  }
  return withMigrations({
    kind: 'embedded',
    location: dataDir === null ? 'embedded PGlite in memory' : `embedded PGlite at ${dataDir}`,
    db,
    async withConnection(fn) {
      const release = await lock.acquire()
      try {
        return await fn(connection)
      } catch (error) {
        throw translateDatabaseError(error)
      } finally {
        release()
      }
    },
    async destroy() {
      await db.destroy()
      await client.close()
    },
  })
}

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`
  } catch {
    return 'PostgreSQL'
  }
}

/**
 * PostgresDialect whose queries report a lost or refused connection as UnavailableError (a
 * retryable 503), as withConnection does; other errors pass through untouched. Kysely has no
 * error hook, so the driver's connections get a translating executeQuery (patched once per
 * connection: the driver reuses one per pooled client).
 */
class UnavailableAwarePostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    const driver = super.createDriver()
    const acquire = driver.acquireConnection.bind(driver)
    const patched = new WeakSet<DatabaseConnection>()
    driver.acquireConnection = async () => {
      const connection = await acquire().catch((error: unknown) => {
        throw translateConnectionError(error)
      })
      if (!patched.has(connection)) {
        patched.add(connection)
        const execute = connection.executeQuery.bind(connection)
        connection.executeQuery = <R>(query: CompiledQuery) =>
          execute<R>(query).catch((error: unknown) => {
            throw translateConnectionError(error)
          })
      }
      return connection
    }
    return driver
  }
}

function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
  })
  // An idle client losing its server (restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  // Neither may a checked-out one: pg emits 'error' on the client itself (with no listener while it
  // is out of the pool: an uncaught exception) even when its query fails too. The failing query
  // still rejects, and release() drops the broken client.
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = new Kysely<Schema>({ dialect: new UnavailableAwarePostgresDialect({ pool }), plugins })
  return withMigrations({
    kind: 'postgres',
    location: describeUrl(url),
    db,
    async withConnection(fn) {
      const client = await pool.connect().catch((error: unknown) => {
        throw translateDatabaseError(error)
      })
      let broken = false
      const connection: RawConnection = {
        async query(text, params) {
          const result = await client.query(text, params)
          const last = Array.isArray(result) ? (result.at(-1) as pg.QueryResult) : result
          return { rows: last.rows, rowCount: last.rowCount ?? last.rows.length }
        },
        async copyFrom(table, columns, data) {
          const stream = client.query(
            copyStreams.from(`copy ${table} (${columns.join(', ')}) from stdin`),
          )
          await pipeline(Readable.from([data]), stream)
          return Number(stream.rowCount ?? 0)
        },
        async copyTo(query) {
          const chunks: Buffer[] = []
          const stream = client.query(copyStreams.to(`copy (${query}) to stdout`))
          for await (const chunk of stream) chunks.push(chunk as Buffer)
          return Buffer.concat(chunks)
        },
        async copyToChunks(query, onChunk) {
          const stream = client.query(copyStreams.to(`copy (${query}) to stdout`))
          let failure: { error: unknown } | null = null
          for await (const chunk of stream) {
            if (failure !== null) continue
            try {
              onChunk(chunk as Buffer)
            } catch (error) {
              failure = { error }
            }
          }
          if (failure !== null) throw failure.error
        },
      }
      try {
        return await fn(connection)
      } catch (error) {
        broken = true
        throw translateDatabaseError(error)
      } finally {
        // A client whose transaction failed half-way is discarded rather than reused.
        client.release(broken)
      }
    },
    async destroy() {
      await db.destroy()
    },
  })
}

/** Opens the store named by the options. The caller migrates and destroys it. */
export async function openDatabase(options: StoreOptions): Promise<Database> {
  return options.kind === 'embedded'
    ? openEmbedded(options.dataDir)
    : openPostgres(options.url, options.poolSize)
}
