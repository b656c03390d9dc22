/**
 * Message templates as the console edits them (table message_templates over the built-in files
 * views/notifications/{locale}/{template}.hbs; billing/notifications/templates.ts renders them):
 * per template, language and channel ('' = every channel; a channel's own text wins for it).
 * A save is checked first (it parses; only the template's placeholders and the built-in block
 * helpers), refused when stale (version; 0 = no row yet), and audited with before and after.
 * "Reset" deletes the row, so the built-in text (or the every-channel text) applies again.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Knex } from '../../lib/db.js';
import type { ChannelName, Locale } from '../../billing/notifications/channel.js';
import {
  builtInTemplate, checkTemplateSource, isTemplateName, LOCALES, renderSource, sampleParams, TEMPLATE_CHANNELS, TEMPLATE_NAMES,
  templatePlaceholders, type TemplateChannel, type TemplateName,
} from '../../billing/notifications/templates.js';

export interface TemplateKey {
  template: TemplateName;
  locale: Locale;
  /** '' = every channel. */
  channel: TemplateChannel;
}

/** A route's `:template/:locale/:channel` (`all` for every channel), or null. */
export function templateKey(template: string | undefined, locale: string | undefined, channel: string | undefined): TemplateKey | null {
  if (!template || !isTemplateName(template)) return null;
  if (locale !== 'id' && locale !== 'en') return null;
  const ch = channel === 'all' ? '' : (channel ?? '');
  if (ch === '' && channel !== 'all') return null;
  if (!(TEMPLATE_CHANNELS as readonly string[]).includes(ch)) return null;
  return { template, locale, channel: ch as TemplateChannel };
}

export const channelSlug = (c: TemplateChannel): string => (c === '' ? 'all' : c);

interface Row { template: string; locale: string; channel: string; subject: string; body: string; version: number; updated_at: Date }

/** One field's problem: a locale key and what it is about (the placeholders, the parser's words). */
export interface FieldProblem { key: string; detail?: string }

/** What applies to `key` now and where it comes from. */
export async function loadTemplate(db: Knex, key: TemplateKey): Promise<{ subject: string; body: string; version: number; source: 'edited' | 'all_channels' | 'built_in'; updatedAt: Date | null }> {
  const rows = (await db('message_templates').where({ template: key.template, locale: key.locale }).whereIn('channel', key.channel === '' ? [''] : ['', key.channel])) as Row[];
  const own = rows.find((r) => r.channel === key.channel);
  if (own) return { subject: own.subject, body: own.body, version: Number(own.version), source: 'edited', updatedAt: own.updated_at };
  const all = rows.find((r) => r.channel === '');
  if (all) return { subject: all.subject, body: all.body, version: 0, source: 'all_channels', updatedAt: null };
  return { ...builtInTemplate(key.template, key.locale), version: 0, source: 'built_in', updatedAt: null };
}

/** Every template and language with its edited rows (channel → updated_at). */
export async function listTemplates(db: Knex): Promise<Array<{ template: TemplateName; locale: Locale; edited: Array<{ channel: string; updatedAt: Date }> }>> {
  const rows = (await db('message_templates').select('template', 'locale', 'channel', 'updated_at')) as Row[];
  const out = [];
  for (const template of TEMPLATE_NAMES) {
    for (const locale of LOCALES) {
      const edited = rows
        .filter((r) => r.template === template && r.locale === locale)
        .sort((a, b) => TEMPLATE_CHANNELS.indexOf(a.channel as TemplateChannel) - TEMPLATE_CHANNELS.indexOf(b.channel as TemplateChannel))
        .map((r) => ({ channel: channelSlug(r.channel as TemplateChannel), updatedAt: r.updated_at }));
      out.push({ template, locale, edited });
    }
  }
  return out;
}

/** Checks a subject and body of `template`; field → problem (empty when fine). */
export function checkSources(template: TemplateName, subject: string, body: string): Record<string, FieldProblem> {
  const errors: Record<string, FieldProblem> = {};
  if (subject.trim() === '') errors.subject = { key: 'error.required' };
  else if (subject.length > 300) errors.subject = { key: 'error.too_long' };
  if (body.trim() === '') errors.body = { key: 'error.required' };
  else if (body.length > 10_000) errors.body = { key: 'error.too_long' };
  for (const [field, source] of [['subject', subject], ['body', body]] as const) {
    if (errors[field]) continue;
    const problem = checkTemplateSource(template, source);
    if (problem) errors[field] = { key: `templates.error.${problem.kind}`, detail: problem.detail };
  }
  return errors;
}

