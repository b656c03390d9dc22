/**
 * The live sessions screen (admin/sessions/list-sessions.ts) on a table of a million sessions:
 * partial indexes over the open sessions only (stop_time IS NULL), so neither the list nor its
 * search reads closed history.
 * - by start time: the default order, read in index order with LIMIT (no sort);
 * - by username: the username order;
 * - search: a trigram index (pg_trgm, migration 20261121002100) over one lower-case text of
 *   username, Calling-Station-Id (MAC) and framed IP, for a fragment of any of them; the
 *   Acct-Session-Id whole; the MAC's 12 hex digits (staff paste MACs in every notation).
 * And subscriptions by lower(username): a new subscription's username must be free in any case
 * (billing/subscriptions/subscription-username.ts); the trigram index of 20261121002100 answers
 * that equality in 30-90 ms at 100,000 `custNNNN` names (their trigrams are all alike), a
 * b-tree in well under one.
 * None of the session columns changes on an Interim-Update (counters and update_time stay unindexed
 * on purpose), so interims remain HOT updates (migrations/…_accounting.ts).
 *
 * CREATE INDEX CONCURRENTLY, outside a transaction: a plain CREATE INDEX would block accounting
 * writes, and with them every Accounting-Response, while it reads the whole table. An index a
 * failed build left INVALID is dropped first.
 */
import type { Knex } from 'knex';

export const config = { transaction: false };

const SESSION_INDEXES: Array<[string, string]> = [
  ['accounting_sessions_open_start', '(start_time DESC, id DESC)'],
  ['accounting_sessions_open_username', '(username, id)'],
  ['accounting_sessions_open_acct_session_id', '(acct_session_id)'],
  ['accounting_sessions_open_mac', `(upper(translate(calling_station_id, ':-.', '')))`],
  ['accounting_sessions_open_search', 'USING gin (session_search_text(username, calling_station_id, framed_ip_address) gin_trgm_ops)'],
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION session_search_text(username text, calling_station_id text, framed_ip_address inet) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT lower(username || ' ' || coalesce(calling_station_id, '') || ' ' || coalesce(host(framed_ip_address), '')) $$`);
  for (const [name, definition] of SESSION_INDEXES) {
    await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await knex.raw(`CREATE INDEX CONCURRENTLY ${name} ON accounting_sessions ${definition} WHERE stop_time IS NULL`);
  }
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS subscriptions_username_lower');
  await knex.raw('CREATE INDEX CONCURRENTLY subscriptions_username_lower ON subscriptions (lower(username))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS subscriptions_username_lower');
  for (const [name] of SESSION_INDEXES) await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  await knex.raw('DROP FUNCTION IF EXISTS session_search_text(text, text, inet)');
}
