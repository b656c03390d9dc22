/**
 * Who is writing: the customers whose phone number is the sender's (the same reading as the
 * portal's sign-in, `portal_phone_key(phone)`, indexed: migrations/…000800_portal_accounts_and_tickets.ts)
 * and their subscriptions that have not ended, in a stable order (the numbers of the "which
 * subscription?" list). One number may belong to several customers (a family, a shop owner):
 * their subscriptions are listed together and the choice decides the customer.
 */
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';

export interface SenderCustomer {
  id: number;
  customerNumber: string;
  locale: Locale;
}

export interface SenderSubscription {
  id: number;
  customerId: number;
  username: string;
  status: 'active' | 'soft_limited' | 'suspended' | 'terminated';
  planName: string;
}

export interface Sender {
  customers: SenderCustomer[];
  subscriptions: SenderSubscription[];
}

/** @param phone E.164 digits without `+` (lib/phone.ts normalizePhone). At most 5 customers are considered. */
export async function identifySender(db: Knex | Knex.Transaction, phone: string): Promise<Sender> {
  const customers = await db('customers').whereNotNull('phone').whereRaw('portal_phone_key(phone) = ?', [phone]).orderBy('id').limit(5)
    .select('id', 'customer_number', 'locale');
  if (!customers.length) return { customers: [], subscriptions: [] };
  const subscriptions = await db('subscriptions as s').join('plans as p', 'p.id', 's.plan_id')
    .whereIn('s.customer_id', customers.map((c) => c.id)).whereNot('s.status', 'terminated').orderBy('s.id')
    .select('s.id', 's.customer_id', 's.username', 's.status', 'p.name as plan_name');
  return {
    customers: customers.map((c) => ({ id: Number(c.id), customerNumber: String(c.customer_number), locale: c.locale === 'en' ? 'en' : 'id' })),
    subscriptions: subscriptions.map((s) => ({ id: Number(s.id), customerId: Number(s.customer_id), username: String(s.username), status: s.status, planName: String(s.plan_name) })),
  };
}
