/**
 * Indonesian and English texts of the pages and messages, from views/locales/{id,en}.json and
 * the same files in any folder below it, one per area or screen (views/locales/admin/{id,en}.json,
 * views/locales/admin/invoices/{id,en}.json, ...); a key defined twice throws at load.
 * A key missing in English falls back to Indonesian; a key missing everywhere is a bug and throws.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Locale = 'id' | 'en';
export const LOCALES: readonly Locale[] = ['id', 'en'];

const LOCALES_DIR = fileURLToPath(new URL('../views/locales', import.meta.url));

/** `<locale>.json` in `dir` and in every folder below it, parents first, folders in name order. */
function catalogFiles(dir: string, locale: Locale): string[] {
  const subdirs = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return [path.join(dir, `${locale}.json`), ...subdirs.flatMap((d) => catalogFiles(path.join(dir, d), locale))];
}

function loadCatalog(locale: Locale): Record<string, string> {
  const files = catalogFiles(LOCALES_DIR, locale);
  const out: Record<string, string> = {};
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    for (const [k, v] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)) {
      if (k in out) throw new Error(`text ${k} defined twice (${file})`);
      out[k] = v;
    }
  }
  return out;
}

const catalogs = Object.fromEntries(LOCALES.map((l) => [l, loadCatalog(l)])) as Record<Locale, Record<string, string>>;

/**
 * Whether `key` has a text in `locale` (default Indonesian, which every key has): for keys built
 * from a request, such as `?saved=`, or from data, such as an audit action.
 */
export function hasText(key: string, locale: Locale = 'id'): boolean {
  return catalogs[locale][key] !== undefined;
}

/** The text for `key` in `locale`. @throws Error for an unknown key. */
export function t(locale: Locale, key: string): string {
  const text = catalogs[locale][key] ?? catalogs.id[key];
  if (text === undefined) throw new Error(`missing text ${key}`);
  return text;
}

/** A supported locale from a loose value (a customer row, a query parameter), else Indonesian. */
export function toLocale(value: unknown): Locale {
  return value === 'en' ? 'en' : 'id';
}
