/**
 * The WhatsApp assistant (issue 14 item 5, billing/assistant/; README.md, "WhatsApp assistant"):
 * - assistant_conversations: one per sender number (E.164 digits, lib/phone.ts normalizePhone):
 *   the customer the number belongs to when known, the subscription chosen when the customer
 *   has several, the language of the conversation, a command waiting for that choice
 *   (`pending`), the ticket staff see its free-text messages in, and when the rate-limit notice
 *   was last sent (one notice per window, then silence).
 * - assistant_messages: every message in and out, with its text. Inbound rows carry the
 *   provider's message id (WhatsApp Cloud `wamid.…`, Fonnte `inboxid`), unique per provider so a
 *   redelivered webhook is handled once; outbound rows point at their notification_outbox row.
 *   A Wi-Fi passphrase sent by the customer is stored masked.
 * - whatsapp_message_statuses: the delivery statuses WhatsApp reports for our messages (`sent`,
 *   `delivered`, `read`, `failed`; Cloud API webhook `statuses[]`), keyed by the provider's
 *   message id, kept even when they arrive before we stored that id (Meta does not order them).
 * - notification_outbox.provider_id: the id the provider gave a sent message (the dispatcher
 *   stores it), which those statuses are matched on.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE notification_outbox ADD COLUMN provider_id text;
    CREATE INDEX notification_outbox_provider_id ON notification_outbox (provider_id) WHERE provider_id IS NOT NULL;

    CREATE TABLE assistant_conversations (
      id bigserial PRIMARY KEY,
      phone text NOT NULL UNIQUE CHECK (phone ~ '^[1-9][0-9]{7,14}$'),
      customer_id bigint REFERENCES customers ON DELETE SET NULL,
      subscription_id bigint REFERENCES subscriptions ON DELETE SET NULL,
      locale text NOT NULL DEFAULT 'id' CHECK (locale IN ('id', 'en')),
      pending jsonb,
      ticket_id bigint REFERENCES tickets ON DELETE SET NULL,
      rate_notice_at timestamptz,
      last_inbound_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE assistant_messages (
      id bigserial PRIMARY KEY,
      conversation_id bigint NOT NULL REFERENCES assistant_conversations ON DELETE CASCADE,
      direction text NOT NULL CHECK (direction IN ('in', 'out')),
      provider text NOT NULL CHECK (provider IN ('cloud', 'fonnte', 'outbox')),
      provider_message_id text,
      body text NOT NULL CHECK (length(body) <= 5000),
      -- in: handled / rate_limited; out: queued (its delivery state is the outbox row's and the statuses').
      status text NOT NULL CHECK (status IN ('handled', 'rate_limited', 'queued')),
      ticket_id bigint REFERENCES tickets ON DELETE SET NULL,
      outbox_id bigint REFERENCES notification_outbox ON DELETE SET NULL,
      created_at timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX assistant_messages_inbound_once ON assistant_messages (provider, provider_message_id)
      WHERE direction = 'in' AND provider_message_id IS NOT NULL;
    CREATE INDEX assistant_messages_conversation ON assistant_messages (conversation_id, created_at);
    CREATE INDEX assistant_messages_ticket ON assistant_messages (ticket_id) WHERE ticket_id IS NOT NULL;

    CREATE TABLE whatsapp_message_statuses (
      provider_message_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
      error text,
      reported_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider_message_id, status)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE whatsapp_message_statuses; DROP TABLE assistant_messages; DROP TABLE assistant_conversations;
    ALTER TABLE notification_outbox DROP COLUMN provider_id;
  `);
}
