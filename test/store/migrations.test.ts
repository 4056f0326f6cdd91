import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/store/db.js'
import { MIGRATIONS } from '../../src/store/migrations/index.js'
import { BACKENDS, createThrowawayPostgres } from '../helpers/db.js'

const names = Object.keys(MIGRATIONS)

describe.each(BACKENDS)('migrations [%s]', (backend) => {
  it('migrates empty → latest, down to zero, and up again with a result per migration', async () => {
    const pg = backend === 'postgres' ? await createThrowawayPostgres('migrations') : undefined
    const database = await openDatabase(
      pg ? { kind: 'postgres', url: pg.url } : { kind: 'embedded', dataDir: null },
    )
    try {
      const up = await database.migrate()
      expect(up.error).toBeUndefined()
      expect(up.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual(
        names.map((n) => [n, 'Up', 'Success']),
      )
      const down = await database.migrateDown()
      expect(down.error).toBeUndefined()
      expect(down.results?.map((r) => r.migrationName)).toEqual([...names].reverse())
      expect(down.results?.every((r) => r.direction === 'Down' && r.status === 'Success')).toBe(
        true,
      )
      const again = await database.migrate()
      expect(again.results?.length).toBe(names.length)
      const noop = await database.migrate()
      expect(noop.results).toEqual([])
    } finally {
      await database.destroy()
      await pg?.drop()
    }
  })
})

describe('migration list', () => {
  it('names every migration with a sortable timestamp and keeps them in order', () => {
    for (const name of names) expect(name).toMatch(/^\d{8}T\d{9}Z-[a-z0-9-]+$/)
    expect([...names].sort()).toEqual(names)
  })
})
