/**
 * Targets, user metric definitions, and `audited_decisions`: a copy of the dimensions of every audited decision so that
 * metrics never touch the raw `decisions` table.
 *
 * Why the copy: a report joins ~400k final verdicts to their decisions. Against a 10M-row
 * `decisions` table that join costs a hash join over every decision (or 400k random index probes,
 * ~1.3 s on a 2-core machine) and grows with decision volume; against `audited_decisions` (one row
 * per audited decision) it is a small hash join that does not. Decisions are immutable (re-sending
 * one is a no-op), so the copy never goes stale; a statement-level trigger on `audits` keeps it
 * complete whatever path inserts audits (COPY import, API, workflow).
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table targets (
      target_id text primary key,
      metric text not null,
      scope jsonb not null default '{}',
      period text not null,
      threshold double precision not null,
      direction text not null check (direction in ('at_least', 'at_most')),
      name text,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- User-defined metrics (the standard library ships as YAML in the code); same shape.
    create table metric_definitions (
      code text primary key,
      document jsonb not null,
      updated_at timestamptz not null default now()
    );

    create table audited_decisions (
      decision_id text primary key,
      decided_at timestamptz not null,
      region text not null,
      queue text not null,
      site text,
      language text,
      content_type text,
      actor_type text not null,
      actor_id text not null,
      policy text not null,
      action text not null,
      policy_version text,
      attributes jsonb not null default '{}'
    );
    -- Serves the period filter of every metric query (decisions made in the period).
    create index audited_decisions_decided_at on audited_decisions (decided_at);

    insert into audited_decisions
    select d.decision_id, d.decided_at, d.region, d.queue, d.site, d.language, d.content_type, d.actor_type,
           d.actor_id, d.policy, d.action, d.policy_version, d.attributes
    from decisions d
    where d.decision_id in (select decision_id from audits);

    create function assay_copy_audited_decisions() returns trigger language plpgsql as $$
    begin
      insert into audited_decisions
      select d.decision_id, d.decided_at, d.region, d.queue, d.site, d.language, d.content_type, d.actor_type,
             d.actor_id, d.policy, d.action, d.policy_version, d.attributes
      from decisions d
      where d.decision_id in (select decision_id from inserted_audits)
      on conflict (decision_id) do nothing;
      return null;
    end
    $$;
    create trigger audits_copy_audited_decisions after insert on audits
      referencing new table as inserted_audits
      for each statement execute function assay_copy_audited_decisions();
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger audits_copy_audited_decisions on audits;
    drop function assay_copy_audited_decisions();
    drop table audited_decisions;
    drop table metric_definitions;
    drop table targets;
  `.execute(db)
}
