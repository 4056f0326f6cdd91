/** The user, token, log, export and import commands, run as a person would: `node bin/assay.js …`. */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type StoreOptions } from '../../src/store/db.js'
import { BACKENDS, createThrowawayPostgres } from '../helpers/db.js'

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'assay.js')

function run(
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env }
    delete env.DATABASE_URL
    delete env.ASSAY_DATA_DIR
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}

describe.each(BACKENDS)('security commands [%s]', (backend) => {
  const cleanups: (() => Promise<void>)[] = []
  let store: string[] = []
  let options: StoreOptions
  let folder: string

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'assay-cli-'))
    cleanups.push(() => rm(folder, { recursive: true, force: true }))
    if (backend === 'embedded') {
      const dataDir = join(folder, 'data')
      store = ['--data-dir', dataDir]
      options = { kind: 'embedded', dataDir }
    } else {
      const pg = await createThrowawayPostgres('cli-security')
      cleanups.push(pg.drop)
      store = ['--database-url', pg.url]
      options = { kind: 'postgres', url: pg.url }
    }
  })
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('adds a user (password from stdin) and lists users', async () => {
    const added = await run(
      [
        'user',
        'add',
        'alice',
        '--role',
        'admin',
        '--role',
        'viewer',
        '--region',
        'eu',
        '--password-stdin',
        ...store,
      ],
      'a long enough password\n',
    )
    expect(added).toMatchObject({
      code: 0,
      stdout: 'added alice (admin, viewer) with a password\n',
    })
    const list = await run(['user', 'list', '--json', ...store])
    const users = JSON.parse(list.stdout) as {
      userId: string
      roles: string[]
      regions: string[] | null
      disabledAt: string | null
    }[]
    expect(users.map((u) => [u.userId, u.roles, u.regions, u.disabledAt])).toEqual([
      ['alice', ['admin', 'viewer'], ['eu'], null],
    ])
  })

  it('creates a scoped, expiring token shown once, lists it without the secret, and revokes it', async () => {
    const created = await run([
      'token',
      'create',
      '--user',
      'alice',
      '--name',
      'feed',
      '--expires',
      '30d',
      '--permission',
      'status:read',
      ...store,
    ])
    expect(created.code).toBe(0)
    const secret = created.stdout.trim()
    expect(secret).toMatch(/^assay_[A-Za-z0-9_-]{43}$/)
    expect(created.stderr).toMatch(/shown only now/)
    const listed = await run(['token', 'list', '--user', 'alice', '--json', ...store])
    expect(listed.stdout).not.toContain(secret)
    const [token] = JSON.parse(listed.stdout) as {
      tokenId: string
      permissions: string[]
      expiresAt: string
    }[]
    expect(token?.permissions).toEqual(['status:read'])
    expect(new Date(token?.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000)
    expect((await run(['token', 'revoke', token?.tokenId ?? '', ...store])).stdout).toBe(
      `revoked ${token?.tokenId}\n`,
    )
  })

  it('lists the trail, verifies it, and exits 1 once an entry is edited in SQL', async () => {
    const list = await run(['log', 'list', '--json', '--limit', '3', ...store])
    const events = JSON.parse(list.stdout) as { action: string; actor: string }[]
    expect(events.map((e) => e.action)).toEqual(['user.create', 'token.create', 'token.revoke'])
    expect(events[0]?.actor).toMatch(/^cli/)
    const ok = await run(['log', 'verify', ...store])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^ok: 3 entries, head \d+ [0-9a-f]{64}\n$/)
    const database = await openDatabase(options)
    try {
      await database.withConnection((c) =>
        c.query(
          `alter table event_log disable trigger user; update event_log set actor = 'someone-else' where action = 'token.create'`,
        ),
      )
    } finally {
      await database.destroy()
    }
    const broken = await run(['log', 'verify', ...store])
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(
      /^broken: entry \d+ was edited: its content does not match its hash \(1 entry before it verified\)/,
    )
  })

  it('exports, and imports into a new store', async () => {
    const dir = join(folder, 'dump')
    const exported = await run(['export', dir, ...store])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toMatch(/^exported \d+ rows in \d+ tables/)
    const restored = await run(['import', dir, '--data-dir', join(folder, 'restored')])
    expect(restored.code).toBe(0)
    expect(restored.stdout).toMatch(/^imported \d+ rows in \d+ tables into embedded PGlite/)
  })
})
