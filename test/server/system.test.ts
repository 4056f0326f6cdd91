import { expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createContext } from '../../src/context.js'
import { initStore } from '../../src/engine/setup/init-store.js'
import { createToken, createUser, revokeApiToken } from '../../src/engine/access/tokens.js'
import { createApp } from '../../src/server/app.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { pino } from 'pino'

describeEachBackend('system routes', (get, backend) => {
  const app = async () => {
    const ctx = await createContext(parseConfig({}), {
      database: get().database,
      logger: pino({ level: 'silent' }),
    })
    await initStore(ctx.database)
    return createApp(ctx)
  }

  it('answers health without a token', async () => {
    const res = await (await app()).request('/v1/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('refuses status without a token with code unauthenticated', async () => {
    const res = await (await app()).request('/v1/status')
    expect(res.status).toBe(401)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('unauthenticated')
    expect(body.error.message).toMatch(/Bearer/)
  })

  it('reports the store kind and zero counts to a viewer', async () => {
    const a = await app()
    const res = await a.request('/v1/status', {
      headers: await authHeaders(get().database, 'viewer'),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      store: { kind: string }
      decisions: number
      taxonomyVersion: number
    }
    expect(body.store.kind).toBe(backend)
    expect(body.decisions).toBe(0)
    expect(body.taxonomyVersion).toBe(1)
  })

  it('forbids status to a moderator with code forbidden', async () => {
    const res = await (
      await app()
    ).request('/v1/status', { headers: await authHeaders(get().database, 'moderator') })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden')
  })

  it('stops accepting a token once it is revoked or expired', async () => {
    const a = await app()
    const { database } = get()
    await createUser(database, { userId: 'revoker', roles: ['viewer'] })
    const live = await createToken(database, { userId: 'revoker' })
    const headers = { authorization: `Bearer ${live.token}` }
    expect((await a.request('/v1/status', { headers })).status).toBe(200)
    // Through the engine, as every revocation path does (CLI, API): the very next request fails.
    await revokeApiToken(database, live.tokenId, { actor: 'admin', now: new Date() })
    expect((await a.request('/v1/status', { headers })).status).toBe(401)
    const expired = await createToken(database, {
      userId: 'revoker',
      expiresAt: new Date(Date.now() - 1000),
    })
    expect(
      (await a.request('/v1/status', { headers: { authorization: `Bearer ${expired.token}` } }))
        .status,
    ).toBe(401)
  })

  it('answers an unknown API route with a not_found error body', async () => {
    const res = await (
      await app()
    ).request('/v1/nope', { headers: await authHeaders(get().database, 'viewer') })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found')
  })
})
