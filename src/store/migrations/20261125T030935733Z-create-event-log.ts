/**
 * Security and reliability: the hash-chained event log (the trail), sign-in sessions, and
 * permission scopes on API tokens.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Append-only: hash = sha256(prev_hash || canonical JSON of the entry); see src/engine/trail.
    create table event_log (
      seq bigserial primary key,
      at timestamptz not null,
      actor text not null,
      action text not null,
      subject_type text not null,
      subject_id text not null,
      before jsonb,
      after jsonb,
      prev_hash text not null,
      hash text not null
    );
    -- Serves "what happened to this user / token / audit" look-ups.
    create index event_log_subject on event_log (subject_type, subject_id);

    -- Accidental or casual edits fail loudly; a determined insider can drop the trigger, which is
    -- what the hash chain and \`assay log verify\` are for.
    create function event_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'event_log is append-only';
    end
    $$;
    create trigger event_log_append_only before update or delete on event_log
      for each row execute function event_log_append_only();
    create trigger event_log_no_truncate before truncate on event_log
      for each statement execute function event_log_append_only();

    -- A browser session: only the SHA-256 of the session id (the cookie value) is stored.
    create table sessions (
      session_hash text primary key,
      user_id text not null references users (user_id),
      created_at timestamptz not null,
      expires_at timestamptz not null
    );
    -- Serves ending every session of a user when the user is disabled.
    create index sessions_user_id on sessions (user_id);

    -- null: the token carries all of its user's permissions; otherwise only these (∩ the user's).
    alter table api_tokens add column permissions text[];
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table api_tokens drop column permissions;
    drop table sessions;
    drop table event_log;
    drop function event_log_append_only();
  `.execute(db)
}
