/**
 * The objects of audit entries as staff know them: a customer by its number (CUST0007), a
 * subscription by its username, an invoice by its number, a ticket by its reference (which is
 * also its page), … read with one query per object type on the page, not one per entry.
 * Objects deleted since keep `#<id>` and no link.
 */
import type { Knex } from '../../lib/db.js';
import { auditObject, type AuditObject } from './audit-text.js';

/** Per object type: the table and the column that names a row. */
const NAMES: Record<string, { table: string; column: string }> = {
  customer: { table: 'customers', column: 'customer_number' },
  subscription: { table: 'subscriptions', column: 'username' },
  invoice: { table: 'invoices', column: 'invoice_number' },
  plan: { table: 'plans', column: 'name' },
  nas: { table: 'nas', column: 'name' },
  device: { table: 'devices', column: 'name' },
  staff_user: { table: 'staff_users', column: 'username' },
  voucher_batch: { table: 'voucher_batches', column: 'name' },
  ticket: { table: 'tickets', column: 'reference' },
};

const key = (type: string, id: string | null): string => `${type}:${id ?? ''}`;

/**
 * The object of each entry, keyed `<object_type>:<object_id>` (see auditObjectOf).
 * @param rows audit_log rows (object_type, object_id as text)
 */
export async function auditObjects(db: Knex, rows: Array<{ object_type: unknown; object_id: unknown }>): Promise<Map<string, AuditObject>> {
  const ids = new Map<string, Set<string>>();
  for (const r of rows) {
    const type = String(r.object_type);
    if (!NAMES[type] || r.object_id === null || !/^\d+$/.test(String(r.object_id))) continue;
    if (!ids.has(type)) ids.set(type, new Set());
    ids.get(type)!.add(String(r.object_id));
  }
  const names = new Map<string, string | null>();
  await Promise.all([...ids].map(async ([type, set]) => {
    const { table, column } = NAMES[type]!;
    const found: Array<{ id: string | number; name: string | null }> = await db(table).whereIn('id', [...set]).select('id', { name: column });
    for (const f of found) names.set(key(type, String(f.id)), f.name);
  }));
  const out = new Map<string, AuditObject>();
  for (const r of rows) {
    const type = String(r.object_type);
    const id = r.object_id === null || r.object_id === undefined ? null : String(r.object_id);
    const k = key(type, id);
    if (out.has(k)) continue;
    const known = names.has(k);
    const name = names.get(k) ?? null;
    if (type === 'ticket') out.set(k, auditObject(type, id, name, known && name ? `/admin/tickets/${encodeURIComponent(name)}` : null));
    else if (NAMES[type] && !known) out.set(k, auditObject(type, id, null, null));
    else out.set(k, auditObject(type, id, name));
  }
  return out;
}

/** The entry's object from the map auditObjects built. */
export function auditObjectOf(objects: Map<string, AuditObject>, row: { object_type: unknown; object_id: unknown }): AuditObject {
  const id = row.object_id === null || row.object_id === undefined ? null : String(row.object_id);
  return objects.get(key(String(row.object_type), id)) ?? auditObject(String(row.object_type), id);
}
