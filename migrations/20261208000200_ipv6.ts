/**
 * IPv6 (issue 13 item 5; ARCHITECTURE.md, "RADIUS and MikroTik facts", IPv6):
 *
 * - plans: the router pool names sent in every Access-Accept of the plan: `framed_ipv6_pool`
 *   (Framed-IPv6-Pool, RFC 3162 §2.6: the WAN /64 of a PPP link from an `/ipv6 pool`) and
 *   `delegated_ipv6_pool` (Mikrotik-Delegated-IPv6-Pool, vendor 14988 attribute 22, and the
 *   standard Delegated-IPv6-Prefix-Pool, RFC 6911 §3.4: the DHCPv6-PD pool).
 * - subscriptions: static prefixes: `framed_ipv6_prefix` (Framed-IPv6-Prefix, RFC 3162 §2.3) and
 *   `delegated_ipv6_prefix` (Delegated-IPv6-Prefix, RFC 4818). `cidr`, so host bits past the
 *   length are refused by PostgreSQL too; no two live subscriptions overlap in the same column
 *   (exclusion constraints with GiST inet_ops `&&`; across the columns the use case checks).
 * - accounting_sessions (the parent: a partitioned table gets the columns in every partition):
 *   what the NAS reports, Framed-IPv6-Prefix, Delegated-IPv6-Prefix, Framed-Interface-Id
 *   (RFC 3162 §2.2, `xxxx:xxxx:xxxx:xxxx`) and Framed-IPv6-Address (RFC 6911 §3.1). `inet`, as
 *   sent. Partial GiST indexes on the open sessions' prefixes serve the captive portal's "which
 *   open session's prefix holds this address" (`>>=`, portal/captive/captive-account.ts).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE plans
      ADD COLUMN framed_ipv6_pool text CHECK (framed_ipv6_pool ~ '^[A-Za-z0-9_.-]{1,64}$'),
      ADD COLUMN delegated_ipv6_pool text CHECK (delegated_ipv6_pool ~ '^[A-Za-z0-9_.-]{1,64}$');

    ALTER TABLE subscriptions
      ADD COLUMN framed_ipv6_prefix cidr CHECK (family(framed_ipv6_prefix) = 6),
      ADD COLUMN delegated_ipv6_prefix cidr CHECK (family(delegated_ipv6_prefix) = 6);
    ALTER TABLE subscriptions
      ADD CONSTRAINT subscriptions_framed_ipv6_prefix
        EXCLUDE USING gist (framed_ipv6_prefix inet_ops WITH &&) WHERE (framed_ipv6_prefix IS NOT NULL AND status <> 'terminated'),
      ADD CONSTRAINT subscriptions_delegated_ipv6_prefix
        EXCLUDE USING gist (delegated_ipv6_prefix inet_ops WITH &&) WHERE (delegated_ipv6_prefix IS NOT NULL AND status <> 'terminated');

    ALTER TABLE accounting_sessions
      ADD COLUMN framed_ipv6_prefix inet,
      ADD COLUMN delegated_ipv6_prefix inet,
      ADD COLUMN framed_interface_id text,
      ADD COLUMN framed_ipv6_address inet;
    CREATE INDEX accounting_sessions_open_framed_ipv6_prefix ON accounting_sessions USING gist (framed_ipv6_prefix inet_ops)
      WHERE stop_time IS NULL AND framed_ipv6_prefix IS NOT NULL;
    CREATE INDEX accounting_sessions_open_delegated_ipv6_prefix ON accounting_sessions USING gist (delegated_ipv6_prefix inet_ops)
      WHERE stop_time IS NULL AND delegated_ipv6_prefix IS NOT NULL;
    CREATE INDEX accounting_sessions_open_framed_ipv6_address ON accounting_sessions (framed_ipv6_address)
      WHERE stop_time IS NULL AND framed_ipv6_address IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX accounting_sessions_open_framed_ipv6_address;
    DROP INDEX accounting_sessions_open_delegated_ipv6_prefix;
    DROP INDEX accounting_sessions_open_framed_ipv6_prefix;
    ALTER TABLE accounting_sessions
      DROP COLUMN framed_ipv6_address, DROP COLUMN framed_interface_id,
      DROP COLUMN delegated_ipv6_prefix, DROP COLUMN framed_ipv6_prefix;
    ALTER TABLE subscriptions
      DROP CONSTRAINT subscriptions_delegated_ipv6_prefix, DROP CONSTRAINT subscriptions_framed_ipv6_prefix,
      DROP COLUMN delegated_ipv6_prefix, DROP COLUMN framed_ipv6_prefix;
    ALTER TABLE plans DROP COLUMN delegated_ipv6_pool, DROP COLUMN framed_ipv6_pool;
  `);
}
