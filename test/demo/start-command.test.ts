import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'

const dataDir = mkdtempSync(join(tmpdir(), 'assay-start-'))

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      )
    })
  })
}

it('assay start creates the demo on an empty store, prints a working admin token and serves until SIGINT', async () => {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    ['bin/assay.js', 'start', '--data-dir', dataDir, '--port', String(port), '--decisions', '2000'],
    {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: '', ASSAY_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`start did not serve in time:\n${stdout}\n${stderr}`)),
        50_000,
      )
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.includes('Assay is serving')) {
          clearTimeout(timer)
          resolve()
        }
      })
      void exited.then((code) =>
        reject(new Error(`start exited with ${code}:\n${stdout}\n${stderr}`)),
      )
    })
    expect(stdout).toMatch(/has no decisions: creating the demo organisation \(2,000 decisions\)/)
    expect(stdout).toMatch(/decisions {2}2,000 new of 2,000/)
    const token = /Bearer (assay_[A-Za-z0-9_-]+)/.exec(stdout)?.[1]
    expect(token).toBeDefined()
    expect(stdout).toContain(`http://127.0.0.1:${port}/v1/status`)
    const response = await fetch(`http://127.0.0.1:${port}/v1/status`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { decisions: number }).decisions).toBe(2000)
  } finally {
    child.kill('SIGINT')
  }
  expect(await exited).toBe(0)
}, 60_000)
