import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../src/engine/access/parse-duration.js'
import { signIn } from '../../src/engine/access/sessions.js'
import { createUser, disableUser, setPassword } from '../../src/engine/access/users.js'
import { describeEachBackend } from '../helpers/db.js'

describe('parseDuration', () => {
  it('reads minutes, hours, days and weeks', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000)
    expect(parseDuration('90m')).toBe(90 * 60_000)
    expect(parseDuration('12h')).toBe(12 * 3_600_000)
    expect(parseDuration('2w')).toBe(14 * 86_400_000)
  })

  it('refuses anything else with the flag name and what arrived', () => {
    for (const text of ['soon', '0d', '-1d', '1.5d', '30', 'd', '30y']) {
      expect(() => parseDuration(text, '--expires')).toThrow(
        expect.objectContaining({
          code: 'validation_failed',
          details: [
            expect.objectContaining({
              path: '--expires',
              message: expect.stringContaining(JSON.stringify(text)),
            }),
          ],
        }),
      )
    }
  })
})

describeEachBackend('users', (get) => {
  it('reports every invalid field at once', async () => {
    await expect(
      createUser(get().database, { userId: 'bad id!', roles: ['boss'], regions: ['has space'] }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: [
        { path: 'userId', message: 'must be 1–128 letters, digits or _ . @ -' },
        { path: 'roles', message: expect.stringMatching(/^unknown role boss/) },
        { path: 'regions', message: expect.stringMatching(/without spaces or commas/) },
      ],
    })
  })

  it('refuses a short password and a duplicate user', async () => {
    await expect(
      createUser(get().database, { userId: 'shorty', roles: ['viewer'], password: 'short' }),
    ).rejects.toMatchObject({
      details: [{ path: 'password', message: 'must be 12 to 1024 characters (got 5)' }],
    })
    await createUser(get().database, { userId: 'twice', roles: ['viewer'] })
    await expect(
      createUser(get().database, { userId: 'twice', roles: ['viewer'] }),
    ).rejects.toMatchObject({ code: 'conflict' })
  })

  it('ends sessions when the password changes or the user is disabled, and records both', async () => {
    const { database } = get()
    await createUser(
      database,
      { userId: 'rotating', roles: ['viewer'], password: 'first password 1' },
      'cli:ops',
    )
    await signIn(
      database,
      { userId: 'rotating', password: 'first password 1' },
      { now: new Date() },
    )
    await setPassword(database, 'rotating', 'second password 2', 'cli:ops')
    const sessions = () =>
      database.db.selectFrom('sessions').select('userId').where('userId', '=', 'rotating').execute()
    expect(await sessions()).toEqual([])
    await expect(
      signIn(database, { userId: 'rotating', password: 'first password 1' }, { now: new Date() }),
    ).rejects.toMatchObject({ code: 'unauthenticated' })
    await signIn(
      database,
      { userId: 'rotating', password: 'second password 2' },
      { now: new Date() },
    )
    await disableUser(database, 'rotating', 'cli:ops', new Date())
    expect(await sessions()).toEqual([])
    const events = await database.db
      .selectFrom('eventLog')
      .select(['action', 'actor', 'after'])
      .where('subjectId', '=', 'rotating')
      .orderBy('seq')
      .execute()
    expect(events.map((e) => e.action)).toEqual([
      'user.create',
      'session.sign_in',
      'user.set_password',
      'session.sign_in',
      'user.disable',
    ])
    expect(JSON.stringify(events)).not.toMatch(/argon2|password 1|password 2/)
  })
})
