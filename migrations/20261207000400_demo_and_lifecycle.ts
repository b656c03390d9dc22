/**
 * Demo rows that can be removed, and the subscription and customer lifecycle:
 * - `demo boolean` on the tables the first-start seed writes (nas, plans, customers,
 *   subscriptions): server/demo/demo-data.ts sets it in the seed's transaction, server/cli/demo.ts and the
 *   console's "remove demo data" delete exactly those rows. Databases seeded before this
 *   migration: the seed wrote its rows in one transaction, so they share the demo NAS's
 *   created_at (now() is the transaction's start time); rows with exactly that timestamp are
 *   the seed's and are marked. The ledger stays append-only (forbid_change), with one exception
 *   for that removal: a transaction that sets `app.removing_demo = 'on'` may delete the ledger
 *   entries of demo customers, never of any other.
 * - subscriptions.notes (staff notes), termination_reason (what staff typed when terminating)
 *   and released_username: a terminated subscription gives its username back for reuse
 *   (billing/subscriptions/terminate-subscription.ts renames the row to `name~id`, which no
 *   new username can take) and keeps the name it had here for its history.
 * - customers.archived_at: an archived customer is kept for history and hidden from the default
 *   lists (billing/customers/archive-customer.ts).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE nas ADD COLUMN demo boolean NOT NULL DEFAULT false;
    ALTER TABLE plans ADD COLUMN demo boolean NOT NULL DEFAULT false;
    ALTER TABLE customers ADD COLUMN demo boolean NOT NULL DEFAULT false, ADD COLUMN archived_at timestamptz;
    ALTER TABLE subscriptions
      ADD COLUMN demo boolean NOT NULL DEFAULT false,
      ADD COLUMN notes text CHECK (length(notes) <= 2000),
      ADD COLUMN termination_reason text CHECK (length(termination_reason) <= 500),
      ADD COLUMN released_username text;

    WITH seed AS (
      SELECT created_at FROM nas
       WHERE name = 'Demo NAS (localhost)' AND ip_address = '127.0.0.1'
         AND description LIKE 'Created on first start%'
       ORDER BY id LIMIT 1
    ), n AS (
      UPDATE nas SET demo = true FROM seed WHERE nas.created_at = seed.created_at AND nas.name = 'Demo NAS (localhost)' RETURNING nas.id
    ), p AS (
      UPDATE plans SET demo = true FROM seed WHERE plans.created_at = seed.created_at RETURNING plans.id
    ), c AS (
      UPDATE customers SET demo = true FROM seed WHERE customers.created_at = seed.created_at RETURNING customers.id
    )
    UPDATE subscriptions SET demo = true FROM seed WHERE subscriptions.created_at = seed.created_at;

    CREATE FUNCTION ledger_entries_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('app.removing_demo', true) = 'on'
         AND EXISTS (SELECT 1 FROM customers c WHERE c.id = OLD.customer_id AND c.demo) THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$;
    DROP TRIGGER ledger_entries_append_only ON ledger_entries;
    CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_entries_guard();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER ledger_entries_append_only ON ledger_entries;
    CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
      FOR EACH ROW EXECUTE FUNCTION forbid_change();
    DROP FUNCTION ledger_entries_guard();
    ALTER TABLE subscriptions DROP COLUMN demo, DROP COLUMN notes, DROP COLUMN termination_reason, DROP COLUMN released_username;
    ALTER TABLE customers DROP COLUMN demo, DROP COLUMN archived_at;
    ALTER TABLE plans DROP COLUMN demo;
    ALTER TABLE nas DROP COLUMN demo;
  `);
}
