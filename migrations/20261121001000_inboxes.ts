/**
 * Durable hand-offs between the web app, the workers and the outside world:
 * - payment_events: the webhook inbox. A verified gateway notification is stored once
 *   (unique on provider + event key), answered 200, and processed by a worker.
 * - notification_outbox: messages to customers and staff, sent once per idempotency key.
 * - staff_alerts: what a person must look at (a CoA that no NAS accepted, an amount mismatch).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE payment_events (
      id bigserial PRIMARY KEY,
      provider text NOT NULL CHECK (provider IN ('midtrans', 'xendit')),
      event_key text NOT NULL,
      order_id text,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'ignored', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      UNIQUE (provider, event_key)
    );
    CREATE INDEX payment_events_pending ON payment_events (received_at) WHERE status = 'received';

    CREATE TABLE notification_outbox (
      id bigserial PRIMARY KEY,
      idempotency_key text NOT NULL UNIQUE,
      channel text NOT NULL CHECK (channel IN ('whatsapp', 'sms', 'email', 'telegram')),
      recipient text NOT NULL,
      customer_id bigint REFERENCES customers ON DELETE SET NULL,
      template text NOT NULL,
      locale text NOT NULL DEFAULT 'id' CHECK (locale IN ('id', 'en')),
      payload jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status = 'pending';

    CREATE TABLE staff_alerts (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      message text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      acknowledged_at timestamptz,
      acknowledged_by bigint REFERENCES staff_users ON DELETE SET NULL
    );
    CREATE INDEX staff_alerts_open ON staff_alerts (created_at DESC) WHERE acknowledged_at IS NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE staff_alerts; DROP TABLE notification_outbox; DROP TABLE payment_events;');
}
