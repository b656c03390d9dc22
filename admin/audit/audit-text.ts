/**
 * Audit entries as staff read them: a sentence in the page's language for the action
 * (`audit.action.<action>` in views/locales/admin/audit, with `{object}` where the object goes,
 * linked to its page when it has one) and the details as "field: before → after" lines instead
 * of the stored JSON. Actions written before a text existed read as their words
 * (`some_new_action` → "some new action"), never as a failed page.
 */
import { hasText, t, type Locale } from '../../lib/i18n.js';
import { formatRupiah } from '../../lib/money.js';

/** The object an entry is about: `label` is its number or name when known, else `#<id>`. */
export interface AuditObject {
  type: string;
  id: string | null;
  label: string;
  /** The console page of the object, or null (no page, or no id). */
  href: string | null;
}

/** An entry's sentence, split around the object so the view can link it: `before` + object + `after`. */
export interface AuditSentence {
  before: string;
  object: AuditObject | null;
  after: string;
}

/** One changed field: values as text, null for "not there" (a field only before or only after). */
export interface AuditChange {
  field: string;
  before: string | null;
  after: string | null;
}

/** The console page of each object type that has one, by id. */
const PAGES: Record<string, (id: string) => string> = {
  customer: (id) => `/admin/customers/${id}`,
  subscription: (id) => `/admin/subscriptions/${id}`,
  invoice: (id) => `/admin/invoices/${id}`,
  payment: (id) => `/admin/payments/${id}`,
  plan: (id) => `/admin/plans/${id}`,
  nas: (id) => `/admin/nas/${id}`,
  device: (id) => `/admin/devices/${id}`,
  staff_user: (id) => `/admin/staff/${id}`,
  voucher_batch: (id) => `/admin/vouchers/batches/${id}`,
};

/** The object of an entry; `label` (customer number, username, …) from auditObjectLabels when known. */
export function auditObject(type: string, id: string | null, label?: string | null, href?: string | null): AuditObject {
  const page = PAGES[type];
  return { type, id, label: label ?? (id === null ? '' : /^\d+$/.test(id) ? `#${id}` : id), href: href !== undefined ? href : id !== null && page ? page(id) : null };
}

/** Words of a key: `must_change_password` / `statusReason` → `must change password` / `status reason`. */
function words(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.]+/g, ' ').toLowerCase().trim();
}

/** The sentence for `action` in `locale`, e.g. `membuat pelanggan {object}` → before/object/after. */
export function auditSentence(locale: Locale, action: string, object: AuditObject | null): AuditSentence {
  const key = `audit.action.${action}`;
  const text = hasText(key) ? t(locale, key) : `${words(action)} {object}`;
  const at = text.indexOf('{object}');
  if (at < 0) return { before: text, object: null, after: '' };
  return { before: text.slice(0, at), object: object && object.label ? object : null, after: text.slice(at + '{object}'.length) };
}

/** Fields holding rupiah (integer), shown as `Rp 150.000`. */
const MONEY = new Set(['amount', 'price', 'total', 'fee', 'late_fee', 'credit', 'balance', 'setup_fee']);

/** A value as text: translated where it is a status or status reason, rupiah for money fields. */
function valueText(locale: Locale, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'boolean') return t(locale, value ? 'audit.yes' : 'audit.no');
  if (typeof value === 'number' && MONEY.has(field)) return formatRupiah(value);
  if (typeof value === 'string') {
    const kind = field === 'status' ? 'status' : field === 'statusReason' || field === 'status_reason' ? 'status_reason' : null;
    if (kind && hasText(`${kind}.${value}`)) return t(locale, `${kind}.${value}`);
    return value;
  }
  return JSON.stringify(value);
}

/** The field's name in `locale` (`audit.field.<field>`), else its words. */
export function fieldName(locale: Locale, field: string): string {
  return hasText(`audit.field.${field}`) ? t(locale, `audit.field.${field}`) : words(field);
}

/**
 * The entry's details as lines: for each field in `before` or `after` (in that order), the field
 * name and its values; a field whose value did not change is left out when both sides exist.
 */
export function auditChanges(locale: Locale, before: Record<string, unknown> | null, after: Record<string, unknown> | null): AuditChange[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const out: AuditChange[] = [];
  for (const f of fields) {
    const had = before !== null && f in before;
    const has = after !== null && f in after;
    if (had && has && JSON.stringify(before[f]) === JSON.stringify(after[f])) continue;
    out.push({ field: fieldName(locale, f), before: had ? valueText(locale, f, before[f]) : null, after: has ? valueText(locale, f, after[f]) : null });
  }
  return out;
}
