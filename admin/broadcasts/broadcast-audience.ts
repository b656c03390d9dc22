/**
 * Who a broadcast reaches: the customers (not archived, within the staff member's scope) with at
 * least one subscription matching the filter (admin/subscriptions/subscription-filter.ts: area,
 * router, plan, status; no status: every subscription but terminated ones), each once, with a
 * phone WhatsApp can take (lib/phone.ts normalizePhone) or counted as `withoutPhone`.
 */
import type { Knex } from '../../lib/db.js';
import { normalizePhone } from '../../lib/phone.js';
import type { CustomerScope } from '../../billing/customers/customer-scope.js';
import { applySubscriptionFilter, type SubscriptionFilter } from '../subscriptions/subscription-filter.js';
import type { Recipient } from './broadcast-message.js';

export interface AudienceMember extends Recipient {
  customerId: number;
  /** Normalised (62812…). */
  phone: string;
  locale: 'id' | 'en';
}

export interface Audience {
  members: AudienceMember[];
  /** Matching customers without a usable phone (not sent to). */
  withoutPhone: number;
}

export async function broadcastAudience(db: Knex, filter: SubscriptionFilter, scope: CustomerScope): Promise<Audience> {
  const matching = applySubscriptionFilter(db('subscriptions as s').join('customers as c', 'c.id', 's.customer_id'), filter, scope).distinct('s.customer_id');
  const rows = (await db('customers as c').whereIn('c.id', matching).orderBy('c.id')
    .select('c.id', 'c.name', 'c.customer_number', 'c.phone', 'c.locale',
      db.raw(`(SELECT coalesce(sum(i.total - i.amount_paid), 0) FROM invoices i WHERE i.customer_id = c.id AND i.status IN ('open', 'partially_paid', 'overdue')) AS owed`))) as Array<Record<string, string | null>>;
  const members: AudienceMember[] = [];
  let withoutPhone = 0;
  for (const r of rows) {
    const phone = normalizePhone(r.phone);
    if (!phone) withoutPhone++;
    else members.push({ customerId: Number(r.id), name: r.name!, customerNumber: r.customer_number!, phone, locale: r.locale === 'en' ? 'en' : 'id', owed: Number(r.owed) });
  }
  return { members, withoutPhone };
}
