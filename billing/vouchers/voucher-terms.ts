/**
 * A voucher's terms and balance as people read them, on the console, the printed card and the
 * hotspot status page: durations in days, hours and minutes, data in MB / GB. Data units are
 * binary (1 GB = 1024³ bytes, what RouterOS and phones count in), written MB / GB because that
 * is what the ISP sells and a guest recognises.
 */
import { t, type Locale } from '../../lib/i18n.js';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** `7 hari`, `1 jam 30 menit`, `45 detik` / `7 days`, `1 h 30 min`, `45 s`; '' for null. */
export function formatDuration(seconds: number | null, locale: Locale): string {
  if (seconds === null) return '';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} ${t(locale, 'vouchers.unit.seconds')}`;
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (days) parts.push(`${days} ${t(locale, days === 1 ? 'vouchers.unit.day' : 'vouchers.unit.days')}`);
  if (hours) parts.push(`${hours} ${t(locale, 'vouchers.unit.hours')}`);
  if (minutes && days === 0) parts.push(`${minutes} ${t(locale, 'vouchers.unit.minutes')}`);
  return parts.join(' ');
}

/** `500 MB`, `1,5 GB` (Indonesian decimal comma) / `1.5 GB`; '' for null. */
export function formatData(bytes: number | null, locale: Locale): string {
  if (bytes === null) return '';
  const n = Math.max(0, bytes);
  const fmt = new Intl.NumberFormat(locale === 'id' ? 'id-ID' : 'en-US', { maximumFractionDigits: 1 });
  if (n >= GIB) return `${fmt.format(Math.floor((n / GIB) * 10) / 10)} GB`;
  return `${fmt.format(Math.floor(n / MIB))} MB`;
}

export interface VoucherTerms {
  timeLimitSeconds: number | null;
  dataLimitBytes: number | null;
  validitySeconds: number | null;
}

/** The terms in words: `{ time: '2 jam', data: '1 GB', validity: '7 hari' }` ('' for no limit). */
export function describeTerms(terms: VoucherTerms, locale: Locale): { time: string; data: string; validity: string } {
  return {
    time: formatDuration(terms.timeLimitSeconds, locale),
    data: formatData(terms.dataLimitBytes, locale),
    validity: formatDuration(terms.validitySeconds, locale),
  };
}
