/**
 * A credit staff's action gives a customer outside any payment: one `adjustment` ledger entry of
 * +amount (today: the unused paid days of a terminated subscription, terminate-subscription.ts).
 * It adds to the money not yet allocated; the caller allocates it (allocate-credit.ts) under the
 * customer's money lock, which it holds.
 */
import type { Knex } from '../../lib/db.js';

export async function creditAdjustment(
  trx: Knex.Transaction,
  a: {
    customerId: number;
    /** Rupiah, positive. */
    amount: number;
    /** The invoice it concerns, or null. */
    invoiceId: number | null;
    staffUserId: number | null;
    at: Date;
    description: string;
  },
): Promise<void> {
  await trx('ledger_entries').insert({
    customer_id: a.customerId, entry_type: 'adjustment', amount: a.amount, invoice_id: a.invoiceId, created_by: a.staffUserId, created_at: a.at,
    description: a.description,
  });
}
