/**
 * Post-auth log: one row per decided Access-Request (who, from which NAS and MAC, how, what we
 * answered and why). Never the password: FreeRADIUS's default radpostauth query stores it; we don't.
 * Written in batches off the RADIUS hot path; no foreign keys, so an insert costs one heap write.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE post_auth_log (
      id bigserial PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      username text NOT NULL,
      subscription_id bigint,
      nas_id bigint,
      nas_ip_address inet NOT NULL,
      calling_station_id text,
      auth_type text NOT NULL CHECK (auth_type IN ('pap', 'chap', 'mschap', 'mschapv2', 'none')),
      result text NOT NULL CHECK (result IN ('accept', 'walled_garden', 'reject')),
      reason text NOT NULL
    );
    CREATE INDEX post_auth_log_created ON post_auth_log USING brin (created_at);
    CREATE INDEX post_auth_log_username ON post_auth_log (username, created_at DESC);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE post_auth_log');
}
