/**
 * Allocating: a customer's money not yet allocated to any invoice pays their open invoices, the
 * one named first, then oldest due date first ("allocate" is the one verb for this in billing:
 * ARCHITECTURE.md, "Vocabulary"). The ledger is the truth: balance = Σ ledger entries
 * (customer-balance.ts); the unallocated money is balance + Σ (total − amount_paid) over open
 * invoices. That is how an overpayment becomes credit that the next invoice uses automatically,
 * and how a prepaid subscription renews from its balance. Invoices paid in full then extend
 * their subscriptions' access (paid-access.ts).
 *
 * Runs under the customer's money lock (customer-balance.ts `lockCustomer`).
 */
import type { Knex } from '../../lib/db.js';
import type { StatusChange } from '../subscriptions/status/change-status.js';
import type { Effects } from '../use-case/effects.js';
import { lockCustomer, ledgerBalance } from './customer-balance.js';
import { extendPaidAccess } from './paid-access.js';

export type OpenStatus = 'open' | 'partially_paid' | 'overdue';

export interface PaidInvoice {
  id: number;
  subscriptionId: number | null;
  kind: 'recurring' | 'one_off';
  periodEnd: string | null;
}

/** What an allocation did: the invoices it paid in full and the subscriptions that came back (dunning lifted). */
export interface Allocated {
  paid: PaidInvoice[];
  reactivated: StatusChange[];
}

/** The status of an invoice not fully paid, on local date `today`. */
export function openStatus(amountPaid: number, dueDate: string | null, today: string): OpenStatus {
  if (dueDate !== null && dueDate < today) return 'overdue';
  return amountPaid > 0 ? 'partially_paid' : 'open';
}

/**
 * Allocates the customer's unallocated money to open invoices (`preferInvoiceId` first, then
 * oldest due first, undated last, then by id) and returns the invoices it paid in full. Locks the
 * customer first. `today` is the local date (for the status of what stays open); `now` stamps paid_at.
 * The money side only: allocateCredit also extends the paid subscriptions' access.
 */
export async function allocateToOpenInvoices(
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
    const share = Math.min(owed, unallocated);
    unallocated -= share;
    const amountPaid = inv.amount_paid + share;
    if (amountPaid === inv.total) {
      await trx('invoices').where({ id: inv.id }).update({ amount_paid: amountPaid, status: 'paid', paid_at: now, version: trx.raw('version + 1') });
      paid.push({ id: inv.id, subscriptionId: inv.subscription_id, kind: inv.kind, periodEnd: inv.period_end });
    } else {
      await trx('invoices').where({ id: inv.id }).update({ amount_paid: amountPaid, status: openStatus(amountPaid, inv.due_date, today), version: trx.raw('version + 1') });
    }
  }
  return paid;
}

/**
 * Allocates the customer's unallocated money (allocateToOpenInvoices), then extends the access of
 * the subscriptions whose invoices it paid in full (paid-access.ts): paid_until, a prepaid
 * renewal, a dunning restriction lifted (the router told after commit through `ctx.effects`).
 */
export async function allocateCredit(
  trx: Knex.Transaction,
  customerId: number,
  ctx: { today: string; now: Date; effects: Effects },
  preferInvoiceId: number | null = null,
): Promise<Allocated> {
  const paid = await allocateToOpenInvoices(trx, customerId, ctx.today, ctx.now, preferInvoiceId);
  const { reactivated } = await extendPaidAccess(trx, paid, ctx);
  return { paid, reactivated };
}
