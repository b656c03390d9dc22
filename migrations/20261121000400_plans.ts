/**
 * Plans: what is sold. Network attributes are sent by the radius role (Mikrotik-Rate-Limit in
 * RouterOS burst syntax, Framed-Pool, Mikrotik-Group, quota with a fair-usage rate after it);
 * price and billing cycle drive billing.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE plans (
      id bigserial PRIMARY KEY,
      name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
      description text,
      service_type text NOT NULL DEFAULT 'pppoe' CHECK (service_type IN ('pppoe', 'hotspot')),
      price bigint NOT NULL CHECK (price >= 0),
      billing_cycle text NOT NULL DEFAULT 'monthly' CHECK (billing_cycle IN ('monthly', 'quarterly', 'yearly', 'days')),
      cycle_days integer CHECK (cycle_days > 0),
      rate_limit text NOT NULL,
      quota_bytes bigint CHECK (quota_bytes > 0),
      fup_rate_limit text,
      soft_limit_rate_limit text,
      framed_pool text,
      mikrotik_group text,
      session_timeout integer CHECK (session_timeout > 0),
      idle_timeout integer CHECK (idle_timeout > 0),
      simultaneous_use integer NOT NULL DEFAULT 1 CHECK (simultaneous_use >= 1),
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CHECK ((billing_cycle = 'days') = (cycle_days IS NOT NULL))
    );
    CREATE TRIGGER plans_updated_at BEFORE UPDATE ON plans FOR EACH ROW EXECUTE FUNCTION set_updated_at();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE plans');
}
