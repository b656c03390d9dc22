/**
 * Everything the customer page shows: the customer, their subscriptions (with plan and whether
 * a session is open now), the latest invoices and payments (CUSTOMER_PAGE_ROWS each), the
 * balance (sum of the ledger, positive = credit) and a timeline of what staff changed (the audit
 * log of the customer and its subscriptions and payments).
 */
import type { Knex } from '../../lib/db.js';

const CUSTOMER_PAGE_ROWS = 20;

export interface CustomerDetail {
  customer: Record<string, unknown> & { id: number; version: number; name: string };
  subscriptions: Array<Record<string, unknown>>;
  invoices: Array<Record<string, unknown>>;
  openInvoices: Array<{ id: number; invoice_number: string; owed: number }>;
  payments: Array<Record<string, unknown>>;
  balance: number;
  timeline: Array<Record<string, unknown>>;
}

/** The customer's page data, or null when there is no such customer. */
export async function customerDetail(db: Knex, id: number): Promise<CustomerDetail | null> {
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
    timeline,
  };
}
