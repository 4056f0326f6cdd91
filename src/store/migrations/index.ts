/**
 * Every migration, listed explicitly in order (ozone). Migrations are immutable once merged;
 * add new ones with `npm run migration:create -- verb-noun`.
 */
import type { Migration } from 'kysely'
import * as createCore from './20261125T030000000Z-create-core.js'
import * as createUsers from './20261125T030352866Z-create-users.js'

export const MIGRATIONS: Record<string, Migration> = {
  '20261125T030000000Z-create-core': createCore,
  '20261125T030352866Z-create-users': createUsers,
}
