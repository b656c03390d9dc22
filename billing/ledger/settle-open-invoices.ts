/**
 * Applies a customer's unallocated money to their open invoices, oldest due date first. The
 * ledger is the truth: balance = Σ ledger entries (payments +, invoices −, voids +); the money
 * not yet applied to any invoice is balance + Σ (total − amount_paid) over open invoices. That
 * is how an overpayment becomes credit that the next invoice uses automatically, and how a
 * prepaid subscription renews from its balance.
 *
 * Every money operation of a customer runs under a row lock on the customer (SELECT … FOR
 * UPDATE), so two payments, or a payment and the invoice run, never allocate the same rupiah twice.
 */
import type { Knex } from '../../lib/db.js';

export type OpenStatus = 'open' | 'partially_paid' | 'overdue';

export interface PaidInvoice {
  id: number;
  subscriptionId: number | null;
  kind: 'recurring' | 'one_off';
  periodEnd: string | null;
}

/** The status of an invoice not fully paid, on local date `today`. */
export function openStatus(amountPaid: number, dueDate: string | null, today: string): OpenStatus {
  if (dueDate !== null && dueDate < today) return 'overdue';
  return amountPaid > 0 ? 'partially_paid' : 'open';
}

/**
 * Takes the customer's money lock for the rest of the transaction. Every use case that writes a
 * customer's ledger takes it first (several customers: in id order), so they queue, never deadlock.
 * @returns false when there is no such customer.
 */
export async function lockCustomer(trx: Knex.Transaction, customerId: number): Promise<boolean> {
  const { rows } = await trx.raw('SELECT id FROM customers WHERE id = ? FOR UPDATE', [customerId]);
  return rows.length > 0;
}

/** Σ of the customer's ledger: positive = credit the customer holds, negative = what they owe. */
export async function ledgerBalance(trx: Knex | Knex.Transaction, customerId: number): Promise<number> {
  const { rows } = await trx.raw('SELECT coalesce(sum(amount), 0)::bigint AS balance FROM ledger_entries WHERE customer_id = ?', [customerId]);
  return Number(rows[0].balance);
}

/**
 * Allocates the customer's unallocated money to open invoices (`preferInvoiceId` first, then
 * oldest due first) and returns the invoices it paid in full. Locks the customer first. `today`
 * is the local date (for the status of what stays open); `now` stamps paid_at.
 */
export async function settleOpenInvoices(
  trx: Knex.Transaction,
  customerId: number,
  today: string,
  now: Date,
  preferInvoiceId: number | null = null,
): Promise<PaidInvoice[]> {
  await lockCustomer(trx, customerId);
  const balance = await ledgerBalance(trx, customerId);
  const { rows: open } = await trx.raw(
    `SELECT id, subscription_id, kind, period_end, due_date, total, amount_paid
       FROM invoices
      WHERE customer_id = ? AND status IN ('open', 'partially_paid', 'overdue')
      ORDER BY id = ? DESC, due_date NULLS LAST, id
        FOR UPDATE`,
    [customerId, preferInvoiceId ?? 0],
  );
  const invoices = open as Array<{ id: number; subscription_id: number | null; kind: 'recurring' | 'one_off'; period_end: string | null; due_date: string | null; total: number; amount_paid: number }>;
  let unallocated = balance + invoices.reduce((sum, i) => sum + (i.total - i.amount_paid), 0);
  const paid: PaidInvoice[] = [];
  for (const inv of invoices) {
    if (unallocated <= 0) break;
    const owed = inv.total - inv.amount_paid;
    const apply = Math.min(owed, unallocated);
    unallocated -= apply;
    const amountPaid = inv.amount_paid + apply;
    if (amountPaid === inv.total) {
      await trx('invoices').where({ id: inv.id }).update({ amount_paid: amountPaid, status: 'paid', paid_at: now, version: trx.raw('version + 1') });
      paid.push({ id: inv.id, subscriptionId: inv.subscription_id, kind: inv.kind, periodEnd: inv.period_end });
    } else {
      await trx('invoices').where({ id: inv.id }).update({ amount_paid: amountPaid, status: openStatus(amountPaid, inv.due_date, today), version: trx.raw('version + 1') });
    }
  }
  return paid;
}
