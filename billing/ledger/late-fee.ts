/**
 * Charging a late fee on invoices (the dunning pass's late_fee step, billing/dunning/run-dunning-pass.ts),
 * set-based: a `late_fee` line at the end of each invoice, its subtotal and total raised by the
 * fee (no PPN on a fee), and a `late_fee` ledger entry of −fee (`Denda <number>`). Voiding the
 * invoice later reverses it too (void-on-ledger.ts).
 * @param fee rupiah, positive
 */
import type { Knex } from '../../lib/db.js';

export async function chargeLateFee(trx: Knex.Transaction, invoiceIds: number[], fee: number): Promise<void> {
  if (!invoiceIds.length) return;
  await trx.raw(
    `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity, unit_amount, amount)
     SELECT i.id, (SELECT coalesce(max(position), 0) + 1 FROM invoice_lines l WHERE l.invoice_id = i.id),
            'late_fee', 'Denda keterlambatan / Late fee', 1, ?, ?
       FROM invoices i WHERE i.id = ANY(?::bigint[])`,
    [fee, fee, invoiceIds],
  );
  await trx.raw(`UPDATE invoices SET subtotal = subtotal + ?, total = total + ?, version = version + 1 WHERE id = ANY(?::bigint[])`, [fee, fee, invoiceIds]);
  await trx.raw(
    `INSERT INTO ledger_entries (customer_id, entry_type, amount, invoice_id, description)
     SELECT customer_id, 'late_fee', ?, id, 'Denda ' || invoice_number FROM invoices WHERE id = ANY(?::bigint[])`,
    [-fee, invoiceIds],
  );
}
