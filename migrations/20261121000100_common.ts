/**
 * Shared database functions: updated_at maintenance and the settings table (ISP-wide settings
 * as validated JSON, one row per area, e.g. `aaa`, `company`, `billing`).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.updated_at := now();
      RETURN NEW;
    END $$;

    CREATE TABLE settings (
      key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]*$'),
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TRIGGER settings_updated_at BEFORE UPDATE ON settings
      FOR EACH ROW EXECUTE FUNCTION set_updated_at();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE settings; DROP FUNCTION set_updated_at();');
}
