/**
 * Staff-edited notification templates. A row replaces the built-in file
 * views/notifications/{locale}/{template}.hbs for that template and locale (subject and body are
 * Handlebars sources, plain text); deleting the row restores the default. Read by
 * billing/notifications/templates.ts (loadTemplateOverrides).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE message_templates (
      id bigserial PRIMARY KEY,
      template text NOT NULL CHECK (template ~ '^[a-z][a-z0-9_]{0,63}$'),
      locale text NOT NULL CHECK (locale IN ('id', 'en')),
      subject text NOT NULL CHECK (length(subject) <= 300),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
      updated_by bigint REFERENCES staff_users ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (template, locale)
    );
    CREATE TRIGGER message_templates_updated_at BEFORE UPDATE ON message_templates FOR EACH ROW EXECUTE FUNCTION set_updated_at();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE message_templates;');
}
