/**
 * Password hashing with argon2id (@node-rs/argon2, prebuilt native binding) at the library's
 * defaults, which are OWASP's minimum for argon2id: 19 MiB memory, 2 passes, 1 lane.
 */
import { hash, verify } from '@node-rs/argon2'
import { ValidationError } from '../../domain/errors.js'

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 1024

/** Throws ValidationError for a password that is too short or too long. */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError('invalid password', [
      {
        path: 'password',
        message: `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters (got ${password.length})`,
      },
    ])
  }
}

/** An argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a random salt. */
export async function hashPassword(password: string): Promise<string> {
  checkPassword(password)
  return hash(password)
}

// Verified against when the user is unknown, so that a miss costs as long as a wrong password.
let dummyHash: Promise<string> | undefined

/** True when `password` matches `passwordHash`; with no hash, spends the same time and says false. */
export async function verifyPassword(
  passwordHash: string | undefined,
  password: string,
): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false
  if (passwordHash === undefined) {
    dummyHash ??= hash('assay-dummy-password-for-timing')
    await verify(await dummyHash, password).catch(() => false)
    return false
  }
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}
