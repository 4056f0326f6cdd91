import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/engine/access/tokens.js'
import { createUser } from '../../src/engine/access/users.js'
import { signIn } from '../../src/engine/access/sessions.js'
import { exportStore } from '../../src/engine/backup/export-store.js'
import { importStore, orderParentsFirst } from '../../src/engine/backup/import-store.js'
import type { Manifest } from '../../src/engine/backup/manifest.js'
import { recordEvent } from '../../src/engine/trail/record-event.js'
import { verifyTrail } from '../../src/engine/trail/verify-trail.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import type { Database } from '../../src/store/db.js'
import { openTestDatabase, type Backend, type TestDatabase } from '../helpers/db.js'

const folders: string[] = []
async function newFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'assay-export-'))
  folders.push(dir)
  return dir
}
afterAll(async () => {
  for (const dir of folders) await rm(dir, { recursive: true, force: true })
})

/** Data that tests exact round trips: microseconds, offsets, doubles, jsonb, arrays, awkward text. */
async function seed(database: Database): Promise<void> {
  await initStore(database)
  await createUser(database, {
    userId: 'ana',
    roles: ['admin'],
    password: 'a long enough password',
  })
  await createUser(database, {
    userId: 'li',
    roles: ['auditor', 'viewer'],
    regions: ['eu'],
    sites: ['s1'],
  })
  // Array elements that need quoting in PostgreSQL's array text form.
  await sql`update users set regions = array['eu', 'a,b', 'say "hi"', null] where user_id = 'li'`.execute(
    database.db,
  )
  await createToken(database, {
    userId: 'li',
    permissions: ['status:read'],
    expiresAt: new Date('2027-01-01T00:00:00.001Z'),
  })
  await signIn(database, { userId: 'ana', password: 'a long enough password' }, { now: new Date() })
  await sql`
    insert into decisions (decision_id, content_id, decided_at, region, queue, actor_type, actor_id, policy, action, score, handle_time_ms, attributes)
    values
      ('d1', 'c1', '2026-01-02 03:04:05.123456+00', 'eu', 'q', 'machine', 'm@1', 'spam', 'remove', 0.1, null, '{"k": "v", "nested": {"z": [1, 2.5, null, true]}, "é": "ünï ✓"}'),
      ('d2', 'c2', '2026-01-02 23:59:59.999999-05:30', 'na', 'q', 'human', 'mod', 'none', 'no_action', 0.30000000000000004, 1234, '{}'),
      ('D3', 'line
break	tab "quoted" \\backslash', '1999-12-31 23:59:59+00', 'eu', 'q', 'machine', 'm@2', 'spam', 'remove', 5e-324, 0, '{"big": 12345678901234567890, "tiny": 1e-300}'),
      ('d-4', 'c4', '2026-06-01 00:00:00+00', 'eu', 'q', 'machine', 'm@2', 'spam', 'remove', 0.333333333333333314829616256247390992939472198486328125, null, '{}')
  `.execute(database.db)
  await sql`
    insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, inclusion_probability, comment, outcome, taxonomy_version)
    values ('a1', 'd1', 'li', '2026-01-03 00:00:00.000001+00', 'spam', 'remove', 0.0123456789012345, 'ok ''quoted''', 'correct', 1)
  `.execute(database.db)
  await sql`insert into ratings (session_id, item_id, rater_id, label, rated_at) values ('s', 'i', 'r', 'x', null), ('s', 'i', 'r2', 'y', '2026-02-03 04:05:06.7+00')`.execute(
    database.db,
  )
  await recordEvent(database.db, {
    actor: 'test',
    action: 'thing.update',
    subjectType: 'thing',
    subjectId: 't',
    before: { a: 1.5 },
    after: { a: [0.1, 'x'] },
  })
  await seedAwkwardTable(database)
}

/** Rows in the awkward table: more than two import batches apart, so order within a batch cannot help. */
const NODES = 2500

/**
 * A table no migration has (every table of the schema is exported, so tests may add one): JSON
 * `null` in json and jsonb columns next to SQL NULL, and foreign keys to the same table whose rows
 * reference rows later in key order (one of them NOT NULL).
 */
