/**
 * The assistant's texts (views/locales/assistant/{id,en}.json) with `{name}` placeholders filled
 * in, and dates as customers read them in the ISP's time zone.
 */
import { t, type Locale } from '../../lib/i18n.js';

/** The text of `key` in `locale`, every `{name}` replaced by `params[name]` (values are not parsed again). */
export function say(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  return t(locale, `assistant.${key}`).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** `7 Des 2026 14.05` / `7 Dec 2026, 14:05` in `timeZone`. */
export function localDateTime(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

/** `1 Des 2026` for a `YYYY-MM-DD` billing date (a calendar day: no time zone shift). */
export function localDay(day: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', { timeZone: 'UTC', dateStyle: 'medium' }).format(new Date(`${day}T00:00:00Z`));
}
