/**
 * Outbound webhooks (issue 14, item 2; README.md, "Webhooks"; ARCHITECTURE.md, "Outbound webhooks"):
 * - webhook_endpoints: where staff want events sent (admin/webhooks/): the URL, the event types
 *   subscribed, on/off, and the signing secret sealed with the secret box (lib/secret-box.ts). After
 *   a rotation the previous secret still signs until previous_secret_until, so receivers can switch
 *   without losing deliveries. failing_since: the first failure since the last success (an endpoint
 *   failing longer than WEBHOOK_DISABLE_AFTER_DAYS is switched off, disabled_reason = 'failing').
 * - webhook_events: the outbox (lib/outbound-events.ts), written in the transaction of the change.
 *   public_id is the event's `id` in the envelope (stable across retries: receivers de-duplicate).
 * - webhook_deliveries: one per event and endpoint: pending until a 2xx (delivered) or until the
 *   last attempt failed (failed); next_attempt_at NULL means "as soon as possible"; the last
 *   attempt's response code, a truncated body or the error, and its duration for the delivery log.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE webhook_endpoints (
      id bigserial PRIMARY KEY,
      url text NOT NULL CHECK ((url LIKE 'http://%' OR url LIKE 'https://%') AND length(url) <= 2000),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
      events text[] NOT NULL CHECK (cardinality(events) > 0),
      is_active boolean NOT NULL DEFAULT true,
      secret_enc text NOT NULL,
      previous_secret_enc text,
      previous_secret_until timestamptz,
      failing_since timestamptz,
      disabled_reason text CHECK (disabled_reason IN ('staff', 'failing')),
      created_by bigint REFERENCES staff_users ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_endpoints_events ON webhook_endpoints USING gin (events) WHERE is_active;
    CREATE TRIGGER webhook_endpoints_updated_at BEFORE UPDATE ON webhook_endpoints FOR EACH ROW EXECUTE FUNCTION set_updated_at();

    CREATE TABLE webhook_events (
      id bigserial PRIMARY KEY,
      public_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
      type text NOT NULL,
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX webhook_events_created ON webhook_events (created_at);

    CREATE TABLE webhook_deliveries (
      id bigserial PRIMARY KEY,
      event_id bigint NOT NULL REFERENCES webhook_events ON DELETE CASCADE,
      endpoint_id bigint NOT NULL REFERENCES webhook_endpoints ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      last_response text,
      last_duration_ms integer,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (event_id, endpoint_id)
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at NULLS FIRST, id) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE webhook_deliveries, webhook_events, webhook_endpoints;');
}
