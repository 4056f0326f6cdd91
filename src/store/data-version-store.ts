/**
 * A cheap "data version" of the store: a value that changes whenever data changes, so that read
 * caches can tell whether what they hold is still current.
 *
 * Two parts, both from catalog-sized reads (one index probe plus one row per table; about a
 * millisecond with the round trip, so callers read it at most about once a second):
 * - the newest event-log seq: access, alert and corrective-action changes append an entry in their
 *   own transaction, so it moves exactly when they commit;
 * - PostgreSQL's cumulative tuple counters (inserted + updated + deleted) of the permanent tables
 *   in this schema, which every insert, update and delete moves, whatever process or path made it
 *   (CLI ingest, workers, other servers, COPY). They are published by each backend after its
 *   transaction commits, within about a second (PostgreSQL 15+ flushes pending statistics at most
 *   once a second, and at the latest when the backend has been idle for 10 s), so a reader that
 *   sees a new count also sees the data. `sessions` and `api_tokens` are left out: signing in and
 *   out, and a token's `last_used_at` (written about once a minute per token in use), change no
 *   data a report shows, and every other change to them appends an event anyway. A statistics
 *   reset (pg_stat_reset, a crash) changes the value too, which only costs a recomputation.
 * Temporary tables (ingest staging) are left out; their writes reach permanent tables anyway.
 */
import { sql, type Kysely } from 'kysely'
import type { Schema } from './schema/index.js'

export async function findDataVersion(db: Kysely<Schema>): Promise<string> {
  const { rows } = await sql<{ seq: number | null; changes: number | null }>`
    select
      (select max(seq) from event_log) as seq,
      (select sum(pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid)
                  + pg_stat_get_tuples_deleted(c.oid))
         from pg_class c
        where c.relkind = 'r' and c.relpersistence = 'p' and c.relname not in ('sessions', 'api_tokens')
          and c.relnamespace = (select oid from pg_namespace where nspname = current_schema())
      ) as changes
  `.execute(db)
  const row = rows[0]
  return `${row?.seq ?? 0}.${row?.changes ?? 0}`
}
