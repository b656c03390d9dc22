/**
 * The staff-edited templates (table `message_templates`: template, locale, channel, subject,
 * body), which win over the built-in files: the text for every channel (channel '') and, over it,
 * a channel's own text. Rows for unknown template names, locales or channels are ignored.
 */
import type { Knex } from '../../lib/db.js';
import { CHANNEL_NAMES, type ChannelName } from './channel.js';
import { isTemplateName, type TemplateOverrides } from './template-catalog.js';

/** '' is the text for every channel; a channel's own text wins over it (message_templates.channel). */
export const TEMPLATE_CHANNELS = ['', ...CHANNEL_NAMES] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/** Staff-edited sources for every channel (`all`) and for one channel only (`byChannel`). */
export interface TemplateOverrideSet {
  all: TemplateOverrides;
  byChannel: Partial<Record<ChannelName, TemplateOverrides>>;
}

/** Reads every row of `message_templates` in one query. */
export async function loadTemplateOverrideSet(db: Knex | Knex.Transaction): Promise<TemplateOverrideSet> {
  const rows = (await db('message_templates').select('template', 'locale', 'channel', 'subject', 'body')) as Array<{ template: string; locale: string; channel: string; subject: string; body: string }>;
  const out: TemplateOverrideSet = { all: {}, byChannel: {} };
  for (const r of rows) {
    if (!isTemplateName(r.template) || (r.locale !== 'id' && r.locale !== 'en')) continue;
    const channel = r.channel ?? '';
    if (channel !== '' && !(CHANNEL_NAMES as readonly string[]).includes(channel)) continue;
    const target = channel === '' ? out.all : (out.byChannel[channel as ChannelName] ??= {});
    (target[r.template] ??= {})[r.locale] = { subject: r.subject, body: r.body };
  }
  return out;
}

/**
 * Reads the staff-edited templates for every channel (table `message_templates`, channel '') →
 * TemplateOverrides, for renderTemplate and the dispatcher. Rows for unknown template names or
 * locales are ignored.
 */
export async function loadTemplateOverrides(db: Knex | Knex.Transaction): Promise<TemplateOverrides> {
  return (await loadTemplateOverrideSet(db)).all;
}
