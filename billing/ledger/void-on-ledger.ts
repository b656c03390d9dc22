/**
 * Voiding an invoice on the ledger, written once for staff voids (billing/invoices/void-invoice.ts)
 * and terminations (billing/subscriptions/terminate-subscription.ts): its ledger effect is
 * reversed by one `void` entry of +(what its invoice and late-fee entries took), so the balance is
 * what it would be had it never been issued, and it is marked `void`. The customer's unallocated
 * money does not change (balance and open invoices move together: allocate-credit.ts), so no
 * allocation follows.
 */
import type { Knex } from '../../lib/db.js';

/**
 * Marks an invoice `void` and gives back what it took from the customer's balance (its invoice
 * entry and late fees; a void entry of an earlier void cannot exist: void is final) in one `void`
 * ledger entry. The caller holds the customer's lock and has checked that nothing was paid on it.
 * @param note appended to the ledger entry's description, e.g. " (berhenti langganan)"
 * @returns the rupiah given back (0 when the invoice took nothing)
 */
export async function voidOnLedger(
  trx: Knex.Transaction,
  v: { customerId: number; invoice: { id: number; invoice_number: string | null }; reason: string; now: Date; staffUserId: number | null; note?: string },
): Promise<number> {
  const { id, invoice_number: number } = v.invoice;
  const { rows } = await trx.raw(
    `SELECT coalesce(sum(amount), 0)::bigint AS net FROM ledger_entries
      WHERE invoice_id = ? AND entry_type IN ('invoice', 'late_fee', 'void')`,
    [id],
  );
  const reversed = -Number(rows[0].net);
  if (reversed > 0) {
    await trx('ledger_entries').insert({
      customer_id: v.customerId, entry_type: 'void', amount: reversed, invoice_id: id, created_by: v.staffUserId, created_at: v.now,
      description: `Pembatalan ${number ?? `tagihan #${id}`}${v.note ?? ''}`,
    });
  }
  await trx('invoices').where({ id }).update({ status: 'void', voided_at: v.now, void_reason: v.reason, version: trx.raw('version + 1') });
  return reversed;
}
