/**
 * RawConnection.copyToChunks on both stores: the same bytes as copyTo, in several chunks on
 * PostgreSQL; a failing consumer is not called again and leaves the connection usable.
 */
import { expect, it } from 'vitest'
import { describeEachBackend } from '../helpers/db.js'

// ~3 MB of output with tabs, newlines, backslashes and multi-byte characters to escape.
const QUERY = `select i, 'v' || i || E'\\t☃\\n\\\\x' || repeat('é', i % 7), null::text
from generate_series(1, 100000) i`

describeEachBackend('copyToChunks', (get, backend) => {
  it('passes the whole output, as copyTo returns it', async () => {
    await get().database.withConnection(async (connection) => {
      const whole = await connection.copyTo(QUERY)
      const chunks: Buffer[] = []
      await connection.copyToChunks?.(QUERY, (chunk) => chunks.push(Buffer.from(chunk)))
      expect(Buffer.concat(chunks).equals(whole)).toBe(true)
      expect(whole.toString('utf8').startsWith('1\tv1\\t☃\\n\\\\xé\t\\N\n2\tv2\\t')).toBe(true)
      if (backend === 'postgres') expect(chunks.length).toBeGreaterThan(1)
    })
  })

  it('stops calling a consumer that throws, rethrows, and keeps the connection usable', async () => {
    await get().database.withConnection(async (connection) => {
      let calls = 0
      await expect(
        connection.copyToChunks?.(QUERY, () => {
          calls++
          throw new Error('consumer failed')
        }),
      ).rejects.toThrow('consumer failed')
      expect(calls).toBe(1)
      const after = await connection.query<{ one: number }>('select 1 as one')
      expect(after.rows).toEqual([{ one: 1 }])
    })
  })
})
