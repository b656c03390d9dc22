/**
 * Figures of the live screens as a person reads them, in the console's language: bits per second
 * as megabits per second with one decimal (`12,3` in Indonesian, `12.3` in English), CPU as a
 * whole percent; null (no sample yet) stays null for the template's "no data yet".
 */
import type { Locale } from '../../lib/i18n.js';

const formats = new Map<Locale, Intl.NumberFormat>();

function format(locale: Locale): Intl.NumberFormat {
  let f = formats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale === 'id' ? 'id-ID' : 'en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    formats.set(locale, f);
  }
  return f;
}

/** Megabits per second, one decimal; null for null. */
export function mbps(bps: number | null, locale: Locale): string | null {
  return bps === null ? null : format(locale).format(bps / 1e6);
}

/** A whole percent; null for null. */
export function percent(value: number | null): string | null {
  return value === null ? null : String(Math.round(value));
}
