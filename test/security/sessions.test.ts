import { expect, it } from 'vitest'
import { createUser, disableUser } from '../../src/engine/access/users.js'
import { createToken } from '../../src/engine/access/tokens.js'
import { describeEachBackend } from '../helpers/db.js'
import { errorCode, jsonRequest, makeApp, manualClock, sessionCookie } from './helpers.js'

const PASSWORD = 'correct horse battery staple'

describeEachBackend('sign-in sessions', (get) => {
  const clock = manualClock()
  const setup = async () => makeApp(get().database, { clock })
  let users = 0
  const newUser = async (roles: string[] = ['quality_lead']) => {
    users += 1
    const userId = `person${users}`
    await createUser(get().database, { userId, roles, password: PASSWORD, regions: ['eu'] })
    return userId
  }
  const signIn = async (
    app: Awaited<ReturnType<typeof setup>>['app'],
    userId: string,
    password = PASSWORD,
    url = 'http://localhost/v1/session',
  ) => app.request(url, jsonRequest('POST', { userId, password }))

  it('stores passwords as argon2id hashes', async () => {
    const userId = await newUser()
    const row = await get()
      .database.db.selectFrom('users')
      .select('passwordHash')
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow()
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(row.passwordHash).not.toContain(PASSWORD)
  })

  it('signs in with an httpOnly, SameSite=Strict cookie and returns who, permissions and the CSRF token', async () => {
    const { app } = await setup()
    const userId = await newUser()
    const res = await signIn(app, userId)
    expect(res.status).toBe(200)
    const cookie = sessionCookie(res)
    expect(cookie.header).toMatch(/HttpOnly/)
    expect(cookie.header).toMatch(/SameSite=Strict/)
    expect(cookie.header).not.toMatch(/Secure/) // localhost: plain http in development
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      userId,
      roles: ['quality_lead'],
      regions: ['eu'],
      sites: null,
      via: 'session',
    })
    expect(body.permissions).toContain('plans:write')
    expect(body.permissions).not.toContain('users:admin')
    expect(typeof body.csrfToken).toBe('string')
    // Only the hash of the session id is stored.
    const rows = await get().database.db.selectFrom('sessions').select('sessionHash').execute()
    expect(rows.some((r) => r.sessionHash === cookie.value)).toBe(false)
  })

  it('marks the cookie Secure when not on localhost', async () => {
    const { app } = await setup()
    const res = await signIn(app, await newUser(), PASSWORD, 'http://assay.example.com/v1/session')
    expect(sessionCookie(res).header).toMatch(/Secure/)
  })

  it('answers who am I for a session and for a token', async () => {
    const { app } = await setup()
    const userId = await newUser(['viewer'])
    const signedIn = await signIn(app, userId)
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string }
    const res = await app.request('/v1/session', {
      headers: { cookie: `assay_session=${sessionCookie(signedIn).value}` },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ userId, via: 'session', csrfToken, roles: ['viewer'] })
    const { token } = await createToken(get().database, { userId, permissions: ['status:read'] })
    const viaToken = await app.request('/v1/session', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(await viaToken.json()).toMatchObject({
      userId,
      via: 'token',
      csrfToken: null,
      permissions: ['status:read'],
    })
  })

  it('fails alike for a wrong password, an unknown user and a user without a password', async () => {
    const { app } = await setup()
    const userId = await newUser()
    await createUser(get().database, { userId: 'nopassword', roles: ['viewer'] })
    for (const [who, password] of [
      [userId, 'wrong password!!'],
      ['nobody-here', PASSWORD],
      ['nopassword', PASSWORD],
    ] as const) {
      const res = await signIn(app, who, password)
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({
        error: { code: 'unauthenticated', message: 'unknown user or wrong password' },
      })
      expect(res.headers.get('set-cookie')).toBeNull()
    }
  })

  it('refuses a sign-in body that is not JSON, or misses fields', async () => {
    const { app } = await setup()
    const form = await app.request('/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'userId=a&password=b',
    })
    expect(form.status).toBe(400)
    const missing = await app.request('/v1/session', jsonRequest('POST', { userId: 'a' }))
    expect(missing.status).toBe(400)
    expect(await errorCode(missing)).toBe('validation_failed')
  })

  it('requires the CSRF header for unsafe methods with a session cookie, but not with a bearer token', async () => {
    const { app } = await setup()
    const userId = await newUser()
    const signedIn = await signIn(app, userId)
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string }
    const cookie = `assay_session=${sessionCookie(signedIn).value}`
    const create = (headers: Record<string, string>) =>
      app.request('/v1/tokens', jsonRequest('POST', { name: 'script' }, headers))

    const without = await create({ cookie })
    expect(without.status).toBe(403)
    expect(((await without.json()) as { error: { message: string } }).error.message).toMatch(
      /x-csrf-token/,
    )
    expect((await create({ cookie, 'x-csrf-token': 'forged' })).status).toBe(403)
    expect(
      (await create({ cookie, 'x-csrf-token': csrfToken, 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403)
    const ok = await create({ cookie, 'x-csrf-token': csrfToken })
    expect(ok.status).toBe(201)
    const { token } = (await ok.json()) as { token: string }
    // GET needs no CSRF token; a bearer token needs none for POST either.
    expect((await app.request('/v1/tokens', { headers: { cookie } })).status).toBe(200)
    expect((await create({ authorization: `Bearer ${token}` })).status).toBe(201)
  })

  it('signs out: the session ends and the cookie is cleared', async () => {
    const { app } = await setup()
    const userId = await newUser()
    const signedIn = await signIn(app, userId)
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string }
    const cookie = `assay_session=${sessionCookie(signedIn).value}`
    expect(
      (await app.request('/v1/session', { method: 'DELETE', headers: { cookie } })).status,
    ).toBe(403)
    const out = await app.request('/v1/session', {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrfToken },
    })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/assay_session=;.*Max-Age=0/)
    const after = await app.request('/v1/session', { headers: { cookie } })
    expect(after.status).toBe(401)
    const actions = await get()
      .database.db.selectFrom('eventLog')
      .select(['action', 'subjectId'])
      .where('subjectId', '=', userId)
      .execute()
    expect(actions.map((a) => a.action)).toEqual([
      'user.create',
      'session.sign_in',
      'session.sign_out',
    ])
  })

  it('ends sessions at expiry and when the user is disabled', async () => {
    const { app } = await setup()
    const userId = await newUser()
    const cookieOf = async () => `assay_session=${sessionCookie(await signIn(app, userId)).value}`
    const first = await cookieOf()
    clock.advance(12 * 3_600_000 + 1)
    expect((await app.request('/v1/session', { headers: { cookie: first } })).status).toBe(401)
    const second = await cookieOf()
    expect((await app.request('/v1/session', { headers: { cookie: second } })).status).toBe(200)
    await disableUser(get().database, userId, 'admin', clock.now())
    expect((await app.request('/v1/session', { headers: { cookie: second } })).status).toBe(401)
    expect((await signIn(app, userId)).status).toBe(401)
  })

  it('rate-limits sign-in per user id with 429 and Retry-After, whatever the password', async () => {
    const { app } = await makeApp(get().database, {
      clock,
      security: { signInAttemptsPerMinute: 3 },
    })
    const userId = await newUser()
    const fromAddress = (n: number) => ({ incoming: { socket: { remoteAddress: `10.0.0.${n}` } } })
    for (let i = 0; i < 3; i += 1) {
      const res = await app.request(
        '/v1/session',
        jsonRequest('POST', { userId, password: 'wrong password!!' }),
        fromAddress(i),
      )
      expect(res.status).toBe(401)
    }
    const limited = await app.request(
      '/v1/session',
      jsonRequest('POST', { userId, password: PASSWORD }),
      fromAddress(9),
    )
    expect(limited.status).toBe(429)
    expect(await errorCode(limited)).toBe('rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBe(20)
    clock.advance(20_000)
    expect(
      (
        await app.request(
          '/v1/session',
          jsonRequest('POST', { userId, password: PASSWORD }),
          fromAddress(9),
        )
      ).status,
    ).toBe(200)
  })

  it('rate-limits sign-in per client address across user ids', async () => {
    const { app } = await makeApp(get().database, {
      clock,
      security: { signInAttemptsPerMinute: 3 },
    })
    const env = { incoming: { socket: { remoteAddress: '192.0.2.7' } } }
    for (let i = 0; i < 3; i += 1)
      expect(
        (
          await app.request(
            '/v1/session',
            jsonRequest('POST', { userId: `probe${i}`, password: 'x' }),
            env,
          )
        ).status,
      ).toBe(401)
    const limited = await app.request(
      '/v1/session',
      jsonRequest('POST', { userId: 'probe9', password: 'x' }),
      env,
    )
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).not.toBeNull()
    // Another address is not affected.
    expect(
      (
        await app.request('/v1/session', jsonRequest('POST', { userId: 'probe9', password: 'x' }), {
          incoming: { socket: { remoteAddress: '192.0.2.8' } },
        })
      ).status,
    ).toBe(401)
  })
})
