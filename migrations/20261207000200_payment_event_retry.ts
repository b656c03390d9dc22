/**
 * Retrying gateway notifications from the last attempt, one status check per order at a time
 * (billing/webhooks/process-payment-event.ts):
 * - payment_events.last_attempt_at / next_attempt_at: when the gateway's status API was last
 *   asked for this event's order and when to ask again (the back-off counts from the last
 *   attempt, not from when the notification arrived). Events still waiting are due at once.
 * - payments.status_check_until: a lease while one worker asks the gateway about the order;
 *   other events of the same order wait for that answer instead of asking again.
 * - payment_events_due replaces payment_events_pending (the sweep's order); payment_events_open
 *   finds an order's unresolved events (the coalescing, the captive portal's "being confirmed",
 *   the console's list of failed notifications).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payment_events ADD COLUMN last_attempt_at timestamptz, ADD COLUMN next_attempt_at timestamptz;
    UPDATE payment_events SET next_attempt_at = received_at WHERE status = 'received';
    DROP INDEX payment_events_pending;
    CREATE INDEX payment_events_due ON payment_events (next_attempt_at) WHERE status = 'received';
    CREATE INDEX payment_events_open ON payment_events (order_id, provider) WHERE status IN ('received', 'failed');
    ALTER TABLE payments ADD COLUMN status_check_until timestamptz;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payments DROP COLUMN status_check_until;
    DROP INDEX payment_events_open;
    DROP INDEX payment_events_due;
    CREATE INDEX payment_events_pending ON payment_events (received_at) WHERE status = 'received';
    ALTER TABLE payment_events DROP COLUMN last_attempt_at, DROP COLUMN next_attempt_at;
  `);
}
