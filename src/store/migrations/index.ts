/**
 * Every migration, listed explicitly in order (ozone). Migrations are immutable once merged;
 * add new ones with `npm run migration:create -- verb-noun`.
 */
import type { Migration } from 'kysely'
import * as createCore from './20261125T030000000Z-create-core.js'
import * as createUsers from './20261125T030352866Z-create-users.js'
import * as createEventLog from './20261125T030935733Z-create-event-log.js'
import * as createWorkflow from './20261125T031019539Z-create-workflow.js'
import * as createTargets from './20261125T031110663Z-create-targets.js'
import * as createMonitoring from './20261125T033110421Z-create-monitoring.js'
import * as createVerdictFacts from './20261125T060000000Z-create-verdict-facts.js'
import * as compactDecisionRollups from './20261207T171955160Z-compact-decision-rollups.js'

export const MIGRATIONS: Record<string, Migration> = {
  '20261125T030000000Z-create-core': createCore,
  '20261125T030352866Z-create-users': createUsers,
  '20261125T030935733Z-create-event-log': createEventLog,
  '20261125T031019539Z-create-workflow': createWorkflow,
  '20261125T031110663Z-create-targets': createTargets,
  '20261125T033110421Z-create-monitoring': createMonitoring,
  '20261125T060000000Z-create-verdict-facts': createVerdictFacts,
  '20261207T171955160Z-compact-decision-rollups': compactDecisionRollups,
}
