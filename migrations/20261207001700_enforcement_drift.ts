/**
 * Enforcement drift (issue 12 item 9, network/reconcile/): one row per reconciliation run per NAS,
 * comparing the router's active sessions (RouterOS API `/ppp/active`, `/ip/hotspot/active`) with
 * our open accounting sessions. Counts per kind, the findings as JSON (capped by the writer), and
 * `drift_since`: when the current run of consecutive drifting runs began, so a persistent drift
 * raises one staff alert. A failed run (router unreachable, login refused) has `ok = false` and
 * its `error`. Kept 30 days: the job deletes older rows (a few hundred rows per NAS per day).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE enforcement_drift (
      id bigserial PRIMARY KEY,
      nas_id bigint NOT NULL REFERENCES nas ON DELETE CASCADE,
      ran_at timestamptz NOT NULL,
      ok boolean NOT NULL,
      error text,
      router_sessions integer NOT NULL DEFAULT 0,
      open_sessions integer NOT NULL DEFAULT 0,
      in_sync integer NOT NULL DEFAULT 0,
      -- On the router, not with us (a lost Accounting-Start): reported.
      lost_start integer NOT NULL DEFAULT 0,
      -- With us, not on the router (a lost Accounting-Stop): closed.
      lost_stop integer NOT NULL DEFAULT 0,
      -- Online in a state the subscription no longer has (a CoA that did not take): repaired.
      not_enforced integer NOT NULL DEFAULT 0,
      repaired integer NOT NULL DEFAULT 0,
      drift integer NOT NULL DEFAULT 0,
      drift_since timestamptz,
      findings jsonb NOT NULL DEFAULT '[]'
    );
    CREATE INDEX enforcement_drift_nas_ran ON enforcement_drift (nas_id, ran_at DESC);
    CREATE INDEX enforcement_drift_ran ON enforcement_drift (ran_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE enforcement_drift');
}
