/**
 * Server-rendered pages: Handlebars templates under views/, a page rendered into a layout from
 * views/layouts/, fragments from views/partials/ usable as `{{> admin/customer-rows}}`.
 * Templates are compiled once and cached (in production; re-read in development). Handlebars
 * escapes every {{value}}, so data can never become markup. No HTML is built in TypeScript
 * strings (ARCHITECTURE.md, "Conventions").
 *
 * Helpers every template has:
 * - `{{t "key"}}`: the text in the page's language (`locale` in the root data, default `id`);
 * - `{{rupiah amount}}`: `Rp 150.000`;
 * - `{{datetime value}}` / `{{date value}}`: a timestamp in the ISP's time zone (`timeZone` in the
 *   root data), `21/11/2026 09.30` / `21/11/2026`;
 * - `{{eq a b}}`, `{{#if (includes list value)}}`, `{{bytes n}}` (binary units),
 *   `{{t (concat "status." status)}}`, `{{#if (within path "/admin/invoices")}}` (that section or below);
 * - `{{tel value}}`: a phone number as `0812-3456-7890` (lib/phone.ts formatPhone).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { formatPhone } from '../phone.js';
import { hasText, t, toLocale } from '../i18n.js';
import { formatRupiah } from '../money.js';

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));
const PARTIALS_DIR = path.join(VIEWS_DIR, 'partials');

export interface Views {
  /** Renders `views/<name>.hbs` into `views/layouts/<layout>.hbs` (its {{{body}}}). */
  render(name: string, data: Record<string, unknown>, layout?: string): string;
  /** Renders `views/<name>.hbs` alone (an htmx fragment, a partial page). */
  fragment(name: string, data: Record<string, unknown>): string;
}

type Root = { locale?: string; timeZone?: string };
const root = (options: Handlebars.HelperOptions): Root => (options.data?.root ?? {}) as Root;

function formatTime(value: unknown, timeZone: string | undefined, withTime: boolean): string {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) return String(value);
  return new Intl.DateTimeFormat('id-ID', {
    timeZone: timeZone ?? 'Asia/Jakarta', day: '2-digit', month: '2-digit', year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
  }).format(d);
}

function formatBytes(n: unknown): string {
  let v = Number(n ?? 0);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => t(toLocale(root(options).locale), key));
  hb.registerHelper('rupiah', (amount: unknown) => (amount === null || amount === undefined || amount === '' ? '' : formatRupiah(Number(amount))));
  hb.registerHelper('datetime', (value: unknown, options: Handlebars.HelperOptions) => formatTime(value, root(options).timeZone, true));
  // A `date` column arrives as 'YYYY-MM-DD' text: shown as it is meant, without a time-zone shift.
  hb.registerHelper('date', (value: unknown, options: Handlebars.HelperOptions) =>
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}` : formatTime(value, root(options).timeZone, false));
  hb.registerHelper('eq', (a: unknown, b: unknown) => String(a) === String(b));
  hb.registerHelper('includes', (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value));
  hb.registerHelper('bytes', formatBytes);
  hb.registerHelper('tel', (value: unknown) => formatPhone(typeof value === 'string' ? value : null));
  // `{{#if (known (concat "x.saved." saved))}}`: a notice key taken from the query is shown only when it exists.
  hb.registerHelper('known', (key: unknown) => typeof key === 'string' && hasText(key));
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  // `{{#if (within path "/admin/invoices")}}`: the path is that section (itself or below it).
  hb.registerHelper('within', (path: unknown, section: unknown) => {
    const p = String(path ?? '');
    const s = String(section);
    return p === s || p.startsWith(`${s}/`) || p.startsWith(`${s}.`);
  });
}

function registerPartials(hb: typeof Handlebars, dir: string, prefix = ''): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) registerPartials(hb, file, `${prefix}${entry.name}/`);
    else if (entry.name.endsWith('.hbs')) hb.registerPartial(`${prefix}${entry.name.slice(0, -4)}`, fs.readFileSync(file, 'utf8'));
  }
}

export function createViews(opts: { cache: boolean }): Views {
  let hb = Handlebars.create();
  const cache = new Map<string, Handlebars.TemplateDelegate>();
  const fresh = (): void => {
    hb = Handlebars.create();
    registerHelpers(hb);
    registerPartials(hb, PARTIALS_DIR);
  };
  fresh();
  const template = (name: string): Handlebars.TemplateDelegate => {
    let tpl = opts.cache ? cache.get(name) : undefined;
    if (!tpl) {
      const file = path.join(VIEWS_DIR, `${name}.hbs`);
      if (!file.startsWith(VIEWS_DIR + path.sep)) throw new Error(`bad view name ${name}`);
      tpl = hb.compile(fs.readFileSync(file, 'utf8'), { strict: false });
      if (opts.cache) cache.set(name, tpl);
    }
    return tpl;
  };
  return {
    render(name, data, layout = 'public') {
      // Development: partials re-read once per page, so an edited template shows on reload.
      if (!opts.cache) fresh();
      const body = template(name)(data);
      return template(`layouts/${layout}`)({ ...data, body });
    },
    fragment(name, data) {
      if (!opts.cache) fresh();
      return template(name)(data);
    },
  };
}