async function createAwkwardTable(database: Database): Promise<void> {
  await sql`
    create table awkward_nodes (
      node_id text primary key,
      parent_id text references awkward_nodes (node_id),
      root_id text not null references awkward_nodes (node_id),
      doc jsonb,
      required_doc jsonb not null,
      plain json
    )`.execute(database.db)
}

async function seedAwkwardTable(database: Database): Promise<void> {
  await createAwkwardTable(database)
  await sql`
    insert into awkward_nodes (node_id, parent_id, root_id, doc, required_doc, plain)
    select 'n' || lpad(g::text, 4, '0'),
           case when g % 7 = 0 then null else 'n' || lpad((${NODES - 1} - g)::text, 4, '0') end,
           'n' || lpad(${NODES - 1}::text, 4, '0'),
           case g % 3 when 0 then 'null'::jsonb when 1 then null else jsonb_build_object('g', g, 'n', null) end,
           case when g % 2 = 0 then 'null'::jsonb else '[null]'::jsonb end,
           case g % 4 when 0 then 'null'::json when 1 then null else '{"a" : null}'::json end
    from generate_series(0, ${NODES - 1}) as g`.execute(database.db)
}

async function readFolder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(join(dir, name)))
  return files
}

const DIRECTIONS: [Backend, Backend][] = [
  ['embedded', 'postgres'],
  ['postgres', 'embedded'],
]

