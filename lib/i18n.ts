/**
 * Indonesian and English texts of the pages and messages, from views/locales/{id,en}.json.
 * A key missing in English falls back to Indonesian; a key missing everywhere is a bug and throws.
 */
import fs from 'node:fs';
import path from 'node:path';
import { VIEWS_DIR } from './http/views.js';

export type Locale = 'id' | 'en';
export const LOCALES: readonly Locale[] = ['id', 'en'];

const catalogs = Object.fromEntries(
  LOCALES.map((l) => [l, JSON.parse(fs.readFileSync(path.join(VIEWS_DIR, 'locales', `${l}.json`), 'utf8')) as Record<string, string>]),
) as Record<Locale, Record<string, string>>;

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
