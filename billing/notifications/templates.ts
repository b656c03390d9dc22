/**
 * Message templates: Handlebars files `views/notifications/{id,en}/{name}.hbs`, whose first line
 * is `Subject: …` and the rest the plain-text body; or a staff-edited row of `message_templates`
 * (template, locale, subject, body), which wins when one exists.
 *
 * - Plain text: HTML escaping is off (`noEscape`), so `Rp 150.000 & PPN` stays as written.
 * - Params are data, never compiled: a customer name containing `{{payUrl}}` is printed as
 *   those characters. Only the template sources (our files, staff rows) are compiled, with the
 *   built-in helpers only (`if`, `unless`, `each`, `with`) and no prototype access.
 * - Params are strings the caller has already formatted (`formatRupiah`, a date in the ISP's time
 *   zone, the customer's locale): a template never formats money or dates itself.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Knex } from '../../lib/db.js';
import type { Locale } from './channel.js';

export const TEMPLATE_NAMES = ['invoice_issued', 'payment_reminder', 'payment_received', 'suspended', 'reactivated', 'staff_alert'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const LOCALES: readonly Locale[] = ['id', 'en'];

/**
 * The params each template needs. Every template may also use customerNumber, payUrl,
 * companyName and planName when given (an absent optional param renders as nothing).
 */
export const REQUIRED_PARAMS: Readonly<Record<TemplateName, readonly string[]>> = {
  invoice_issued: ['customerName', 'invoiceNumber', 'amount', 'dueDate'],
  payment_reminder: ['customerName', 'invoiceNumber', 'amount', 'dueDate'],
  // A payment may settle several invoices, or none (credit): the invoice number is optional.
  payment_received: ['customerName', 'amount'],
  suspended: ['customerName', 'invoiceNumber', 'amount'],
  reactivated: ['customerName'],
  staff_alert: ['message'],
};

/** Staff-edited sources by template and locale (see loadTemplateOverrides). */
export type TemplateOverrides = Partial<Record<TemplateName, Partial<Record<Locale, { subject: string; body: string }>>>>;

export interface RenderedMessage {
  subject: string;
  text: string;
}

/** A template that is unknown, broken, or missing a required param: a programming or staff error, not worth retrying. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

const hbs = Handlebars.create();
const COMPILE_OPTIONS = { noEscape: true, strict: false, knownHelpersOnly: true, preventIndent: true } as const;
const VIEWS_DIR = new URL('../../views/notifications/', import.meta.url);

type Compiled = { subject: Handlebars.TemplateDelegate; body: Handlebars.TemplateDelegate };

const fileCache = new Map<string, Compiled>();
// Staff sources by their text: an edit is a new key. Bounded so a long-running worker that sees
// many edits does not grow without limit.
const overrideCache = new Map<string, Compiled>();
const OVERRIDE_CACHE_MAX = 200;

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

function compile(subject: string, body: string, what: string): Compiled {
  try {
    // parse() reports syntax errors now rather than at the first send.
    hbs.parse(subject);
    hbs.parse(body);
    return { subject: hbs.compile(subject, COMPILE_OPTIONS), body: hbs.compile(body, COMPILE_OPTIONS) };
  } catch (err) {
    throw new TemplateError(`${what}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Splits a template file into its `Subject:` line and body. @throws TemplateError without one. */
export function parseTemplateFile(source: string, what = 'template'): { subject: string; body: string } {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const nl = text.indexOf('\n');
  const first = nl === -1 ? text : text.slice(0, nl);
  const m = /^Subject:[ \t]*(.*)$/.exec(first);
  if (!m) throw new TemplateError(`${what}: the first line must be "Subject: …"`);
  const body = nl === -1 ? '' : text.slice(nl + 1).replace(/^\n/, '');
  return { subject: (m[1] ?? '').trim(), body };
}

function fileTemplate(name: TemplateName, locale: Locale): Compiled {
  const key = `${locale}/${name}`;
  let compiled = fileCache.get(key);
  if (!compiled) {
    let source: string;
    try {
      source = readFileSync(new URL(`${locale}/${name}.hbs`, VIEWS_DIR), 'utf8');
    } catch (err) {
      throw new TemplateError(`template ${key}: ${(err as Error).message}`);
    }
    const { subject, body } = parseTemplateFile(source, `template ${key}`);
    compiled = compile(subject, body, `template ${key}`);
    fileCache.set(key, compiled);
  }
  return compiled;
}

function overrideTemplate(subject: string, body: string, what: string): Compiled {
  const key = `${subject}\u0000${body}`;
  let compiled = overrideCache.get(key);
  if (!compiled) {
    compiled = compile(subject, body, what);
    if (overrideCache.size >= OVERRIDE_CACHE_MAX) overrideCache.clear();
    overrideCache.set(key, compiled);
  }
  return compiled;
}

function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Renders template `name` in `locale` with `params` → `{ subject, text }` (plain text; subject on
 * one line). Uses `overrides[name][locale]` when present, else the file. Compiled once and cached.
 *
 * @throws TemplateError for an unknown template or locale, a missing required param (see
 *   REQUIRED_PARAMS), or a source that does not compile.
 */
export function renderTemplate(name: string, locale: string, params: Readonly<Record<string, string>>, overrides?: TemplateOverrides): RenderedMessage {
  if (!isTemplateName(name)) throw new TemplateError(`unknown template "${name}"`);
  if (locale !== 'id' && locale !== 'en') throw new TemplateError(`unknown locale "${locale}"`);
  const missing = REQUIRED_PARAMS[name].filter((p) => typeof params[p] !== 'string' || params[p] === '');
  if (missing.length) throw new TemplateError(`template ${name}: missing ${missing.join(', ')}`);

  const override = overrides?.[name]?.[locale];
  const compiled = override ? overrideTemplate(override.subject, override.body, `message_templates ${name}/${locale}`) : fileTemplate(name, locale);

  // Only own string values reach the template, in an object without a prototype.
  const data: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string') data[k] = v;

  try {
    return {
      subject: compiled.subject(data).replace(/\s+/g, ' ').trim(),
      text: tidy(compiled.body(data)),
    };
  } catch (err) {
    throw new TemplateError(`template ${name}/${locale}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Checks a staff-edited subject and body before they are saved: null when they compile,
 * else the error to show (e.g. `Parse error on line 2: …`).
 */
export function validateTemplateSource(subject: string, body: string): string | null {
  try {
    const compiled = compile(subject, body, 'template');
    compiled.subject({});
    compiled.body({});
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^template: /, '');
  }
}

/**
 * Reads the staff-edited templates (table `message_templates`) → TemplateOverrides, for
 * renderTemplate and the dispatcher. Rows for unknown template names or locales are ignored.
 */
export async function loadTemplateOverrides(db: Knex | Knex.Transaction): Promise<TemplateOverrides> {
  const rows = (await db('message_templates').select('template', 'locale', 'subject', 'body')) as Array<{ template: string; locale: string; subject: string; body: string }>;
  const out: TemplateOverrides = {};
  for (const r of rows) {
    if (!isTemplateName(r.template) || (r.locale !== 'id' && r.locale !== 'en')) continue;
    (out[r.template] ??= {})[r.locale] = { subject: r.subject, body: r.body };
  }
  return out;
}
