/**
 * Cheaper decision ingest, same information:
 * - The handle-time sketch of a roll-up cell moves into its `decision_volume_daily` row, as two
 *   parallel arrays sorted by bucket (DDSketch bucket indices and their counts), instead of one
 *   `decision_handle_time_buckets` row per (cell, bucket): ingest of 1,000,000 decisions wrote
 *   ~427,000 bucket rows with an eight-column text key besides ~39,000 cells; now only the cells.
 * - `decision_handle_time_scope` (day, region, site, bucket) is written by the ingest itself, in
 *   the same transaction, instead of by triggers on the bucket table.
 * - `decisions.attributes` becomes `json` (the text as written, checked to be JSON) instead of
 *   `jsonb`: ingest already validates attributes, and building jsonb cost ~12 % of the decision
 *   COPY. Readers use `->>`, which both types have; the copies kept for audited decisions
 *   (`audited_decisions`, `verdict_facts`) stay `jsonb` (json casts to jsonb on assignment).
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table decisions alter column attributes type json using attributes::json;

    alter table decision_volume_daily
      add column handle_time_buckets integer[] not null default '{}',
      add column handle_time_bucket_counts bigint[] not null default '{}';
    update decision_volume_daily v
    set handle_time_buckets = s.buckets, handle_time_bucket_counts = s.counts
    from (select day, region, queue, site, actor_type, policy, action,
                 array_agg(bucket order by bucket) as buckets, array_agg(count order by bucket) as counts
          from decision_handle_time_buckets
          group by day, region, queue, site, actor_type, policy, action) s
    where (v.day, v.region, v.queue, v.site, v.actor_type, v.policy, v.action)
        = (s.day, s.region, s.queue, s.site, s.actor_type, s.policy, s.action);

    -- Sum of two sparse sketches (bucket arrays sorted, counts parallel): sorted, parallel again.
    create function assay_merge_sketch(
      buckets_a integer[], counts_a bigint[], buckets_b integer[], counts_b bigint[],
      out buckets integer[], out counts bigint[]
    ) language sql immutable as $$
      select coalesce(array_agg(b order by b), '{}'), coalesce(array_agg(c order by b), '{}')
      from (select b, sum(c)::bigint as c
            from (select * from unnest(buckets_a, counts_a)
                  union all
                  select * from unnest(buckets_b, counts_b)) u(b, c)
            group by b) s
    $$;

    drop trigger handle_time_scope_delete on decision_handle_time_buckets;
    drop trigger handle_time_scope_update on decision_handle_time_buckets;
    drop trigger handle_time_scope_insert on decision_handle_time_buckets;
    drop function assay_handle_time_scope_remove();
    drop function assay_handle_time_scope_change();
    drop function assay_handle_time_scope_add();
    drop table decision_handle_time_buckets;
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
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
    insert into decision_handle_time_buckets
    select v.day, v.region, v.queue, v.site, v.actor_type, v.policy, v.action, s.bucket, s.count
    from decision_volume_daily v
    cross join lateral unnest(v.handle_time_buckets, v.handle_time_bucket_counts) as s(bucket, count);

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

    drop function assay_merge_sketch(integer[], bigint[], integer[], bigint[]);
    alter table decision_volume_daily
      drop column handle_time_buckets,
      drop column handle_time_bucket_counts;
    alter table decisions alter column attributes type jsonb using attributes::jsonb;
  `.execute(db)
}
