import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { createToken, listApiTokens, revokeApiToken } from '../../src/engine/access/tokens.js'
import { createUser } from '../../src/engine/access/users.js'
import { authHeaders } from '../helpers/auth.js'
import { describeEachBackend } from '../helpers/db.js'
import { errorCode, jsonRequest, makeApp, manualClock } from './helpers.js'

describeEachBackend('API tokens', (get) => {
  it('stores only the hash and never lists the secret', async () => {
    const { database } = get()
    await createUser(database, { userId: 'lister', roles: ['viewer'] })
    const created = await createToken(database, { userId: 'lister', name: 'ci' })
    expect(created.token).toMatch(/^assay_[A-Za-z0-9_-]{43}$/)
    const stored = await database.db
      .selectFrom('apiTokens')
      .selectAll()
      .where('tokenId', '=', created.tokenId)
      .executeTakeFirstOrThrow()
    expect(stored.tokenHash).not.toContain(created.token)
    const listed = await listApiTokens(database, 'lister')
    expect(JSON.stringify(listed)).not.toContain(created.token)
    expect(JSON.stringify(listed)).not.toContain(stored.tokenHash)
    expect(listed[0]).toMatchObject({
      tokenId: created.tokenId,
      name: 'ci',
      permissions: null,
      revokedAt: null,
    })
  })

  it("scopes a token to a subset: the principal holds the user's ∩ the token's permissions", async () => {
    const { database } = get()
    const { app } = await makeApp(database)
    await createUser(database, { userId: 'lead', roles: ['quality_lead'] })
    const scoped = await createToken(database, { userId: 'lead', permissions: ['metrics:read'] })
    const res = await app.request('/v1/status', {
      headers: { authorization: `Bearer ${scoped.token}` },
    })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /not scoped/,
    )
    const who = await app.request('/v1/session', {
      headers: { authorization: `Bearer ${scoped.token}` },
    })
    expect(((await who.json()) as { permissions: string[] }).permissions).toEqual(['metrics:read'])
    const full = await createToken(database, { userId: 'lead' })
    expect(
      (await app.request('/v1/status', { headers: { authorization: `Bearer ${full.token}` } }))
        .status,
    ).toBe(200)
  })

  it('refuses permissions the user does not have, and unknown ones', async () => {
    const { database } = get()
    await expect(
      createToken(database, { userId: 'lead', permissions: ['users:admin', 'no:such'] }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: [
        {
          path: 'permissions',
          message: 'user lead does not have users:admin (roles: quality_lead)',
        },
        { path: 'permissions', message: 'unknown permission no:such' },
      ],
    })
  })

  it('does not let a scoped token mint a broader one over the API', async () => {
    const { database } = get()
    const { app } = await makeApp(database)
    const scoped = await createToken(database, { userId: 'lead', permissions: ['metrics:read'] })
    const headers = { authorization: `Bearer ${scoped.token}` }
    const broader = await app.request(
      '/v1/tokens',
      jsonRequest('POST', { permissions: ['metrics:read', 'plans:write'] }, headers),
    )
    expect(broader.status).toBe(400)
    expect(JSON.stringify(await broader.json())).toMatch(/cannot grant plans:write/)
    // Without a list, the new token inherits the scope of the one that made it.
    const same = await app.request(
      '/v1/tokens',
      jsonRequest('POST', { name: 'child', expires: '1d' }, headers),
    )
    expect(same.status).toBe(201)
    const body = (await same.json()) as { permissions: string[]; expiresAt: string }
    expect(body.permissions).toEqual(['metrics:read'])
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now())
  })

  it('revokes: the owner can, another user cannot see it, an admin can', async () => {
    const { database } = get()
    const { app } = await makeApp(database)
    const victim = await createToken(database, { userId: 'lead' })
    const other = await authHeaders(database, 'viewer')
    const notYours = await app.request(`/v1/tokens/${victim.tokenId}`, {
      method: 'DELETE',
      headers: other,
    })
    expect(notYours.status).toBe(404)
    const own = await app.request(`/v1/tokens/${victim.tokenId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${victim.token}` },
    })
    expect(own.status).toBe(200)
    expect(((await own.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull()
    expect(
      (await app.request('/v1/session', { headers: { authorization: `Bearer ${victim.token}` } }))
        .status,
    ).toBe(401)
    const second = await createToken(database, { userId: 'lead' })
    const admin = await authHeaders(database, 'admin')
    expect(
      (await app.request(`/v1/tokens/${second.tokenId}`, { method: 'DELETE', headers: admin }))
        .status,
    ).toBe(200)
    await expect(
      revokeApiToken(database, second.tokenId, { actor: 'x', now: new Date() }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('records token creation and revocation in the trail without secrets', async () => {
    const { database } = get()
    const created = await createToken(
      database,
      { userId: 'lead', name: 'trail' },
      { actor: 'cli:ops' },
    )
    await revokeApiToken(database, created.tokenId, { actor: 'cli:ops', now: new Date() })
    const events = await database.db
      .selectFrom('eventLog')
      .selectAll()
      .where('subjectId', '=', created.tokenId)
      .orderBy('seq')
      .execute()
    expect(events.map((e) => [e.actor, e.action])).toEqual([
      ['cli:ops', 'token.create'],
      ['cli:ops', 'token.revoke'],
    ])
    expect(JSON.stringify(events)).not.toContain(created.token)
  })

  it('records when a token was last used, writing at most once a minute per token', async () => {
    const { database } = get()
    const clock = manualClock(new Date('2026-11-25T12:00:00.000Z'))
    // Authentications remembered (as `assay serve` does) are uses too.
    const { app } = await makeApp(database, { clock })
    await createUser(database, { userId: 'user-of-tokens', roles: ['viewer'] })
    const used = await createToken(database, { userId: 'user-of-tokens', name: 'used' })
    await createToken(database, { userId: 'user-of-tokens', name: 'idle' })
    const lastUsed = async () =>
      Object.fromEntries(
        (await listApiTokens(database, 'user-of-tokens')).map((t) => [
          t.name,
          t.lastUsedAt === null ? null : new Date(t.lastUsedAt).toISOString(),
        ]),
      )
    // The row version: any write to the row makes a new one.
    const version = async () =>
      (
        await sql<{
          xmin: string
        }>`select xmin::text from api_tokens where token_id = ${used.tokenId}`.execute(database.db)
      ).rows[0]?.xmin
    expect(await lastUsed()).toEqual({ used: null, idle: null })
    const call = () =>
      app.request('/v1/status', { headers: { authorization: `Bearer ${used.token}` } })
    expect((await call()).status).toBe(200)
    expect(await lastUsed()).toEqual({ used: '2026-11-25T12:00:00.000Z', idle: null })
    const updatesBefore = await version()
    // Within the minute: no write, however many requests (a forbidden one is a use too).
    clock.advance(30_000)
    for (let i = 0; i < 20; i++) await call()
    const forbidden = await app.request('/v1/users', {
      headers: { authorization: `Bearer ${used.token}` },
    })
    expect(forbidden.status).toBe(403)
    expect(await lastUsed()).toEqual({ used: '2026-11-25T12:00:00.000Z', idle: null })
    // Another process (a second app) that wrote nothing yet skips the row touched this minute.
    const { app: other } = await makeApp(database, { clock })
    await other.request('/v1/status', { headers: { authorization: `Bearer ${used.token}` } })
    expect(await lastUsed()).toEqual({ used: '2026-11-25T12:00:00.000Z', idle: null })
    expect(await version()).toBe(updatesBefore)
    clock.advance(31_000)
    await call()
    expect(await lastUsed()).toEqual({ used: '2026-11-25T12:01:01.000Z', idle: null })
    // The admin's view: GET /v1/tokens shows it too.
    const listed = await app.request('/v1/tokens', {
      headers: { authorization: `Bearer ${used.token}` },
    })
    const tokens = (
      (await listed.json()) as { tokens: { name: string; lastUsedAt: string | null }[] }
    ).tokens
    expect(tokens.map((t) => [t.name, t.lastUsedAt])).toEqual([
      ['idle', null],
      ['used', '2026-11-25T12:01:01.000Z'],
    ])
  })

  it('rate-limits ingest POSTs per token with 429 and Retry-After, and leaves reads and other tokens alone', async () => {
    const { database } = get()
    const { app } = await makeApp(database, {
      security: { ingestRateLimit: { capacity: 3, refillPerSecond: 0.5 } },
    })
    const first = await authHeaders(database, 'ingest')
    const second = await authHeaders(database, 'ingest')
    const post = (path: string, headers: Record<string, string>) =>
      app.request(path, jsonRequest('POST', [], headers))
    for (const path of ['/v1/decisions', '/v1/audits', '/v1/ratings'])
      expect((await post(path, first)).status).not.toBe(429)
    const limited = await post('/v1/decisions', first)
    expect(limited.status).toBe(429)
    expect(await errorCode(limited)).toBe('rate_limited')
    expect(limited.headers.get('retry-after')).toBe('2')
    expect((await post('/v1/decisions', second)).status).not.toBe(429)
    expect((await app.request('/v1/status', { headers: first })).status).not.toBe(429)
  })
})
