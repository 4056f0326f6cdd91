/**
 * A private PostgreSQL 15 cluster for tests that stop, crash or restart the server: the shared
 * server at 127.0.0.1:5432 is used by other suites at the same time and must never be restarted.
 * The cluster lives in a fresh folder under the temp dir (owned by `postgres`, since the server
 * refuses to run as root), listens on a free port on 127.0.0.1 with fsync off, and is stopped and
 * deleted by `destroy()` — and, should the test process end without it, by an exit hook.
 */
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const POSTGRES_BIN = process.env.ASSAY_PG_BIN ?? '/usr/lib/postgresql/15/bin'
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) =>
  existsSync(p),
)

export type RestartMode = 'fast' | 'immediate'

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string
  readonly port: number
  /** The data directory. */
  readonly dataDir: string
  /**
   * `pg_ctl restart -m fast` (clients are told "terminating connection due to administrator
   * command") or `-m immediate` (backends are killed, the server recovers from its WAL on start).
   * Resolves once the server accepts connections again; returns how long it took in ms.
   */
  restart(mode: RestartMode): Promise<number>
  /** Stops the server and deletes its folder; safe to call twice. */
  destroy(): Promise<void>
}

/** Why a private cluster cannot be started here, or undefined when it can. */
export function privatePostgresUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'needs root (initdb and pg_ctl are run as the postgres user through runuser)'
  if (RUNUSER === undefined) return 'runuser is not installed'
  if (!existsSync(join(POSTGRES_BIN, 'pg_ctl')))
    return `no PostgreSQL binaries in ${POSTGRES_BIN} (set ASSAY_PG_BIN)`
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' })
  } catch {
    return 'there is no postgres user to run the server as'
  }
  return undefined
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

function asPostgres(command: string, args: string[]): [string, string[]] {
  return [RUNUSER as string, ['-u', 'postgres', '--', join(POSTGRES_BIN, command), ...args]]
}

/** initdb + start; throws with the server log when the cluster does not come up. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const reason = privatePostgresUnavailableReason()
  if (reason !== undefined) throw new Error(`cannot start a private PostgreSQL: ${reason}`)
  const root = mkdtempSync(join(tmpdir(), 'assay-pg-'))
  const dataDir = join(root, 'data')
  const logFile = join(root, 'server.log')
  execFileSync('chown', ['postgres:postgres', root])
  const port = await freePort()
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`
  const pgCtl = (...args: string[]) => run(...asPostgres('pg_ctl', ['-D', dataDir, ...args]))
  let destroyed = false
  const stopSync = () => {
    if (destroyed) return
    destroyed = true
    try {
      execFileSync(...asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']), {
        stdio: 'ignore',
      })
    } catch {
      // not running
    }
    rmSync(root, { recursive: true, force: true })
  }
  process.once('exit', stopSync)
  const withLog = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (error) {
      const log = existsSync(logFile) ? execFileSync('tail', ['-n', '30', logFile]).toString() : ''
      throw new Error(`${what} failed: ${(error as Error).message}\n${log}`, { cause: error })
    }
  }
  try {
    await withLog('initdb', () =>
      run(
        ...asPostgres('initdb', [
          '-D',
          dataDir,
          '-A',
          'trust',
          '-U',
          'postgres',
          '--no-sync',
          '-E',
          'UTF8',
          '--locale',
          'C',
        ]),
      ),
    )
    await withLog('pg_ctl start', () => pgCtl('-o', options, '-l', logFile, '-w', 'start'))
  } catch (error) {
    stopSync()
    process.removeListener('exit', stopSync)
    throw error
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async restart(mode) {
      const started = performance.now()
      // The options are given again: pg_ctl restart would otherwise reuse postmaster.opts, which
      // holds them too, but an explicit list keeps the port stable whatever that file says.
      await withLog(`pg_ctl restart -m ${mode}`, () =>
        pgCtl('-m', mode, '-o', options, '-l', logFile, '-w', '-t', '60', 'restart'),
      )
      return performance.now() - started
    },
    async destroy() {
      if (destroyed) return
      try {
        await pgCtl('-m', 'immediate', '-w', 'stop')
      } catch {
        // already stopped
      }
      stopSync()
      process.removeListener('exit', stopSync)
    },
  }
}