describe.each(DIRECTIONS)('export from %s, import into %s', (from, to) => {
  let source: TestDatabase
  let target: TestDatabase
  let first: string

  afterAll(async () => {
    await source?.close()
    await target?.close()
  })

  it('re-exports byte-identical files after the import', async () => {
    source = await openTestDatabase(from, 'export-source')
    target = await openTestDatabase(to, 'export-target')
    await seed(source.database)
    first = await newFolder()
    const manifest = await exportStore(source.database, first)
    expect(manifest.formatVersion).toBe(1)
    expect(manifest.tables.map((t) => t.name)).toContain('event_log')
    expect(manifest.tables.map((t) => t.name)).not.toContain('assay_migrations')
    expect(manifest.tables.find((t) => t.name === 'decisions')?.rows).toBe(4)

    await createAwkwardTable(target.database)
    const imported = await importStore(target.database, first)
    expect(imported.tables.find((t) => t.name === 'decisions')?.rows).toBe(4)
    // Parents before children.
    const order = imported.tables.map((t) => t.name)
    expect(order.indexOf('decisions')).toBeLessThan(order.indexOf('audits'))
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('api_tokens'))

    const second = await newFolder()
    await exportStore(target.database, second)
    const a = await readFolder(first)
    const b = await readFolder(second)
    expect([...b.keys()]).toEqual([...a.keys()])
    for (const [name, bytes] of a) expect(b.get(name)?.equals(bytes), name).toBe(true)
  })

  it('restores values exactly: timestamps to the microsecond, doubles, jsonb and arrays', async () => {
    const query = sql<{ line: string }>`
      select concat_ws('|', decision_id, decided_at at time zone 'UTC', score::float8::text, attributes::text, content_id) as line
      from decisions order by decision_id collate "C"`
    const [left, right] = await Promise.all([
      query.execute(source.database.db),
      query.execute(target.database.db),
    ])
    expect(right.rows).toEqual(left.rows)
    expect(right.rows.map((r) => r.line).join('\n')).toContain('2026-01-02 03:04:05.123456|0.1|')
    const arrays = await sql<{
      regions: string[]
    }>`select regions from users where user_id = 'li'`.execute(target.database.db)
    expect(arrays.rows[0]?.regions).toEqual(['eu', 'a,b', 'say "hi"', null])
  })

  it('restores JSON null apart from SQL NULL, and rows that reference later rows of their table', async () => {
    const query = sql<{ line: string }>`
      select concat_ws('|', node_id, coalesce(parent_id, '-'), root_id,
                       coalesce(jsonb_typeof(doc), 'SQL NULL'), doc::text,
                       jsonb_typeof(required_doc), required_doc::text,
                       coalesce(json_typeof(plain), 'SQL NULL'), plain::text) as line
      from awkward_nodes order by node_id collate "C"`
    const [left, right] = await Promise.all([
      query.execute(source.database.db),
      query.execute(target.database.db),
    ])
    expect(right.rows).toHaveLength(NODES)
    expect(right.rows).toEqual(left.rows)
    const lines = right.rows.map((r) => r.line)
    expect(lines[0]).toBe('n0000|-|n2499|null|null|null|null|null|null')
    expect(lines[1]).toBe('n0001|n2498|n2499|SQL NULL|array|[null]|SQL NULL')
    expect(lines[2]).toBe(
      'n0002|n2497|n2499|object|{"g": 2, "n": null}|null|null|object|{"a" : null}',
    )
    // The manifest lists the JSON nulls; the foreign keys are back as they were declared.
    const manifest = JSON.parse(await readFile(join(first, 'manifest.json'), 'utf8')) as Manifest
    const nulls = manifest.tables.find((t) => t.name === 'awkward_nodes')?.jsonNulls
    expect(nulls?.doc?.slice(0, 3)).toEqual([1, 4, 7])
    expect(nulls?.required_doc).toHaveLength(NODES / 2)
    expect(manifest.tables.find((t) => t.name === 'decisions')).not.toHaveProperty('jsonNulls')
    const constraints = await sql<{ deferrable: boolean }>`
      select condeferrable as deferrable from pg_constraint
      where conrelid = 'awkward_nodes'::regclass and contype = 'f'`.execute(target.database.db)
    expect(constraints.rows).toEqual([{ deferrable: false }, { deferrable: false }])
  })

  it('restores sequences, so the trail continues and verifies', async () => {
    const before = await verifyTrail(target.database)
    expect(before.ok).toBe(true)
    const next = await recordEvent(target.database.db, {
      actor: 'test',
      action: 'thing.after_import',
      subjectType: 'thing',
      subjectId: 't',
    })
    expect(next.seq).toBe((before.head?.seq ?? 0) + 1)
    expect((await verifyTrail(target.database)).ok).toBe(true)
  })

  it('refuses to import into a store that has rows', async () => {
    await expect(importStore(target.database, first)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(
        /the store is not empty \(rows in .*decisions.*\); import only into a new store/,
      ),
    })
  })

  it('refuses a damaged export and one from another migration, writing nothing', async () => {
    const fresh = await openTestDatabase(to, 'export-damaged')
    try {
      const damaged = await newFolder()
      await exportStore(source.database, damaged)
      const manifestPath = join(damaged, 'manifest.json')
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { migration: string }
      await writeFile(
        manifestPath,
        JSON.stringify({ ...manifest, migration: '20200101T000000000Z-older' }),
      )
      await expect(importStore(fresh.database, damaged)).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/migration 20200101T000000000Z-older/),
      })
      await writeFile(join(damaged, 'users.ndjson'), '{"user_id":"mallory"}\n', { flag: 'a' })
      await expect(importStore(fresh.database, damaged)).rejects.toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'users.ndjson', message: 'sha256 does not match the manifest' }],
      })
      const users = await fresh.database.db.selectFrom('users').select('userId').execute()
      expect(users).toEqual([])
    } finally {
      await fresh.close()
    }
  })

  it('refuses to export into a folder that is not empty', async () => {
    await expect(exportStore(source.database, first)).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/not empty/),
    })
  })
})

describe('orderParentsFirst', () => {
  it('puts referenced tables first, ignores self-references and reports cycles', () => {
    expect(
      orderParentsFirst(
        ['c', 'b', 'a'],
        [
          { child: 'c', parent: 'b' },
          { child: 'b', parent: 'a' },
          { child: 'a', parent: 'a' },
        ],
      ),
    ).toEqual(['a', 'b', 'c'])
    expect(() =>
      orderParentsFirst(
        ['x', 'y'],
        [
          { child: 'x', parent: 'y' },
          { child: 'y', parent: 'x' },
        ],
      ),
    ).toThrow(/cycle/)
  })
})
