/**
 * The REST API's tokens and idempotency records (issue 14 item 1, api/; ARCHITECTURE.md "REST API").
 *
 * api_tokens: a token belongs to a staff account and acts with its role (lib/permissions.ts), so
 * deactivating the staff member or changing their role applies to their tokens at once. Only the
 * SHA-256 of the token is stored (`token_hash`, 32 octets): the token itself is shown once when it
 * is created and cannot be recovered. `token_prefix` (the first characters) lets staff tell tokens
 * apart. A revoked token keeps its row for the audit trail.
 *
 * api_idempotency: one row per (token, Idempotency-Key) of a POST: the SHA-256 of the request
 * (method, path, body) and, once it finished, the response status and body. A retry with the same
 * key and request gets the stored response; the same key with another request is refused (422).
 * Rows older than a day are removed by the API when it stores a new one.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE api_tokens (
      id bigserial PRIMARY KEY,
      staff_user_id bigint NOT NULL REFERENCES staff_users ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
      token_prefix text NOT NULL,
      created_by bigint REFERENCES staff_users ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      last_used_ip inet,
      revoked_at timestamptz
    );
    CREATE INDEX api_tokens_staff ON api_tokens (staff_user_id);

    CREATE TABLE api_idempotency (
      token_id bigint NOT NULL REFERENCES api_tokens ON DELETE CASCADE,
      key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
      request_hash bytea NOT NULL,
      status integer,
      body jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (token_id, key)
    );
    CREATE INDEX api_idempotency_created ON api_idempotency (created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE api_idempotency; DROP TABLE api_tokens');
}
