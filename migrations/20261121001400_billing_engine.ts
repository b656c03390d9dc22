/**
 * What the billing engine adds to the data model:
 * - pending_charges: one-off charges (installation fee) and discounts waiting for the next
 *   invoice of a subscription; billed exactly once (invoice_id set when billed).
 * - subscriptions.next_plan_effective: the day a scheduled downgrade takes effect.
 * - payment_events.claims_paid: the notification said "paid" (retried while the gateway's status
 *   API lags behind).
 * - staff_alerts.alert_key (one alert per key, e.g. one per refunded payment) and relayed_at (sent
 *   to the staff Telegram chat).
 * - the default dunning schedule (H-7, H-3, H-1 reminders; H+1 overdue notice; a warning before
 *   the soft limit at H+3 and before the suspension at H+7), which staff edit.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE pending_charges (
      id bigserial PRIMARY KEY,
      subscription_id bigint NOT NULL REFERENCES subscriptions ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('one_off', 'discount')),
      description text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
      -- Rupiah: positive for a charge, negative for a discount.
      amount bigint NOT NULL CHECK ((kind = 'one_off' AND amount > 0) OR (kind = 'discount' AND amount < 0)),
      invoice_id bigint REFERENCES invoices ON DELETE SET NULL,
      created_by bigint REFERENCES staff_users ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX pending_charges_unbilled ON pending_charges (subscription_id) WHERE invoice_id IS NULL;

    ALTER TABLE subscriptions ADD COLUMN next_plan_effective date;
    ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_next_plan_effective
      CHECK ((next_plan_id IS NULL) = (next_plan_effective IS NULL));

    ALTER TABLE payment_events ADD COLUMN claims_paid boolean NOT NULL DEFAULT false;
    ALTER TABLE staff_alerts ADD COLUMN alert_key text UNIQUE, ADD COLUMN relayed_at timestamptz;
    CREATE INDEX staff_alerts_unrelayed ON staff_alerts (id) WHERE relayed_at IS NULL;

    CREATE INDEX invoices_open_customer ON invoices (customer_id, due_date)
      WHERE status IN ('open', 'partially_paid', 'overdue');

    INSERT INTO dunning_steps (offset_days, action, template) VALUES
      (-7, 'reminder', 'payment_reminder'),
      (-3, 'reminder', 'payment_reminder'),
      (-1, 'reminder', 'payment_reminder'),
      (1, 'reminder', 'payment_reminder'),
      (2, 'reminder', 'payment_reminder'),
      (3, 'soft_limit', 'payment_reminder'),
      (6, 'reminder', 'payment_reminder'),
      (7, 'suspend', 'suspended');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM dunning_steps;
    DROP INDEX invoices_open_customer;
    DROP INDEX staff_alerts_unrelayed;
    ALTER TABLE staff_alerts DROP COLUMN alert_key, DROP COLUMN relayed_at;
    ALTER TABLE payment_events DROP COLUMN claims_paid;
    ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_next_plan_effective;
    ALTER TABLE subscriptions DROP COLUMN next_plan_effective;
    DROP TABLE pending_charges;
  `);
}
