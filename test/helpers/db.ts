/**
 * Test databases on both backends. Every storage suite runs once per backend: embedded PGlite
 * (in memory) and the PostgreSQL at DATABASE_URL (default 127.0.0.1:5432), in a throwaway
 * database created for the suite and dropped after it. An unreachable PostgreSQL fails the run
 * with a hint; it is never skipped silently.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe } from 'vitest'
import { openDatabase, type Database } from '../../src/store/db.js'

export type Backend = 'embedded' | 'postgres'
export const BACKENDS: readonly Backend[] = ['embedded', 'postgres']

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(error as Error).message}). Start it with: ` +
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    )
  }
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Creates an empty PostgreSQL database for one suite; returns its URL and a drop function. */
export async function createThrowawayPostgres(
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `assay_t_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`
  await admin((client) => client.query(`create database ${name}`))
  return {
    url: withDatabase(ADMIN_URL, name),
    drop: () =>
      admin((client) => client.query(`drop database if exists ${name} with (force)`)).then(
        () => undefined,
      ),
  }
}

export interface TestDatabase {
  database: Database
  url?: string
  close(): Promise<void>
}

/** Opens a migrated, empty database on the given backend. */
export async function openTestDatabase(backend: Backend, label: string): Promise<TestDatabase> {
  if (backend === 'embedded') {
    const database = await openDatabase({ kind: 'embedded', dataDir: null })
    await database.migrateOrThrow()
    return { database, close: () => database.destroy() }
  }
  const { url, drop } = await createThrowawayPostgres(label)
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 })
  await database.migrateOrThrow()
  return {
    database,
    url,
    async close() {
      await database.destroy()
      await drop()
    },
  }
}

/**
 * Runs a suite once per backend with a fresh migrated database each; `get()` returns it inside tests.
 * @example describeEachBackend('ingest', (get) => { it('…', async () => { const { database } = get() }) })
 */
export function describeEachBackend(
  name: string,
  suite: (get: () => TestDatabase, backend: Backend) => void,
): void {
  for (const backend of BACKENDS) {
    describe(`${name} [${backend}]`, () => {
      let current: TestDatabase | undefined
      beforeAll(async () => {
        current = await openTestDatabase(backend, name)
      })
      afterAll(async () => {
        await current?.close()
      })
      suite(() => {
        if (current === undefined) throw new Error('test database not open yet')
        return current
      }, backend)
    })
  }
}
