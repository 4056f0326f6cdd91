/**
 * Monitoring and the improvement loop: user monitors (the shipped defaults live in
 * src/domain/monitoring/default-monitors.yaml and are overridden by a row with the same id),
 * monitor runs, alert signals (the idempotency key), alerts, webhooks with a delivery outbox and
 * its attempt log, and corrective actions. See the README, Monitoring.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table monitors (
      monitor_id text primary key,
      document jsonb not null,
      created_by text,
      updated_at timestamptz not null default now()
    );

    create table monitor_runs (
      run_id bigserial primary key,
      started_at timestamptz not null,
      finished_at timestamptz not null,
      as_of_from date not null,
      as_of_to date not null,
      actor text not null,
      monitors integer not null,
      points_judged integer not null,
      signals integer not null,
      alerts_raised integer not null
    );

    create table alerts (
      alert_id text primary key,
      monitor_id text not null,
      -- metric + slice (or target): signals of one group attach to its open alert instead of raising another.
      group_key text not null,
      metric text,
      slice jsonb not null,
      rule text not null,
      severity text not null check (severity in ('critical', 'major', 'minor')),
      state text not null default 'open' check (state in ('open', 'acknowledged', 'resolved')),
      title text not null,
      first_period text not null,
      last_period text not null,
      -- Start of the last signalled period, for the cooldown (period time, not wall time).
      last_period_start date not null,
      signal_count integer not null default 1,
      p_value double precision,
      p_adjusted double precision,
      evidence jsonb not null,
      raised_at timestamptz not null,
      updated_at timestamptz not null,
      acknowledged_at timestamptz,
      acknowledged_by text,
      resolved_at timestamptz,
      resolved_by text,
      note text
    );
    -- Serves grouping and cooldown: the latest alert of a group.
    create index alerts_group on alerts (group_key, last_period_start desc);
    -- Serves the open-alert list (Overview) and the list by state.
    create index alerts_state on alerts (state, raised_at desc);

    -- One row per (monitor, slice, rule, period): re-running a period inserts nothing new.
    create table alert_signals (
      monitor_id text not null,
      slice_key text not null,
      rule text not null,
      period text not null,
      alert_id text not null references alerts (alert_id),
      as_of date not null,
      p_value double precision,
      p_adjusted double precision,
      created_at timestamptz not null,
      primary key (monitor_id, slice_key, rule, period)
    );
    -- Serves the signals of one alert (its evidence history).
    create index alert_signals_alert on alert_signals (alert_id);

    create table webhooks (
      webhook_id text primary key,
      url text not null,
      format text not null default 'json' check (format in ('json', 'slack')),
      min_severity text not null default 'minor' check (min_severity in ('critical', 'major', 'minor')),
      enabled boolean not null default true,
      created_at timestamptz not null default now()
    );

    -- The outbox: written in the transaction that raises the alert, delivered afterwards.
    create table alert_deliveries (
      delivery_id bigserial primary key,
      alert_id text not null references alerts (alert_id),
      webhook_id text not null references webhooks (webhook_id) on delete cascade,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      created_at timestamptz not null,
      delivered_at timestamptz
    );
    -- Serves the deliverer: due pending deliveries.
    create index alert_deliveries_due on alert_deliveries (next_attempt_at) where status = 'pending';

    create table alert_delivery_attempts (
      delivery_id bigint not null references alert_deliveries (delivery_id) on delete cascade,
      attempt integer not null,
      attempted_at timestamptz not null,
      ok boolean not null,
      status_code integer,
      error text,
      duration_ms integer not null,
      primary key (delivery_id, attempt)
    );

    create table corrective_actions (
      action_id text primary key,
      title text not null,
      metric text not null,
      scope jsonb not null default '{}',
      owner text not null,
      due_date date not null,
      hypothesis text not null,
      root_cause text,
      intervention_date date,
      expected_effect double precision,
      alert_id text references alerts (alert_id),
      source jsonb,
      status text not null default 'open'
        check (status in ('open', 'too_early', 'effective', 'not_effective', 'closed')),
      effect jsonb,
      created_by text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz
    );
    -- Serves the overdue list on the Overview.
    create index corrective_actions_due on corrective_actions (due_date) where closed_at is null;

    -- Serves final_verdicts' choice of the first QA audit (distinct on decision_id, ordered by
    -- audited_at, audit_id), which every monitor run evaluates over its whole window: an ordered
    -- index scan instead of sorting every QA audit (≈0.3 s of a 300,000-audit run).
    create index audits_first_qa on audits (decision_id, audited_at, audit_id) where kind = 'qa';
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index audits_first_qa;
    drop table corrective_actions;
    drop table alert_delivery_attempts;
    drop table alert_deliveries;
    drop table webhooks;
    drop table alert_signals;
    drop table alerts;
    drop table monitor_runs;
    drop table monitors;
  `.execute(db)
}
