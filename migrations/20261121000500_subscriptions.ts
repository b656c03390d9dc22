/**
 * Subscriptions: one service account (PPPoE or hotspot login) of a customer on a plan.
 * The password is sealed (lib/secret-box.ts), not hashed: CHAP and MS-CHAP need the cleartext
 * (RFC 1994 §4.1, RFC 2759 §8). `status` is what the radius role decides on.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE subscriptions (
      id bigserial PRIMARY KEY,
      customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
      plan_id bigint NOT NULL REFERENCES plans ON DELETE RESTRICT,
      username text NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
      password_enc text NOT NULL,
      service_type text NOT NULL DEFAULT 'pppoe' CHECK (service_type IN ('pppoe', 'hotspot')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'soft_limited', 'suspended', 'terminated')),
      status_reason text,
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      billing_type text NOT NULL DEFAULT 'postpaid' CHECK (billing_type IN ('postpaid', 'prepaid')),
      -- Day of month the billing period starts (1-28, so it exists in every month).
      anchor_day smallint NOT NULL CHECK (anchor_day BETWEEN 1 AND 28),
      -- Prepaid: access ends here (Session-Timeout is capped to it). Postpaid: end of the last paid period.
      paid_until timestamptz,
      static_ip inet,
      framed_pool text,
      mac_address macaddr,
      -- A downgrade takes effect at the end of the current period.
      next_plan_id bigint REFERENCES plans ON DELETE SET NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      terminated_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    CREATE INDEX subscriptions_customer ON subscriptions (customer_id);
    CREATE INDEX subscriptions_plan ON subscriptions (plan_id);
    CREATE INDEX subscriptions_status ON subscriptions (status);
    CREATE UNIQUE INDEX subscriptions_static_ip ON subscriptions (static_ip)
      WHERE static_ip IS NOT NULL AND status <> 'terminated';
    CREATE TRIGGER subscriptions_updated_at BEFORE UPDATE ON subscriptions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

    CREATE FUNCTION subscriptions_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.status_changed_at := now();
        IF NEW.status = 'terminated' THEN NEW.terminated_at := coalesce(NEW.terminated_at, now()); END IF;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER subscriptions_status_changed BEFORE UPDATE OF status ON subscriptions
      FOR EACH ROW EXECUTE FUNCTION subscriptions_status_changed();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE subscriptions; DROP FUNCTION subscriptions_status_changed();');
}
