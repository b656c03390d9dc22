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
import { CHANNEL_NAMES, type ChannelName, type Locale } from './channel.js';

export const TEMPLATE_NAMES = ['invoice_issued', 'payment_reminder', 'payment_received', 'suspended', 'reactivated', 'staff_alert', 'login_code', 'sign_in_link'] as const;
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
  // The self-service portal's one-time sign-in code: sent at once by the portal, never through the outbox (no code in the database).
  login_code: ['code', 'minutes'],
  // A one-time sign-in link to the portal that staff send (admin/customers/portal-access.ts): sent at
  // once, never through the outbox, for the same reason. `days`: how long the link is valid.
  sign_in_link: ['link', 'days'],
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
 * Reads the staff-edited templates for every channel (table `message_templates`, channel '') →
 * TemplateOverrides, for renderTemplate and the dispatcher. Rows for unknown template names or
 * locales are ignored.
 */
export async function loadTemplateOverrides(db: Knex | Knex.Transaction): Promise<TemplateOverrides> {
  return (await loadTemplateOverrideSet(db)).all;
}

// --- Per-channel texts, placeholders, samples: what the console's template editor needs ---------

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
 * Every param a template may use beyond REQUIRED_PARAMS (an absent one renders as nothing), as the
 * billing notifier (outbox-notifier.ts payloadFor) and the staff-alert relay fill them.
 */
export const OPTIONAL_PARAMS: Readonly<Partial<Record<TemplateName, readonly string[]>>> = {
  invoice_issued: ['customerNumber', 'planName', 'payUrl', 'companyName'],
  payment_reminder: ['customerNumber', 'planName', 'payUrl', 'companyName'],
  payment_received: ['invoiceNumber', 'customerNumber', 'planName', 'payUrl', 'companyName'],
  suspended: ['dueDate', 'customerNumber', 'planName', 'payUrl', 'companyName'],
  reactivated: ['customerNumber', 'planName', 'payUrl', 'companyName'],
  staff_alert: ['customerName', 'customerNumber', 'companyName'],
  login_code: ['customerName', 'customerNumber', 'companyName'],
  sign_in_link: ['customerName', 'customerNumber', 'companyName'],
};

/** The placeholders of template `name`: required first, then optional. */
export function templatePlaceholders(name: TemplateName): { required: readonly string[]; optional: readonly string[] } {
  return { required: REQUIRED_PARAMS[name], optional: OPTIONAL_PARAMS[name] ?? [] };
}

const SAMPLE: Record<Locale, Record<string, string>> = {
  id: {
    customerName: 'Budi Santoso', customerNumber: 'CUST0042', invoiceNumber: 'INV/2026/11/000123', amount: 'Rp 150.000',
    dueDate: '1 Desember 2026', planName: 'Rumahan 10 Mbps', payUrl: 'https://billing.contoh.id/pay/abc123', companyName: 'Net Desa',
    message: 'Router Pusat tidak menjawab CoA', code: '482913', minutes: '5',
    link: 'https://billing.contoh.id/portal/account/login/link/Yx3…', days: '14',
  },
  en: {
    customerName: 'Budi Santoso', customerNumber: 'CUST0042', invoiceNumber: 'INV/2026/11/000123', amount: 'Rp 150.000',
    dueDate: '1 December 2026', planName: 'Home 10 Mbps', payUrl: 'https://billing.example.id/pay/abc123', companyName: 'Net Desa',
    message: 'Router Pusat did not answer a CoA', code: '482913', minutes: '5',
    link: 'https://billing.example.id/portal/account/login/link/Yx3…', days: '14',
  },
};

/** Sample params for a preview of `name` in `locale` (every placeholder it may use). */
export function sampleParams(name: TemplateName, locale: Locale, companyName?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of [...REQUIRED_PARAMS[name], ...(OPTIONAL_PARAMS[name] ?? [])]) out[p] = SAMPLE[locale][p] ?? p;
  if (companyName && 'companyName' in out) out.companyName = companyName;
  return out;
}

