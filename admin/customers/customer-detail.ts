/**
 * Everything the customer page shows: the customer, their subscriptions (with plan and whether
 * a session is open now), the latest invoices and payments (CUSTOMER_PAGE_ROWS each), the
 * balance (sum of the ledger, positive = credit) and a timeline of what staff changed (the audit
 * log of the customer and its subscriptions and payments, as sentences: admin/audit/audit-text.ts).
 */
import type { Knex } from '../../lib/db.js';
import type { Locale } from '../../lib/i18n.js';
import { auditObjectOf, auditObjects } from '../audit/audit-objects.js';
import { auditSentence, type AuditSentence } from '../audit/audit-text.js';

const CUSTOMER_PAGE_ROWS = 20;

export interface CustomerDetail {
  customer: Record<string, unknown> & { id: number; version: number; name: string };
  subscriptions: Array<Record<string, unknown>>;
  invoices: Array<Record<string, unknown>>;
  openInvoices: Array<{ id: number; invoice_number: string; owed: number }>;
  payments: Array<Record<string, unknown>>;
  balance: number;
  /** What was done to the customer, its subscriptions and payments, newest first, as sentences. */
  timeline: Array<{ created_at: Date; actor: string | null; sentence: AuditSentence }>;
  /** The KTP number with all but its last four characters hidden (maskIdentity), or null. */
  identityMasked: string | null;
}

/**
 * A KTP number (NIK, 16 digits) for staff who may not edit customers: all but its last four
 * characters hidden (`••••••••••••1234`), as NIK is personal data. Null when there is none.
 */
export function maskIdentity(value: unknown): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) return null;
  return '•'.repeat(Math.max(0, text.length - 4)) + text.slice(-4);
}

/** The customer's page data in `locale` (the timeline's sentences), or null when there is no such customer. */
export async function customerDetail(db: Knex, id: number, locale: Locale = 'id'): Promise<CustomerDetail | null> {
  const customer = await db('customers').where({ id }).first();
  if (!customer) return null;
  const [subscriptions, invoices, payments, balanceRow, timeline] = await Promise.all([
    db('subscriptions as s')
      .join('plans as p', 'p.id', 's.plan_id')
      .where('s.customer_id', id)
      .orderBy('s.id')
      .select('s.id', 's.username', 's.released_username', 's.service_type', 's.status', 's.status_reason', 's.billing_type', 's.paid_until', 's.static_ip', 'p.name as plan_name', 'p.price as plan_price', 'p.rate_limit')
      .select(db.raw('EXISTS (SELECT 1 FROM accounting_sessions a WHERE a.subscription_id = s.id AND a.stop_time IS NULL) AS online')),
    db('invoices').where({ customer_id: id }).whereNot('status', 'draft').orderBy('id', 'desc').limit(CUSTOMER_PAGE_ROWS)
      .select('id', 'invoice_number', 'status', 'period_start', 'period_end', 'due_date', 'total', 'amount_paid')
      // period_end is exclusive (the first day after the period); staff read the last day.
      .select(db.raw(`to_char(due_date, 'YYYY-MM-DD') AS due_day, to_char(period_end - 1, 'YYYY-MM-DD') AS period_last_day`)),
    db('payments as pm').leftJoin('staff_users as u', 'u.id', 'pm.received_by').where('pm.customer_id', id).orderBy('pm.id', 'desc').limit(CUSTOMER_PAGE_ROWS)
      .select('pm.id', 'pm.amount', 'pm.method', 'pm.status', 'pm.reference', 'u.name as received_by_name')
      // When the money arrived (the engine's clock), else when the row was written.
      .select(db.raw('coalesce(pm.settled_at, pm.created_at) AS paid_at')),
    db('ledger_entries').where({ customer_id: id }).sum({ balance: 'amount' }).first(),
    db('audit_log')
      .where((w) =>
        w.where({ object_type: 'customer', object_id: String(id) })
          .orWhere((o) => o.where('object_type', 'subscription').whereIn('object_id', db('subscriptions').where({ customer_id: id }).select(db.raw('id::text'))))
          .orWhere((o) => o.where('object_type', 'payment').whereIn('object_id', db('payments').where({ customer_id: id }).select(db.raw('id::text')))),
      )
      .orderBy('id', 'desc')
      .limit(CUSTOMER_PAGE_ROWS)
      .select('created_at', 'actor', 'action', 'object_type', 'object_id'),
  ]);
  const objects = await auditObjects(db, timeline);
  const openInvoices = invoices
    .filter((i) => ['open', 'partially_paid', 'overdue'].includes(String(i.status)))
    .map((i) => ({ id: Number(i.id), invoice_number: String(i.invoice_number), owed: Number(i.total) - Number(i.amount_paid) }));
  return {
    customer: customer as CustomerDetail['customer'],
    subscriptions,
    invoices: invoices.map((i) => ({ ...i, owed: Number(i.total) - Number(i.amount_paid) })),
    openInvoices,
    payments,
    balance: Number(balanceRow?.balance ?? 0),
    timeline: timeline.map((e) => ({ created_at: e.created_at, actor: e.actor, sentence: auditSentence(locale, String(e.action), auditObjectOf(objects, e)) })),
    identityMasked: maskIdentity(customer.identity_number),
  };
}
