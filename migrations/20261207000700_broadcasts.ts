/**
 * WhatsApp broadcasts from the console (admin/broadcasts/): who sent one, when, to which filter,
 * the message as typed, how many customers it reached and how many the filter matched without a
 * phone; and each recipient's outbox row (notification_outbox), so the delivery report counts
 * queued / sent / failed from the outbox itself rather than keeping a copy that could drift.
 * - broadcasts.filter: `{ area, nasId, planId, status }` as chosen (null where not chosen).
 * - broadcasts.per_minute: the pace the rows were spread at (their next_attempt_at).
 * - broadcast_recipients: one row per outbox row; the outbox row may be pruned later (SET NULL).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE broadcasts (
      id bigserial PRIMARY KEY,
      staff_user_id bigint REFERENCES staff_users ON DELETE SET NULL,
      staff_username text NOT NULL,
      filter jsonb NOT NULL DEFAULT '{}',
      message text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
      recipients integer NOT NULL CHECK (recipients >= 0),
      without_phone integer NOT NULL DEFAULT 0 CHECK (without_phone >= 0),
      per_minute integer NOT NULL CHECK (per_minute > 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX broadcasts_created ON broadcasts (created_at DESC, id DESC);
    CREATE TABLE broadcast_recipients (
      broadcast_id bigint NOT NULL REFERENCES broadcasts ON DELETE CASCADE,
      customer_id bigint REFERENCES customers ON DELETE SET NULL,
      outbox_id bigint REFERENCES notification_outbox ON DELETE SET NULL,
      position integer NOT NULL,
      PRIMARY KEY (broadcast_id, position)
    );
    CREATE INDEX broadcast_recipients_outbox ON broadcast_recipients (outbox_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE broadcast_recipients; DROP TABLE broadcasts;');
}
