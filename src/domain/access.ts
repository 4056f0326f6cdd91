/**
 * Roles, permissions and the principal a request acts as. The one place where permission
 * rules live: routes declare the permission they need; this table says who has it.
 */
export const ROLES = [
  'admin',
  'quality_lead',
  'auditor',
  'arbitrator',
  'moderator',
  'viewer',
  'ingest',
] as const
export type Role = (typeof ROLES)[number]

export const PERMISSIONS = [
  'status:read',
  'taxonomy:write',
  'decisions:ingest',
  'audits:ingest',
  'ratings:ingest',
  'decisions:read',
  'plans:read',
  'plans:write',
  'samples:draw',
  'tasks:work',
  'tasks:assign',
  'disputes:file',
  'disputes:settle',
  'feedback:read-own',
  'feedback:read-all',
  'metrics:read',
  'reports:read',
  'targets:write',
  'users:admin',
  'alerts:read',
  'alerts:write',
  'monitors:write',
  'actions:write',
] as const
export type Permission = (typeof PERMISSIONS)[number]

const READ: Permission[] = [
  'status:read',
  'metrics:read',
  'reports:read',
  'plans:read',
  'alerts:read',
]

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  quality_lead: [
    ...READ,
    'taxonomy:write',
    'decisions:read',
    'plans:write',
    'samples:draw',
    'tasks:assign',
    'feedback:read-all',
    'targets:write',
    'alerts:write',
    'monitors:write',
    'actions:write',
  ],
  auditor: ['status:read', 'tasks:work'],
  arbitrator: ['status:read', 'disputes:settle', 'metrics:read'],
  moderator: ['feedback:read-own', 'disputes:file'],
  viewer: READ,
  ingest: ['decisions:ingest', 'audits:ingest', 'ratings:ingest', 'status:read'],
}

export interface Principal {
  userId: string
  roles: readonly Role[]
  /** When set, the principal sees only these regions / sites; null means every one. */
  regions: readonly string[] | null
  sites: readonly string[] | null
  /**
   * A scoped API token's permissions: when set, the principal holds only those of its roles'
   * permissions that are also listed here (user's ∩ token's). Absent or null: all of the roles'.
   */
  permissions?: readonly Permission[] | null
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  if (principal.permissions != null && !principal.permissions.includes(permission)) return false
  return principal.roles.some((role) => ROLE_PERMISSIONS[role].includes(permission))
}

/** Every permission the principal holds, in the order of PERMISSIONS. */
export function effectivePermissions(principal: Principal): Permission[] {
  return PERMISSIONS.filter((permission) => hasPermission(principal, permission))
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value)
}

/**
 * Whether a principal limited to some regions / sites may see data about this place (a decision,
 * a slice, a scope). A place without a region (or site) is visible only to principals without a
 * region (or site) limit: it may be about every region.
 * @example isWithinScope({ regions: ['EU'], sites: null }, { region: 'NA' }) // false
 */
export function isWithinScope(
  principal: Pick<Principal, 'regions' | 'sites'>,
  place: { region?: string | null; site?: string | null },
): boolean {
  if (
    principal.regions !== null &&
    (place.region == null || !principal.regions.includes(place.region))
  )
    return false
  if (principal.sites !== null && (place.site == null || !principal.sites.includes(place.site)))
    return false
  return true
}
