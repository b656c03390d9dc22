/**
 * The customers CSV import: one row per subscription, read with csv-parse (RFC 4180 quoting; a
 * comma or a semicolon between fields, as Excel writes it with an Indonesian locale; a UTF-8
 * byte-order mark skipped), and the template staff download to fill in (csv-stringify).
 *
 * Columns (header row required, any order, case-insensitive; only username, password and plan
 * are required): customer_key, customer_name, phone, email, address, username, password,
 * service_type (pppoe | hotspot, default pppoe), plan, rate_limit, price, static_ip,
 * mac_address, disabled (yes | no), notes.
 * - Rows with the same customer_key are one customer (its fields from the first such row);
 *   without a key the username is the key.
 * - A plan with a rate_limit is created or updated from the first row naming it (price in whole
 *   rupiah; `150.000`, `150,000` and `Rp 150000` read as 150000); a plan without one must exist.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { normaliseMac, type ImportBatch, type ImportedPlan } from './import-model.js';

export const CSV_COLUMNS = [
  'customer_key', 'customer_name', 'phone', 'email', 'address', 'username', 'password', 'service_type', 'plan', 'rate_limit', 'price',
  'static_ip', 'mac_address', 'disabled', 'notes',
] as const;

/** The template: the header and one example row (UTF-8 with a byte-order mark, so Excel shows accents). */
export function customersCsvTemplate(): string {
  return stringify([
    [...CSV_COLUMNS],
    ['PLG-001', 'Budi Santoso', '081234567890', 'budi@example.com', 'Jl. Melati 1, Bandung', 'budi', 'rahasia123', 'pppoe', 'Rumahan 10 Mbps',
      '5M/10M', '150000', '10.10.0.5', '', 'no', 'ODP-07 port 3'],
  ], { bom: true });
}

/** Whole rupiah from `150000`, `150.000`, `150,000`, `Rp 150.000`; null when empty; NaN when not a number. */
export function parseRupiah(text: string): number | null {
  const t = text.replace(/^rp\.?\s*/i, '').replace(/[\s.,]/g, '');
  if (t === '') return null;
  return /^\d{1,15}$/.test(t) ? Number(t) : Number.NaN;
}

/** Parses the CSV text; a file csv-parse cannot read becomes one `syntax` refusal. */
export function importBatchFromCsv(text: string): ImportBatch {
  const batch: ImportBatch = { source: 'csv', plans: [], customers: [], subscriptions: [], refused: [] };
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true, columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), delimiter: [',', ';'],
      skip_empty_lines: true, trim: true, info: true, relax_column_count: false,
    }) as typeof records;
  } catch (err) {
    batch.refused.push({ origin: `line ${(err as { lines?: number }).lines ?? 1}`, reason: 'syntax', detail: (err as Error).message });
    return batch;
  }
  const plans = new Map<string, ImportedPlan>();
  const customers = new Set<string>();
  for (const { record: r, info } of records) {
    const origin = `line ${info.lines}`;
    const get = (k: (typeof CSV_COLUMNS)[number]): string => r[k] ?? '';
    const username = get('username');
    const planName = get('plan');
    if (!username) {
      batch.refused.push({ origin, reason: 'no_name', detail: '' });
      continue;
    }
    if (!planName) {
      batch.refused.push({ origin, reason: 'unknown_plan', detail: `${username}: —` });
      continue;
    }
    const serviceType = get('service_type').toLowerCase() === 'hotspot' ? 'hotspot' : 'pppoe';
    const price = parseRupiah(get('price'));
    if (Number.isNaN(price)) {
      batch.refused.push({ origin, reason: 'price', detail: `${planName}: ${get('price')}` });
      continue;
    }
    const mac = get('mac_address') ? normaliseMac(get('mac_address')) : null;
    if (get('mac_address') && !mac) {
      batch.refused.push({ origin, reason: 'mac_address', detail: `${username}: ${get('mac_address')}` });
      continue;
    }
    if (get('rate_limit') && !plans.has(planName.toLowerCase())) {
      plans.set(planName.toLowerCase(), { name: planName, serviceType, rateLimit: get('rate_limit'), framedPool: null, price, origin });
    }
    const key = get('customer_key') || username;
    if (!customers.has(key)) {
      customers.add(key);
      batch.customers.push({
        key, name: get('customer_name') || null, phone: get('phone') || null, email: get('email') || null, address: get('address') || null, origin,
      });
    }
    batch.subscriptions.push({
      username, password: get('password'), serviceType, planName, customerKey: key, staticIp: get('static_ip') || null, macAddress: mac,
      disabled: ['yes', 'ya', 'true', '1'].includes(get('disabled').toLowerCase()), notes: get('notes') || null, origin,
    });
  }
  batch.plans = [...plans.values()];
  return batch;
}
