/**
 * Table types for Kysely, in camelCase (the CamelCasePlugin maps them to snake_case SQL).
 * One interface per table; aggregates add theirs here.
 */
import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface TaxonomiesTable {
  version: number
  name: string
  document: Json<unknown>
  createdAt: Generated<Date>
}

export interface DecisionsTable {
  decisionId: string
  contentId: string
  contentType: string | null
  decidedAt: Timestamp
  region: string
  language: string | null
  queue: string
  site: string | null
  actorType: 'human' | 'machine'
  actorId: string
  policy: string
  action: string
  score: number | null
  handleTimeMs: number | null
  policyVersion: string | null
  attributes: Json<Record<string, string>>
}

export interface AuditsTable {
  auditId: string
  decisionId: string
  auditorId: string
  auditedAt: Timestamp
  policy: string
  action: string
  severity: 'critical' | 'major' | 'minor' | null
  rootCause: string | null
  kind: Generated<'qa' | 'second_qa' | 'arbitration' | 'appeal'>
  inclusionProbability: number | null
  comment: string | null
  attributes: Json<Record<string, string>>
  outcome: string
  taxonomyVersion: number
  source: Generated<string>
}

export interface RatingsTable {
  sessionId: string
  itemId: string
  raterId: string
  label: string
  ratedAt: Timestamp | null
}

interface RollupKey {
  day: string
  region: string
  queue: string
  site: string
  actorType: string
  policy: string
  action: string
}

export interface DecisionVolumeDailyTable extends RollupKey {
  decisions: number
  handleTimeCount: number
  handleTimeTotalMs: number
}

export interface DecisionHandleTimeBucketsTable extends RollupKey {
  bucket: number
  count: number
}

export interface UsersTable {
  userId: string
  displayName: string
  roles: string[]
  regions: string[] | null
  sites: string[] | null
  passwordHash: string | null
  createdAt: Generated<Date>
  disabledAt: Timestamp | null
}

export interface ApiTokensTable {
  tokenId: string
  userId: string
  name: string
  tokenHash: string
  createdAt: Generated<Date>
  expiresAt: Timestamp | null
  revokedAt: Timestamp | null
  lastUsedAt: Timestamp | null
}

export interface Schema {
  users: UsersTable
  apiTokens: ApiTokensTable
  taxonomies: TaxonomiesTable
  decisions: DecisionsTable
  audits: AuditsTable
  ratings: RatingsTable
  decisionVolumeDaily: DecisionVolumeDailyTable
  decisionHandleTimeBuckets: DecisionHandleTimeBucketsTable
}
