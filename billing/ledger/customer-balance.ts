/**
 * A customer's money: the lock every money movement takes first, and the balance. The ledger is
 * the truth (ARCHITECTURE.md, "Payment flow"): balance = Σ ledger_entries.amount (payments +,
 * invoices and late fees −, voids and credit adjustments +), in whole rupiah.
 */
import type { Knex } from '../../lib/db.js';

/**
 * Takes the customer's money lock for the rest of the transaction (SELECT … FOR UPDATE on the
 * customer row). Every use case that writes a customer's ledger takes it first (several
 * customers: in id order), so two payments, or a payment and the invoice run, queue and never
 * allocate the same rupiah twice, nor deadlock.
 * @returns false when there is no such customer.
 */
export async function lockCustomer(trx: Knex.Transaction, customerId: number): Promise<boolean> {
  const { rows } = await trx.raw('SELECT id FROM customers WHERE id = ? FOR UPDATE', [customerId]);
  return rows.length > 0;
}

/** Σ of the customer's ledger, rupiah: positive = credit the customer holds, negative = what they owe. */
export async function ledgerBalance(trx: Knex | Knex.Transaction, customerId: number): Promise<number> {
  const { rows } = await trx.raw('SELECT coalesce(sum(amount), 0)::bigint AS balance FROM ledger_entries WHERE customer_id = ?', [customerId]);
  return Number(rows[0].balance);
}

/**
 * Of `customerIds`, those holding money not yet allocated to an invoice (balance + Σ what their
 * open invoices still owe > 0), in id order: the customers an allocation would change anything for.
 */
export async function customersWithCredit(trx: Knex.Transaction, customerIds: number[]): Promise<number[]> {
  const { rows } = await trx.raw(
    `SELECT c.id FROM unnest(?::bigint[]) AS c(id)
      WHERE (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE customer_id = c.id)
          + (SELECT coalesce(sum(total - amount_paid), 0) FROM invoices
              WHERE customer_id = c.id AND status IN ('open', 'partially_paid', 'overdue')) > 0
      ORDER BY c.id`,
    [customerIds],
  );
  return (rows as Array<{ id: number | string }>).map((r) => Number(r.id));
}
