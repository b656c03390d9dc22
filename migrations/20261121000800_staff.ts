/**
 * Staff accounts and the audit log. Passwords are hashed (never sealed); `session_version` is
 * bumped to sign a user out everywhere. The audit log records who changed what, before and
 * after, when and from where; it is append-only.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE staff_users (
      id bigserial PRIMARY KEY,
      username text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,40}$'),
      name text NOT NULL,
      email text,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'cashier', 'technician', 'viewer')),
      locale text NOT NULL DEFAULT 'id' CHECK (locale IN ('id', 'en')),
      is_active boolean NOT NULL DEFAULT true,
      must_change_password boolean NOT NULL DEFAULT false,
      failed_login_count integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      session_version integer NOT NULL DEFAULT 1,
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    );
    CREATE UNIQUE INDEX staff_users_username ON staff_users (username);
    CREATE TRIGGER staff_users_updated_at BEFORE UPDATE ON staff_users FOR EACH ROW EXECUTE FUNCTION set_updated_at();

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now(),
      staff_user_id bigint REFERENCES staff_users ON DELETE SET NULL,
      actor text NOT NULL,
      action text NOT NULL,
      object_type text NOT NULL,
      object_id text,
      before jsonb,
      after jsonb,
      ip_address inet
    );
    CREATE INDEX audit_log_object ON audit_log (object_type, object_id, created_at DESC);
    CREATE INDEX audit_log_staff ON audit_log (staff_user_id, created_at DESC);

    CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION forbid_change();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE audit_log; DROP TABLE staff_users; DROP FUNCTION forbid_change();');
}
