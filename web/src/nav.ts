/** The pages, where they live and who may see them (permissions of the security issue). */
import type { Permission } from './api/types'

export interface NavItem {
  path: string
  label: string
  /** Shown when the user has any of these. */
  anyOf: Permission[]
}

export const NAV: NavItem[] = [
  { path: '/', label: 'Overview', anyOf: ['reports:read'] },
  { path: '/explore', label: 'Explore', anyOf: ['metrics:read'] },
  { path: '/trends', label: 'Trends', anyOf: ['metrics:read'] },
  { path: '/root-causes', label: 'Root causes', anyOf: ['metrics:read'] },
  { path: '/scorecard', label: 'Scorecard', anyOf: ['feedback:read-own', 'feedback:read-all'] },
  { path: '/audit', label: 'Audit', anyOf: ['tasks:work'] },
  { path: '/disputes', label: 'Disputes', anyOf: ['disputes:file', 'disputes:settle'] },
  { path: '/plans', label: 'Plans', anyOf: ['plans:read'] },
  { path: '/targets', label: 'Targets', anyOf: ['reports:read', 'targets:write'] },
]

/** The first page a user may see: where sign-in and `/` lead when Overview is not theirs. */
export function homeFor(permissions: readonly Permission[]): string {
  const item = NAV.find((n) => n.anyOf.some((p) => permissions.includes(p)))
  return item?.path ?? '/no-access'
}
