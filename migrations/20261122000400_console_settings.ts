/**
 * Settings, dunning and template editors of the staff console:
 * - settings.version: an edit opened at version N is refused once someone else saved N+1
 *   (optimistic lock, as customers.version);
 * - message_templates.channel: '' is the text for every channel, a channel name (whatsapp, sms,
 *   email, telegram) a text for that channel only, which wins over ''. A row per template, locale
 *   and channel; message_templates.version for the stale-edit check.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE settings ADD COLUMN version integer NOT NULL DEFAULT 1;

    ALTER TABLE message_templates
      ADD COLUMN channel text NOT NULL DEFAULT '' CHECK (channel IN ('', 'whatsapp', 'sms', 'email', 'telegram')),
      ADD COLUMN version integer NOT NULL DEFAULT 1;
    -- Same name, one more column: what reads the constraint's name (a duplicate's error) stays true.
    ALTER TABLE message_templates DROP CONSTRAINT message_templates_template_locale_key;
    ALTER TABLE message_templates ADD CONSTRAINT message_templates_template_locale_key UNIQUE (template, locale, channel);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM message_templates WHERE channel <> '';
    ALTER TABLE message_templates DROP CONSTRAINT message_templates_template_locale_key;
    ALTER TABLE message_templates ADD CONSTRAINT message_templates_template_locale_key UNIQUE (template, locale);
    ALTER TABLE message_templates DROP COLUMN version, DROP COLUMN channel;
    ALTER TABLE settings DROP COLUMN version;
  `);
}
