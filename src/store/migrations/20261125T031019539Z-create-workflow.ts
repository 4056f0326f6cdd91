/**
 * The QA workflow: versioned sampling plans, drawn samples, audit tasks with leases, auditor
 * profiles, disputes and their settlements, and the `final_verdicts` view metrics read.
 *
 * Verdicts stay rows of `audits` (source 'workflow' for verdicts made here, 'import' for the data
 * contract): kind 'qa' (first audit), 'second_qa' (independent QA of QA), 'arbitration' (a settled
 * dispute). Audits, disputes and settlements are append-only — triggers refuse UPDATE and DELETE —
 * so no verdict is ever overwritten; the final verdict is chosen by the view.
 *
 * final_verdicts — one row per audited decision (a decision with a 'qa' or 'arbitration' audit):
 *   decision_id            the audited decision
 *   audit_id               the final verdict's audit: the latest 'arbitration' audit of the decision
 *                          when there is one (a settled dispute, or an imported arbitration),
 *                          otherwise the first 'qa' audit (earliest audited_at, then audit_id),
 *                          imported or from the workflow
 *   auditor_id, audited_at, policy, action, severity, root_cause, outcome, kind, source,
 *   taxonomy_version       of that final audit (outcome derived against the original decision)
 *   qa_audit_id            the first 'qa' audit (null when only an arbitration exists)
 *   inclusion_probability  the sampling design's: the first 'qa' audit's, else the final audit's
 *                          (null when the audit came from outside any sample)
 *   disputed               the first 'qa' audit has a dispute (settled or not)
 *   overturned             the final verdict is an arbitration whose policy or action differs from
 *                          the first 'qa' audit's
 *   second_qa_agrees       null without a 'second_qa' audit; else whether the first second_qa audit
 *                          has the same policy and action as the first 'qa' audit
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Versioned like taxonomies: a new document for the same plan name is a new version.
    create table sampling_plans (
      plan_id text not null,
      version integer not null,
      name text not null,
      salt text not null,
      document jsonb not null,
      created_at timestamptz not null default now(),
      primary key (plan_id, version)
    );

    -- No foreign keys on samples and audit_tasks: rows are only ever made from existing decisions
    -- and plans by the draw, decisions are never deleted, and per-row FK checks (an index probe and
    -- a row lock each) were ~40% of a 10,000-row draw.
    create table samples (
      plan_id text not null,
      decision_id text not null,
      plan_version integer not null,
      period text not null,
      stratum text not null,
      inclusion_probability double precision not null
        check (inclusion_probability > 0 and inclusion_probability <= 1),
      method text not null check (method in ('stream', 'batch')),
      -- 1: the stratified draw; 2: the top-up to the minimum per moderator.
      phase smallint not null default 1 check (phase in (1, 2)),
      drawn_at timestamptz not null default now(),
      primary key (plan_id, decision_id)
    );
    -- Serves "what was drawn for this plan and period" (dry-run comparisons, task creation).
    create index samples_plan_period on samples (plan_id, period);

    create table auditor_profiles (
      user_id text primary key references users (user_id),
      languages text[],
      site text,
      updated_at timestamptz not null default now()
    );

    create table audit_tasks (
      task_id text primary key,
      decision_id text not null,
      plan_id text,
      plan_version integer,
      kind text not null check (kind in ('qa', 'second_qa')),
      assignee_id text references users (user_id),
      lease_expires_at timestamptz,
      created_at timestamptz not null default now(),
      completed_audit_id text references audits (audit_id),
      -- The first QA auditor, for second_qa tasks (never the same person).
      excluded_auditor_id text,
      -- One task per decision and kind: a decision sampled by two plans is audited once.
      unique (decision_id, kind)
    );
    -- Serves leasing (open tasks, by assignee) and load balancing (open tasks per auditor).
    create index audit_tasks_open on audit_tasks (assignee_id) where completed_audit_id is null;

    create table disputes (
      dispute_id text primary key,
      audit_id text not null unique references audits (audit_id),
      decision_id text not null references decisions (decision_id),
      moderator_id text not null,
      reason text not null,
      filed_at timestamptz not null
    );
    -- Serves feedback (a moderator's disputes).
    create index disputes_moderator_id on disputes (moderator_id);

    create table dispute_settlements (
      dispute_id text primary key references disputes (dispute_id),
      arbitrator_id text not null,
      resolution text not null check (resolution in ('upheld', 'overturned')),
      arbitration_audit_id text not null unique references audits (audit_id),
      comment text,
      settled_at timestamptz not null
    );

    create function assay_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', tg_table_name, tg_op;
    end
    $$;
    create trigger disputes_append_only before update or delete on disputes
      for each row execute function assay_append_only();
    create trigger dispute_settlements_append_only before update or delete on dispute_settlements
      for each row execute function assay_append_only();
    -- Workflow verdicts are never overwritten; imported audits keep whatever ingest does with them.
    create trigger audits_workflow_append_only before update or delete on audits
      for each row when (old.source = 'workflow') execute function assay_append_only();

    create view final_verdicts as
    with qa as (
      select distinct on (decision_id) decision_id, audit_id, policy, action, inclusion_probability
      from audits where kind = 'qa'
      order by decision_id, audited_at, audit_id
    ), arbitration as (
      select distinct on (decision_id) decision_id, audit_id
      from audits where kind = 'arbitration'
      order by decision_id, audited_at desc, audit_id desc
    ), second_qa as (
      select distinct on (decision_id) decision_id, policy, action
      from audits where kind = 'second_qa'
      order by decision_id, audited_at, audit_id
    ), chosen as (
      select coalesce(a.decision_id, q.decision_id) as decision_id,
             coalesce(a.audit_id, q.audit_id) as audit_id,
             q.audit_id as qa_audit_id, q.policy as qa_policy, q.action as qa_action,
             q.inclusion_probability as qa_inclusion_probability
      from qa q full join arbitration a on a.decision_id = q.decision_id
    )
    select c.decision_id, f.audit_id, f.auditor_id, f.audited_at, f.policy, f.action, f.severity,
           f.root_cause, f.outcome, f.kind, f.source, f.taxonomy_version, c.qa_audit_id,
           coalesce(c.qa_inclusion_probability, f.inclusion_probability) as inclusion_probability,
           (d.dispute_id is not null) as disputed,
           (f.kind = 'arbitration' and c.qa_audit_id is not null
             and (f.policy <> c.qa_policy or f.action <> c.qa_action)) as overturned,
           case when s.decision_id is null or c.qa_audit_id is null then null
                else (s.policy = c.qa_policy and s.action = c.qa_action) end as second_qa_agrees
    from chosen c
    join audits f on f.audit_id = c.audit_id
    left join disputes d on d.audit_id = c.qa_audit_id
    left join second_qa s on s.decision_id = c.decision_id;
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop view final_verdicts;
    drop trigger audits_workflow_append_only on audits;
    drop table dispute_settlements;
    drop table disputes;
    drop function assay_append_only();
    drop table audit_tasks;
    drop table auditor_profiles;
    drop table samples;
    drop table sampling_plans;
  `.execute(db)
}
