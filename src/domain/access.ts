/**
 * Roles, permissions and the principal a request acts as. The one place where permission
 * rules live: routes declare the permission they need; this table says who has it.
 */
export const ROLES = ['admin', 'quality_lead', 'auditor', 'arbitrator', 'moderator', 'viewer', 'ingest'] as const
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
] as const
export type Permission = (typeof PERMISSIONS)[number]

const READ: Permission[] = ['status:read', 'metrics:read', 'reports:read', 'plans:read']

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
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.roles.some((role) => ROLE_PERMISSIONS[role].includes(permission))
}
