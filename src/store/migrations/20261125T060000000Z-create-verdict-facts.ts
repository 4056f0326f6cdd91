/**
 * `verdict_facts`: the final verdict of every audited decision (and its first appeal review), with
 * the decision's dimensions beside it, maintained at write time. It holds exactly what the
 * `final_verdicts` view computes, joined to the decision, so that metrics read one flat row per
 * audited decision instead of re-deriving the final verdict from every audit on every report.
 *
 * Kept current by statement-level triggers: any insert, update or delete of audits or disputes
 * recomputes the rows of the decisions it touched (`assay_refresh_verdict_facts`), with the same
 * rules as the view (first QA audit, overridden by the latest arbitration; disputed when the first
 * QA audit was disputed; second-QA agreement against the first QA audit). A decision that no
 * longer has a verdict keeps its row with `present = false`, so that readers following changes
 * see the removal.
 *
 * `txid` is the writing transaction's id: a reader that remembers the oldest transaction still
 * running at its previous read (`pg_snapshot_xmin`) fetches exactly the rows changed since, even
 * when transactions commit out of order (src/store/verdict-facts-store.ts).
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table verdict_facts (
      decision_id text not null,
      is_appeal boolean not null,
      present boolean not null,
      txid bigint not null default (pg_current_xact_id()::text::bigint),
      decided_at timestamptz not null,
      region text not null,
      queue text not null,
      site text,
      language text,
      content_type text,
      actor_type text not null,
      actor_id text not null,
      decision_policy text not null,
      decision_action text not null,
      policy_version text,
      attributes jsonb not null,
      audit_id text not null,
      auditor_id text not null,
      policy text not null,
      action text not null,
      severity text,
      root_cause text,
      outcome text not null,
      kind text not null,
      inclusion_probability double precision,
      disputed boolean,
      overturned boolean,
      second_qa_agrees boolean,
      primary key (decision_id, is_appeal)
    );
    -- Serves readers that follow changes (rows written by transactions newer than a snapshot).
    create index verdict_facts_txid on verdict_facts (txid);

    create function assay_refresh_verdict_facts(ids text[]) returns void language sql as $$
      with qa as (
        select distinct on (decision_id) decision_id, audit_id, policy, action, inclusion_probability
        from audits where kind = 'qa' and decision_id = any(ids)
        order by decision_id, audited_at, audit_id
      ), arbitration as (
        select distinct on (decision_id) decision_id, audit_id
        from audits where kind = 'arbitration' and decision_id = any(ids)
        order by decision_id, audited_at desc, audit_id desc
      ), second_qa as (
        select distinct on (decision_id) decision_id, policy, action
        from audits where kind = 'second_qa' and decision_id = any(ids)
        order by decision_id, audited_at, audit_id
      ), appeal as (
        select distinct on (decision_id) decision_id, audit_id
        from audits where kind = 'appeal' and decision_id = any(ids)
        order by decision_id, audited_at, audit_id
      ), chosen as (
        select coalesce(a.decision_id, q.decision_id) as decision_id,
               coalesce(a.audit_id, q.audit_id) as audit_id,
               q.audit_id as qa_audit_id, q.policy as qa_policy, q.action as qa_action,
               q.inclusion_probability as qa_inclusion_probability
        from qa q full join arbitration a on a.decision_id = q.decision_id
      ), computed as (
        select c.decision_id, false as is_appeal, f.audit_id, f.auditor_id, f.policy, f.action, f.severity,
               f.root_cause, f.outcome, f.kind,
               coalesce(c.qa_inclusion_probability, f.inclusion_probability) as inclusion_probability,
               exists (select 1 from disputes d where d.audit_id = c.qa_audit_id) as disputed,
               (f.kind = 'arbitration' and c.qa_audit_id is not null
                 and (f.policy <> c.qa_policy or f.action <> c.qa_action)) as overturned,
               case when s.decision_id is null or c.qa_audit_id is null then null
                    else (s.policy = c.qa_policy and s.action = c.qa_action) end as second_qa_agrees
        from chosen c
        join audits f on f.audit_id = c.audit_id
        left join second_qa s on s.decision_id = c.decision_id
        union all
        select p.decision_id, true, f.audit_id, f.auditor_id, f.policy, f.action, f.severity, f.root_cause,
               f.outcome, f.kind, f.inclusion_probability, null, null, null
        from appeal p join audits f on f.audit_id = p.audit_id
      ), written as (
        insert into verdict_facts (decision_id, is_appeal, present, txid, decided_at, region, queue, site,
          language, content_type, actor_type, actor_id, decision_policy, decision_action, policy_version,
          attributes, audit_id, auditor_id, policy, action, severity, root_cause, outcome, kind,
          inclusion_probability, disputed, overturned, second_qa_agrees)
        select v.decision_id, v.is_appeal, true, pg_current_xact_id()::text::bigint, d.decided_at, d.region,
               d.queue, d.site, d.language, d.content_type, d.actor_type, d.actor_id, d.policy, d.action,
               d.policy_version, d.attributes, v.audit_id, v.auditor_id, v.policy, v.action, v.severity,
               v.root_cause, v.outcome, v.kind, v.inclusion_probability, v.disputed, v.overturned,
               v.second_qa_agrees
        from computed v join decisions d on d.decision_id = v.decision_id
        order by v.decision_id, v.is_appeal
        on conflict (decision_id, is_appeal) do update set
          present = true, txid = excluded.txid, audit_id = excluded.audit_id,
          auditor_id = excluded.auditor_id, policy = excluded.policy, action = excluded.action,
          severity = excluded.severity, root_cause = excluded.root_cause, outcome = excluded.outcome,
          kind = excluded.kind, inclusion_probability = excluded.inclusion_probability,
          disputed = excluded.disputed, overturned = excluded.overturned,
          second_qa_agrees = excluded.second_qa_agrees
        returning decision_id, is_appeal
      )
      update verdict_facts f set present = false, txid = pg_current_xact_id()::text::bigint
      where f.decision_id = any(ids) and f.present
        and not exists (select 1 from written w where w.decision_id = f.decision_id and w.is_appeal = f.is_appeal);
    $$;

    create function assay_refresh_verdict_facts_from_new() returns trigger language plpgsql as $$
    begin
      perform assay_refresh_verdict_facts(array(select distinct decision_id from new_rows));
      return null;
    end
    $$;
    create function assay_refresh_verdict_facts_from_old() returns trigger language plpgsql as $$
    begin
      perform assay_refresh_verdict_facts(array(select distinct decision_id from old_rows));
      return null;
    end
    $$;
    create function assay_refresh_verdict_facts_from_both() returns trigger language plpgsql as $$
    begin
      perform assay_refresh_verdict_facts(array(
        select decision_id from old_rows union select decision_id from new_rows));
      return null;
    end
    $$;

    create trigger audits_refresh_verdict_facts_insert after insert on audits
      referencing new table as new_rows
      for each statement execute function assay_refresh_verdict_facts_from_new();
    create trigger audits_refresh_verdict_facts_update after update on audits
      referencing old table as old_rows new table as new_rows
      for each statement execute function assay_refresh_verdict_facts_from_both();
    create trigger audits_refresh_verdict_facts_delete after delete on audits
      referencing old table as old_rows
      for each statement execute function assay_refresh_verdict_facts_from_old();
    create trigger disputes_refresh_verdict_facts_insert after insert on disputes
      referencing new table as new_rows
      for each statement execute function assay_refresh_verdict_facts_from_new();

    select assay_refresh_verdict_facts(array(select distinct decision_id from audits));

    -- Handle-time sketch buckets per day, region and site only: the cells a report reads for its
    -- handle-time figures (overall, per period, per region) stay few however many decisions
    -- arrive, unlike the full roll-up's. Maintained from decision_handle_time_buckets by triggers,
    -- whatever path writes it.
    create table decision_handle_time_scope (
      day date not null,
      region text not null,
      site text not null,
      bucket integer not null,
      count bigint not null,
      primary key (day, region, site, bucket)
    );
    insert into decision_handle_time_scope
    select day, region, site, bucket, sum(count) from decision_handle_time_buckets
    group by day, region, site, bucket;

    create function assay_handle_time_scope_add() returns trigger language plpgsql as $$
    begin
      insert into decision_handle_time_scope
      select day, region, site, bucket, sum(count) from new_rows
      group by day, region, site, bucket order by day, region, site, bucket
      on conflict (day, region, site, bucket) do update
        set count = decision_handle_time_scope.count + excluded.count;
      return null;
    end
    $$;
    create function assay_handle_time_scope_change() returns trigger language plpgsql as $$
    begin
      insert into decision_handle_time_scope
      select day, region, site, bucket, sum(delta)
      from (select day, region, site, bucket, count as delta from new_rows
            union all
            select day, region, site, bucket, -count from old_rows) changes
      group by day, region, site, bucket order by day, region, site, bucket
      on conflict (day, region, site, bucket) do update
        set count = decision_handle_time_scope.count + excluded.count;
      return null;
    end
    $$;
    create function assay_handle_time_scope_remove() returns trigger language plpgsql as $$
    begin
      insert into decision_handle_time_scope
      select day, region, site, bucket, -sum(count) from old_rows
      group by day, region, site, bucket order by day, region, site, bucket
      on conflict (day, region, site, bucket) do update
        set count = decision_handle_time_scope.count + excluded.count;
      return null;
    end
    $$;
    create trigger handle_time_scope_insert after insert on decision_handle_time_buckets
      referencing new table as new_rows
      for each statement execute function assay_handle_time_scope_add();
    create trigger handle_time_scope_update after update on decision_handle_time_buckets
      referencing old table as old_rows new table as new_rows
      for each statement execute function assay_handle_time_scope_change();
    create trigger handle_time_scope_delete after delete on decision_handle_time_buckets
      referencing old table as old_rows
      for each statement execute function assay_handle_time_scope_remove();
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger handle_time_scope_delete on decision_handle_time_buckets;
    drop trigger handle_time_scope_update on decision_handle_time_buckets;
    drop trigger handle_time_scope_insert on decision_handle_time_buckets;
    drop function assay_handle_time_scope_remove();
    drop function assay_handle_time_scope_change();
    drop function assay_handle_time_scope_add();
    drop table decision_handle_time_scope;
    drop trigger disputes_refresh_verdict_facts_insert on disputes;
    drop trigger audits_refresh_verdict_facts_delete on audits;
    drop trigger audits_refresh_verdict_facts_update on audits;
    drop trigger audits_refresh_verdict_facts_insert on audits;
    drop function assay_refresh_verdict_facts_from_both();
    drop function assay_refresh_verdict_facts_from_old();
    drop function assay_refresh_verdict_facts_from_new();
    drop function assay_refresh_verdict_facts(text[]);
    drop table verdict_facts;
  `.execute(db)
}
