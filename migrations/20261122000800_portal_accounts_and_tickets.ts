/**
 * The customers' self-service portal and support tickets.
 *
 * - customers.portal_password_hash (bcrypt, from the customers migration) is set by the customer
 *   after a first sign-in with a one-time code; `portal_session_version` ends every portal
 *   session of the customer at once when raised (a password change).
 * - `portal_phone_key(phone)`: the phone as E.164 digits (62812…), the same reading as
 *   lib/phone.ts normalizePhone for the forms staff type (`0812-…`,
 *   `+62 812 …`, `62812…`, `812…`), indexed so a sign-in by phone number is one index scan
 *   whatever the stored form.
 * - tickets: one conversation per subject, with a public reference (T-2026-000123) that pages and
 *   URLs use instead of the id; status `open` (waiting for staff), `answered` (staff replied,
 *   waiting for the customer) or `closed`. ticket_messages holds the conversation.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE customers
      ADD COLUMN portal_session_version integer NOT NULL DEFAULT 1,
      ADD COLUMN portal_password_changed_at timestamptz;

    CREATE FUNCTION portal_phone_key(phone text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE
               WHEN d = '' THEN NULL
               WHEN d LIKE '00%' THEN regexp_replace(substr(d, 3), '^620', '62')
               WHEN d LIKE '0%' THEN '62' || substr(d, 2)
               WHEN d LIKE '8%' THEN '62' || d
               ELSE regexp_replace(d, '^620', '62')
             END
        FROM (SELECT regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') AS d) s
    $$;
    CREATE INDEX customers_portal_phone ON customers (portal_phone_key(phone)) WHERE phone IS NOT NULL;

    CREATE SEQUENCE ticket_number_seq;
    CREATE TABLE tickets (
      id bigserial PRIMARY KEY,
      reference text NOT NULL UNIQUE CHECK (reference ~ '^T-[0-9]{4}-[0-9]{6,}$'),
      customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
      last_message_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    ALTER SEQUENCE ticket_number_seq OWNED BY tickets.reference;
    CREATE INDEX tickets_customer ON tickets (customer_id, last_message_at DESC);
    CREATE INDEX tickets_status_recent ON tickets (status, last_message_at DESC, id DESC);
    CREATE INDEX tickets_recent ON tickets (last_message_at DESC, id DESC);
    CREATE INDEX tickets_search ON tickets USING gin (lower(reference || ' ' || subject) gin_trgm_ops);
    CREATE TRIGGER tickets_updated_at BEFORE UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION set_updated_at();

    CREATE TABLE ticket_messages (
      id bigserial PRIMARY KEY,
      ticket_id bigint NOT NULL REFERENCES tickets ON DELETE CASCADE,
      author text NOT NULL CHECK (author IN ('customer', 'staff')),
      -- Who answered (kept as a name too: a staff account may be deleted later).
      staff_user_id bigint REFERENCES staff_users ON DELETE SET NULL,
      staff_name text,
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE ticket_messages; DROP TABLE tickets;
    DROP INDEX customers_portal_phone; DROP FUNCTION portal_phone_key(text);
    ALTER TABLE customers DROP COLUMN portal_session_version, DROP COLUMN portal_password_changed_at;
  `);
}
