/**
 * Sample params for the console's template editor (a preview of every placeholder a template may
 * use), in each language.
 */
import type { Locale } from './channel.js';
import { OPTIONAL_PARAMS, REQUIRED_PARAMS, type TemplateName } from './template-catalog.js';

const SAMPLE: Record<Locale, Record<string, string>> = {
  id: {
    customerName: 'Budi Santoso', customerNumber: 'CUST0042', invoiceNumber: 'INV/2026/11/000123', amount: 'Rp 150.000',
    dueDate: '1 Desember 2026', planName: 'Rumahan 10 Mbps', payUrl: 'https://billing.contoh.id/pay/abc123', companyName: 'Net Desa',
    message: 'Router Pusat tidak menjawab CoA', code: '482913', minutes: '5',
    link: 'https://billing.contoh.id/portal/account/login/link/Yx3…', days: '14',
    text: 'Yth. Budi Santoso, jaringan di area Cibubur dalam perbaikan pukul 01.00–03.00.',
    since: '7 Desember 2026 14.05', until: '7 Desember 2026 18.40',
  },
  en: {
    customerName: 'Budi Santoso', customerNumber: 'CUST0042', invoiceNumber: 'INV/2026/11/000123', amount: 'Rp 150.000',
    dueDate: '1 December 2026', planName: 'Home 10 Mbps', payUrl: 'https://billing.example.id/pay/abc123', companyName: 'Net Desa',
    message: 'Router Pusat did not answer a CoA', code: '482913', minutes: '5',
    link: 'https://billing.example.id/portal/account/login/link/Yx3…', days: '14',
    text: 'Dear Budi Santoso, the network in Cibubur is under maintenance from 01:00 to 03:00.',
    since: '7 December 2026 14:05', until: '7 December 2026 18:40',
  },
};

/** Sample params for a preview of `name` in `locale` (every placeholder it may use). */
export function sampleParams(name: TemplateName, locale: Locale, companyName?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of [...REQUIRED_PARAMS[name], ...(OPTIONAL_PARAMS[name] ?? [])]) out[p] = SAMPLE[locale][p] ?? p;
  if (companyName && 'companyName' in out) out.companyName = companyName;
  return out;
}
