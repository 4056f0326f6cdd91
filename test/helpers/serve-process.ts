/**
 * `assay serve` as a real child process (`node bin/assay.js serve --port 0`) over a PostgreSQL
 * URL, for tests that watch the process itself: that it stays up, or what a SIGKILL leaves behind.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'assay.js')

export interface ServeProcess {
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string
  /** Whether the process is still running. */
  isRunning(): boolean
  /** What the process wrote to stderr (its log), for failure messages. */
  stderr(): string
  /** SIGKILL: no shutdown handler runs; resolves when the process is gone. */
  kill(): Promise<void>
  /** SIGTERM and wait (SIGKILL after 10 s). */
  stop(): Promise<void>
}

export async function startServeProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--monitor-interval', '0'],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        ASSAY_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  let running = true
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      running = false
      resolve()
    }),
  )
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`assay serve did not start in 30 s:\n${stdout}\n${stderr}`))
    }, 30_000)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /at http:\/\/[^:]+:(\d+)\//.exec(stdout)
      if (match !== null) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`assay serve exited before serving:\n${stdout}\n${stderr}`))
    })
  })
  const waitFor = async (signal: NodeJS.Signals, graceMs: number) => {
    if (!running) return
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    isRunning: () => running,
    stderr: () => stderr,
    kill: () => waitFor('SIGKILL', 0),
    stop: () => waitFor('SIGTERM', 10_000),
  }
}
