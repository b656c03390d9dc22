/**
 * Network alerts and outages (issue 12, items 5 and 8; ARCHITECTURE.md, "Network operations"):
 * - network_alert_rules: the one row of alert rules staff edit in the console
 *   (admin/network/alert-rules): missed probes before a device is down, interface down on/off,
 *   utilisation over a threshold for some minutes, CPU over a threshold for some minutes, NAS
 *   silent (no accounting for two interim intervals), and how long a device is down before an
 *   outage opens.
 * - outages: a device down longer than that threshold (started_at: when it went down; ended_at:
 *   when it came up, NULL while open), with `affected` the number of subscriptions behind it.
 *   notices_started_at / settled_at record that the start notices, and the end notices and SLA
 *   credits, were queued (each step is also idempotent on its own).
 * - outage_subscriptions: the subscriptions an outage affects. This table is the contract with
 *   billing, which reads it with SQL (billing never imports network/): dunning pauses for a
 *   subscription in an open outage (billing/dunning/outage-pause.ts), and the SLA credit of one
 *   outage and subscription is written once (credited_at, credit_amount, set in the same
 *   transaction as its ledger entry: billing/ledger/credit-outage.ts).
 * - plans.sla_threshold_hours: hours of outage a plan tolerates; the hours lost above it are
 *   credited pro rata of the plan price. NULL: the plan has no SLA credit.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE network_alert_rules (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      missed_probes_down integer NOT NULL DEFAULT 3 CHECK (missed_probes_down BETWEEN 1 AND 100),
      interface_down boolean NOT NULL DEFAULT true,
      utilisation_pct integer CHECK (utilisation_pct BETWEEN 1 AND 100),
      utilisation_minutes integer NOT NULL DEFAULT 15 CHECK (utilisation_minutes BETWEEN 1 AND 1440),
      cpu_pct integer CHECK (cpu_pct BETWEEN 1 AND 100),
      cpu_minutes integer NOT NULL DEFAULT 10 CHECK (cpu_minutes BETWEEN 1 AND 1440),
      nas_silent boolean NOT NULL DEFAULT true,
      outage_after_minutes integer NOT NULL DEFAULT 15 CHECK (outage_after_minutes BETWEEN 1 AND 1440),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    INSERT INTO network_alert_rules (id, utilisation_pct, cpu_pct) VALUES (true, 90, 90);
    CREATE TRIGGER network_alert_rules_updated_at BEFORE UPDATE ON network_alert_rules FOR EACH ROW EXECUTE FUNCTION set_updated_at();

    CREATE TABLE outages (
      id bigserial PRIMARY KEY,
      device_id bigint NOT NULL REFERENCES devices ON DELETE CASCADE,
      started_at timestamptz NOT NULL,
      ended_at timestamptz CHECK (ended_at IS NULL OR ended_at >= started_at),
      affected integer NOT NULL DEFAULT 0 CHECK (affected >= 0),
      notices_started_at timestamptz,
      settled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- One open outage per device.
    CREATE UNIQUE INDEX outages_open_device ON outages (device_id) WHERE ended_at IS NULL;
    CREATE INDEX outages_started ON outages (started_at DESC);

    CREATE TABLE outage_subscriptions (
      outage_id bigint NOT NULL REFERENCES outages ON DELETE CASCADE,
      subscription_id bigint NOT NULL REFERENCES subscriptions ON DELETE CASCADE,
      credit_amount bigint CHECK (credit_amount >= 0),
      credited_at timestamptz,
      PRIMARY KEY (outage_id, subscription_id)
    );
    CREATE INDEX outage_subscriptions_subscription ON outage_subscriptions (subscription_id);

    ALTER TABLE plans ADD COLUMN sla_threshold_hours integer CHECK (sla_threshold_hours BETWEEN 0 AND 8760);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE plans DROP COLUMN sla_threshold_hours;
    DROP TABLE outage_subscriptions, outages, network_alert_rules;
  `);
}
