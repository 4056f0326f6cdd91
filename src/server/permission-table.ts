/**
 * The route × role permission table, generated from the app's route list and ROUTE_PERMISSIONS:
 * the Markdown table in SECURITY.md is this function's output (`npm run docs:permissions`
 * rewrites it; test/security/route-permissions.test.ts fails when it is out of date).
 */
import { ROLES } from '../domain/access.js'
import { isAllowedByRule, isEndpoint, ROUTE_PERMISSIONS, type RouteRule } from './auth.js'

export const PERMISSION_TABLE_START = '<!-- route-permissions:start (generated) -->'
export const PERMISSION_TABLE_END = '<!-- route-permissions:end -->'

function describeRule(rule: RouteRule | undefined): string {
  if (rule === undefined) return '**no rule**'
  if (typeof rule === 'object') return rule.anyOf.map((p) => `\`${p}\``).join(' or ')
  return rule === 'public' || rule === 'authenticated' ? rule : `\`${rule}\``
}

/**
 * One row per route (`METHOD /path` as Hono lists it), in path then method order: its rule, and
 * ✓ under each role the rule admits (a single-role user without region limits). Public routes
 * need no credential at all.
 * @example permissionTable(app.routes) // '| route | rule | admin | … |\n| --- | …'
 */
export function permissionTable(routes: readonly { method: string; path: string }[]): string {
  const keys = [...new Set(routes.filter(isEndpoint).map((r) => `${r.method} ${r.path}`))]
  keys.sort((a, b) => {
    const [ma = '', pa = ''] = a.split(' ')
    const [mb = '', pb = ''] = b.split(' ')
    return pa < pb ? -1 : pa > pb ? 1 : ma < mb ? -1 : ma > mb ? 1 : 0
  })
  const lines = [
    `| route | rule | ${ROLES.join(' | ')} |`,
    `| --- | --- |${ROLES.map(() => ' :-: |').join('')}`,
  ]
  for (const key of keys) {
    const rule = ROUTE_PERMISSIONS[key]
    const cells = ROLES.map((role) =>
      rule !== undefined &&
      isAllowedByRule({ userId: 'x', roles: [role], regions: null, sites: null }, rule)
        ? '✓'
        : '',
    )
    lines.push(`| \`${key}\` | ${describeRule(rule)} | ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

/** `document` with the text between the table markers replaced by `table`. */
export function withPermissionTable(document: string, table: string): string {
  const start = document.indexOf(PERMISSION_TABLE_START)
  const end = document.indexOf(PERMISSION_TABLE_END)
  if (start === -1 || end < start) throw new Error('the permission table markers are missing')
  return `${document.slice(0, start + PERMISSION_TABLE_START.length)}\n${table}\n${document.slice(end)}`
}
