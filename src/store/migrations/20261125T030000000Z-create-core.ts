/** Core tables of the data contract: taxonomy versions, decisions, audits, ratings and volume roll-ups. */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table taxonomies (
      version integer primary key,
      name text not null,
      document jsonb not null,
      created_at timestamptz not null default now()
    );

    create table decisions (
      decision_id text primary key,
      content_id text not null,
      content_type text,
      decided_at timestamptz not null,
      region text not null,
      language text,
      queue text not null,
      site text,
      actor_type text not null check (actor_type in ('human', 'machine')),
      actor_id text not null,
      policy text not null,
      action text not null,
      score double precision check (score between 0 and 1),
      handle_time_ms integer check (handle_time_ms >= 0),
      policy_version text,
      attributes jsonb not null default '{}'
    );
    -- Serves period scans (batch sampling, drill-down by date). BRIN: decisions arrive in time order,
    -- and a BRIN index costs almost nothing to maintain at ingest, unlike a B-tree.
    create index decisions_decided_at_brin on decisions using brin (decided_at);

    create table audits (
      audit_id text primary key,
      decision_id text not null references decisions (decision_id),
      auditor_id text not null,
      audited_at timestamptz not null,
      policy text not null,
      action text not null,
      severity text check (severity in ('critical', 'major', 'minor')),
      root_cause text,
      kind text not null default 'qa' check (kind in ('qa', 'second_qa', 'arbitration', 'appeal')),
      inclusion_probability double precision check (inclusion_probability > 0 and inclusion_probability <= 1),
      comment text,
      attributes jsonb not null default '{}',
      outcome text not null,
      taxonomy_version integer not null references taxonomies (version),
      source text not null default 'import'
    );
    -- Serves joins from a decision to its audits (metrics, feedback, sampling exclusions).
    create index audits_decision_id on audits (decision_id);
    -- Serves metric evaluation by audit period.
    create index audits_audited_at on audits (audited_at);

    create table ratings (
      session_id text not null,
      item_id text not null,
      rater_id text not null,
      label text not null,
      rated_at timestamptz,
      primary key (session_id, item_id, rater_id)
    );

    -- Volume roll-up maintained at ingest: reports read volume here, never from raw decisions.
    -- site is '' when the decision has none (primary-key columns cannot be null).
    create table decision_volume_daily (
      day date not null,
      region text not null,
      queue text not null,
      site text not null,
      actor_type text not null,
      policy text not null,
      action text not null,
      decisions bigint not null,
      handle_time_count bigint not null,
      handle_time_total_ms bigint not null,
      primary key (day, region, queue, site, actor_type, policy, action)
    );

    -- A mergeable quantile sketch of handle time per roll-up cell: DDSketch buckets merged by sum.
    create table decision_handle_time_buckets (
      day date not null,
      region text not null,
      queue text not null,
      site text not null,
      actor_type text not null,
      policy text not null,
      action text not null,
      bucket integer not null,
      count bigint not null,
      primary key (day, region, queue, site, actor_type, policy, action, bucket)
    );
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table decision_handle_time_buckets;
    drop table decision_volume_daily;
    drop table ratings;
    drop table audits;
    drop table decisions;
    drop table taxonomies;
  `.execute(db)
}
