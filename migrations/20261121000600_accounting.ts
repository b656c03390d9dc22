/**
 * Accounting (RFC 2866): one row per session, keyed like FreeRADIUS's radacct by a digest of
 * User-Name, Acct-Session-Id, NAS address and NAS port. Counters are totals including the
 * Gigawords (RFC 2869 §5.1-5.2: total = gigawords × 2^32 + octets), always the latest cumulative
 * value, never a sum of interims. usage_daily keeps per-day traffic per subscription (ISP time
 * zone) for quotas, usage charts and reports.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE accounting_sessions (
      id bigserial PRIMARY KEY,
      session_key uuid NOT NULL UNIQUE,
      acct_session_id text NOT NULL,
      acct_multi_session_id text,
      username text NOT NULL,
      subscription_id bigint REFERENCES subscriptions ON DELETE SET NULL,
      nas_id bigint REFERENCES nas ON DELETE SET NULL,
      nas_ip_address inet NOT NULL,
      nas_identifier text,
      nas_port text,
      nas_port_type text,
      calling_station_id text,
      called_station_id text,
      framed_ip_address inet,
      service_type text,
      class text,
      start_time timestamptz NOT NULL,
      -- True while the start is an estimate (an Interim or Stop came first: receive time minus
      -- Acct-Session-Time); a late Start replaces it.
      start_is_estimate boolean NOT NULL DEFAULT false,
      update_time timestamptz NOT NULL,
      stop_time timestamptz,
      session_time bigint NOT NULL DEFAULT 0,
      input_octets bigint NOT NULL DEFAULT 0,
      output_octets bigint NOT NULL DEFAULT 0,
      input_packets bigint NOT NULL DEFAULT 0,
      output_packets bigint NOT NULL DEFAULT 0,
      terminate_cause text
    );
    -- Interim-Updates change only counters and update_time, none of them indexed, so with free
    -- room in the page they are HOT updates that touch no index (no index on update_time for
    -- that reason: the minute's stale sweep filters the open sessions instead).
    ALTER TABLE accounting_sessions SET (fillfactor = 80);
    -- Open sessions: by NAS (Accounting-On/Off, stale sweep), by subscription (simultaneous use,
    -- CoA), by framed IP (captive portal).
    CREATE INDEX accounting_sessions_open_nas ON accounting_sessions (nas_ip_address) WHERE stop_time IS NULL;
    CREATE INDEX accounting_sessions_open_subscription ON accounting_sessions (subscription_id) WHERE stop_time IS NULL;
    CREATE INDEX accounting_sessions_open_framed_ip ON accounting_sessions (framed_ip_address) WHERE stop_time IS NULL;
    CREATE INDEX accounting_sessions_subscription_start ON accounting_sessions (subscription_id, start_time DESC);
    CREATE INDEX accounting_sessions_username_start ON accounting_sessions (username, start_time DESC);

    CREATE TABLE usage_daily (
      subscription_id bigint NOT NULL REFERENCES subscriptions ON DELETE CASCADE,
      day date NOT NULL,
      input_octets bigint NOT NULL DEFAULT 0,
      output_octets bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (subscription_id, day)
    ) WITH (fillfactor = 80);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE usage_daily; DROP TABLE accounting_sessions;');
}