/** The built-in source of `name` in `locale` (views/notifications/{locale}/{name}.hbs). */
export function builtInTemplate(name: TemplateName, locale: Locale): { subject: string; body: string } {
  const source = readFileSync(new URL(`${locale}/${name}.hbs`, VIEWS_DIR), 'utf8');
  return parseTemplateFile(source, `template ${locale}/${name}`);
}

const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const DATA_VARIABLES = new Set(['index', 'first', 'last', 'key', 'root']);

/** What is wrong with one source: a syntax error, or the placeholders that do not exist (sorted). */
export interface SourceProblem {
  kind: 'syntax' | 'unknown_placeholder' | 'unsupported';
  detail: string;
}

type AstNode = { type: string; [k: string]: unknown };

/**
 * Checks a staff-edited source of template `name`: it must parse, use only the placeholders of
 * templatePlaceholders(name), and the built-in block helpers (if, unless, each, with); no
 * partials, no other helpers. Returns null when it is fine.
 */
export function checkTemplateSource(name: TemplateName, source: string): SourceProblem | null {
  let ast: AstNode;
  try {
    ast = hbs.parse(source) as unknown as AstNode;
  } catch (err) {
    return { kind: 'syntax', detail: (err as Error).message.split('\n')[0] ?? 'parse error' };
  }
  const allowed = new Set([...REQUIRED_PARAMS[name], ...(OPTIONAL_PARAMS[name] ?? [])]);
  const unknown = new Set<string>();
  const unsupported = new Set<string>();

  const path = (p: AstNode | undefined): void => {
    if (!p) return;
    if (p.type === 'SubExpression') {
      unsupported.add(`(${String((p.path as AstNode & { original?: string }).original ?? '')} …)`);
      return;
    }
    if (p.type !== 'PathExpression') return; // literals
    const parts = (p.parts as string[]) ?? [];
    if (p.data) {
      if (!DATA_VARIABLES.has(parts[0] ?? '')) unknown.add(`@${parts.join('.')}`);
      return;
    }
    if (parts.length === 0) return; // {{this}}
    if (!allowed.has(parts[0]!)) unknown.add(String(p.original));
  };
  const call = (node: AstNode, block: boolean): void => {
    const params = (node.params as AstNode[]) ?? [];
    const hash = node.hash as { pairs?: Array<{ value: AstNode }> } | undefined;
    const head = node.path as AstNode & { original?: string; parts?: string[] };
    if (params.length || hash?.pairs?.length || block) {
      // A helper call: only the built-in block helpers.
      const helper = String(head.original ?? '');
      if (!(block && BLOCK_HELPERS.has(helper))) unsupported.add(helper);
      for (const q of params) path(q);
      for (const pair of hash?.pairs ?? []) path(pair.value);
    } else path(head);
  };
  const walk = (node: AstNode | undefined | null): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        for (const s of node.body as AstNode[]) walk(s);
        break;
      case 'MustacheStatement':
        call(node, false);
        break;
      case 'BlockStatement':
        call(node, true);
        walk(node.program as AstNode);
        walk(node.inverse as AstNode);
        break;
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator':
        unsupported.add(`{{> …}}`);
        break;
      default:
        break; // ContentStatement, CommentStatement
    }
  };
  walk(ast);
  if (unsupported.size) return { kind: 'unsupported', detail: [...unsupported].sort().join(', ') };
  if (unknown.size) return { kind: 'unknown_placeholder', detail: [...unknown].sort().map((u) => `{{${u}}}`).join(', ') };
  return null;
}

/**
 * Renders candidate sources (not yet saved) of `name` with `params`, as renderTemplate would:
 * plain text, one-line subject. @throws TemplateError when they do not compile or render.
 */
export function renderSource(name: TemplateName, subject: string, body: string, params: Readonly<Record<string, string>>): RenderedMessage {
  const compiled = overrideTemplate(subject, body, `template ${name}`);
  const data: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string') data[k] = v;
  try {
    return { subject: compiled.subject(data).replace(/\s+/g, ' ').trim(), text: tidy(compiled.body(data)) };
  } catch (err) {
    throw new TemplateError(`template ${name}: ${(err as Error).message.split('\n')[0]}`);
  }
}