export interface Preview {
  subject: string;
  text: string;
  /** Characters of the text, and SMS segments it takes (160 GSM-7 / 70 UCS-2 characters, 153 / 67 when split). */
  length: number;
  smsSegments: number;
  /** Required placeholders the text never uses (a warning: the message may lack them). */
  missing: string[];
  error?: string;
}

/** The message rendered with sample data, as a customer would get it. */
export function preview(template: TemplateName, locale: Locale, subject: string, body: string, companyName?: string): Preview {
  const missing = templatePlaceholders(template).required.filter((p) => !new RegExp(`{{~?\\s*${p}\\b`).test(`${subject}\n${body}`));
  try {
    const r = renderSource(template, subject, body, sampleParams(template, locale, companyName));
    const gsm = /^[\x0A\x0D\x20-\x7E£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà€]*$/.test(r.text);
    const single = gsm ? 160 : 70;
    const part = gsm ? 153 : 67;
    const n = [...r.text].length;
    return { ...r, length: n, smsSegments: n <= single ? 1 : Math.ceil(n / part), missing };
  } catch (err) {
    return { subject: '', text: '', length: 0, smsSegments: 0, missing, error: (err as Error).message };
  }
}

export type TemplateSaveOutcome =
  | { ok: true }
  | { ok: false; code: 'invalid'; errors: Record<string, FieldProblem> }
  | { ok: false; code: 'stale' };

const objectId = (k: TemplateKey): string => `${k.template}/${k.locale}/${channelSlug(k.channel)}`;

/** @param version the row's version the editor was opened with (0: there was no row). */
export async function saveTemplate(db: Knex, actor: AuditActor, key: TemplateKey, version: number, subject: string, body: string): Promise<TemplateSaveOutcome> {
  const s = subject.replace(/\r\n/g, '\n').trim();
  const b = body.replace(/\r\n/g, '\n');
  const errors = checkSources(key.template, s, b);
  if (Object.keys(errors).length) return { ok: false, code: 'invalid', errors };
  return db.transaction(async (trx) => {
    const where = { template: key.template, locale: key.locale, channel: key.channel };
    const before = (await trx('message_templates').where(where).forUpdate().first()) as Row | undefined;
    if ((before ? Number(before.version) : 0) !== version) return { ok: false, code: 'stale' } as const;
    if (before) {
      await trx('message_templates').where(where).update({ subject: s, body: b, version: version + 1, updated_by: actor.staffUserId });
    } else {
      const inserted = await trx.raw(
        `INSERT INTO message_templates (template, locale, channel, subject, body, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (template, locale, channel) DO NOTHING RETURNING id`,
        [key.template, key.locale, key.channel, s, b, actor.staffUserId],
      );
      if (!(inserted.rows as unknown[]).length) return { ok: false, code: 'stale' } as const;
    }
    await recordAudit(trx, actor, {
      action: 'message_template_updated', objectType: 'message_template', objectId: objectId(key),
      before: before ? { subject: before.subject, body: before.body } : null, after: { subject: s, body: b },
    });
    return { ok: true } as const;
  });
}

/** Deletes the edited row of `key` (back to the built-in text); `version` as shown in the editor. */
export async function resetTemplate(db: Knex, actor: AuditActor, key: TemplateKey, version: number): Promise<{ ok: true } | { ok: false; code: 'stale' }> {
  return db.transaction(async (trx) => {
    const where = { template: key.template, locale: key.locale, channel: key.channel };
    const before = (await trx('message_templates').where(where).forUpdate().first()) as Row | undefined;
    if (!before || Number(before.version) !== version) return { ok: false, code: 'stale' } as const;
    await trx('message_templates').where(where).delete();
    await recordAudit(trx, actor, { action: 'message_template_reset', objectType: 'message_template', objectId: objectId(key), before: { subject: before.subject, body: before.body } });
    return { ok: true } as const;
  });
}

/** The channels a template can have its own text for (every channel but the ones it never goes through). */
export function channelsFor(template: TemplateName): TemplateChannel[] {
  const staff: ChannelName[] = ['telegram', 'whatsapp'];
  return TEMPLATE_CHANNELS.filter((c) => c === '' || (template === 'staff_alert' ? staff.includes(c) : c !== 'telegram'));
}
