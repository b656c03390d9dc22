/**
 * The `data` of each billing event sent to webhook endpoints (lib/outbound-events.ts records them;
 * README.md, "Webhooks" lists the same shapes for integrators). A stable contract: fields are only
 * ever added. Ids are numbers (our database ids), money is integer rupiah (IDR, no decimals),
 * local billing dates are `YYYY-MM-DD` in the ISP's time zone, instants ISO 8601 UTC. Never a
 * password, secret or token.
 *
 * Each builder is called in the transaction of the change (one line at the use case), so the event
 * exists exactly when the change commits.
 */
import type { OutboundEvent } from '../../lib/outbound-events.js';

/**
 * `payment.received`: money credited to a customer (a staff payment or a settled gateway payment;
 * billing/ledger/credit-payment.ts).
 * data: `{ payment_id, customer_id, amount, invoice_id | null, invoice_number | null, paid_invoice_ids: number[] }`
 * (`paid_invoice_ids`: the invoices this payment completed, after allocation).
 */
export function paymentReceived(p: {
  paymentId: number; customerId: number; amount: number; invoiceId: number | null; invoiceNumber?: string | null; paidInvoiceIds: number[];
}): OutboundEvent {
  return {
    type: 'payment.received',
    data: {
      payment_id: p.paymentId, customer_id: p.customerId, amount: p.amount, currency: 'IDR',
      invoice_id: p.invoiceId, invoice_number: p.invoiceNumber ?? null, paid_invoice_ids: p.paidInvoiceIds,
    },
  };
}

/**
 * `invoice.issued`: one per invoice issued (billing/ledger/issue-invoices.ts).
 * data: `{ invoice_id, invoice_number, customer_id, subscription_id, kind: 'recurring' | 'one_off',
 * total, amount_due, due_date, period_start | null, period_end | null }` (`amount_due`: what is
 * still owed after the customer's credit paid what it could; 0 when paid at once).
 */
export function invoicesIssued(issued: ReadonlyArray<{
  id: number; invoiceNumber: string; total: number; owed: number;
  draft: { customerId: number; subscriptionId: number; kind: 'recurring' | 'one_off'; dueDate: string; periodStart: string | null; periodEnd: string | null };
}>): OutboundEvent[] {
  return issued.map((inv) => ({
    type: 'invoice.issued',
    data: {
      invoice_id: inv.id, invoice_number: inv.invoiceNumber, customer_id: inv.draft.customerId, subscription_id: inv.draft.subscriptionId,
      kind: inv.draft.kind, total: inv.total, amount_due: inv.owed, currency: 'IDR', due_date: inv.draft.dueDate,
      period_start: inv.draft.periodStart, period_end: inv.draft.periodEnd,
    },
  }));
}

/**
 * `invoice.overdue`: an unpaid invoice passed its due date (the dunning pass,
 * billing/dunning/run-dunning-pass.ts), once per invoice.
 * data: `{ invoice_id, invoice_number, customer_id, subscription_id | null, total, amount_due, due_date }`.
 */
export function invoicesOverdue(rows: ReadonlyArray<{
  id: number | string; invoice_number: string | null; customer_id: number | string; subscription_id: number | string | null;
  total: number | string; amount_paid: number | string; due_date: string;
}>): OutboundEvent[] {
  return rows.map((r) => ({
    type: 'invoice.overdue',
    data: {
      invoice_id: Number(r.id), invoice_number: r.invoice_number, customer_id: Number(r.customer_id),
      subscription_id: r.subscription_id === null ? null : Number(r.subscription_id),
      total: Number(r.total), amount_due: Number(r.total) - Number(r.amount_paid), currency: 'IDR', due_date: r.due_date,
    },
  }));
}

/**
 * `subscription.created` (billing/subscriptions/create-subscription.ts).
 * data: `{ subscription_id, customer_id, username, plan_id, plan_name, service_type: 'pppoe' | 'hotspot', billing_type: 'postpaid' | 'prepaid' }`.
 */
export function subscriptionCreated(s: {
  subscriptionId: number; customerId: number; username: string; planId: number; planName: string; serviceType: string; billingType: string;
}): OutboundEvent {
  return {
    type: 'subscription.created',
    data: {
      subscription_id: s.subscriptionId, customer_id: s.customerId, username: s.username, plan_id: s.planId, plan_name: s.planName,
      service_type: s.serviceType, billing_type: s.billingType,
    },
  };
}

/**
 * `subscription.suspended` (to `suspended`) and `subscription.reactivated` (back to `active` from
 * suspended or soft limit), from every path that moves a status
 * (billing/subscriptions/status/change-status.ts: dunning, payments, voids, staff). A move to the
 * soft limit sends nothing. data: `{ subscription_id, customer_id, status, reason }` with `reason`
 * the status_reason recorded (`dunning_suspend`, `staff_suspend`, `paid`, `staff_reactivate`, …).
 */
export function statusChanged(to: string, reason: string, changed: ReadonlyArray<{ id: number; customerId: number }>): OutboundEvent[] {
  const type = to === 'suspended' ? 'subscription.suspended' : to === 'active' ? 'subscription.reactivated' : null;
  if (!type) return [];
  return changed.map((c) => ({ type, data: { subscription_id: Number(c.id), customer_id: Number(c.customerId), status: to, reason } }));
}
