/** Users with roles and region/site scopes, and hashed API tokens. */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table users (
      user_id text primary key,
      display_name text not null,
      roles text[] not null,
      regions text[],
      sites text[],
      password_hash text,
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    );

    create table api_tokens (
      token_id text primary key,
      user_id text not null references users (user_id),
      name text not null,
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    -- Serves "list my tokens" and revocation by user.
    create index api_tokens_user_id on api_tokens (user_id);
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table api_tokens; drop table users;`.execute(db)
}
