/** The principal a CLI command acts as (`--as USER`): the user's roles, checked like an API token. */
import { hasPermission, type Permission, type Principal, type Role } from '../../domain/access.js'
import { AppError } from '../../domain/errors.js'
import type { Database } from '../../store/db.js'
import { getUser } from '../../store/user-store.js'

export async function actingAs(
  database: Database,
  userId: string,
  permission: Permission,
): Promise<Principal> {
  const user = await getUser(database.db, userId)
  if (user.disabledAt !== null) throw new AppError('forbidden', `user ${userId} is disabled`)
  const principal: Principal = {
    userId: user.userId,
    roles: user.roles as Role[],
    regions: user.regions,
    sites: user.sites,
  }
  if (!hasPermission(principal, permission)) {
    throw new AppError(
      'forbidden',
      `this needs the ${permission} permission, which ${userId}'s roles (${user.roles.join(', ')}) do not have`,
    )
  }
  return principal
}
