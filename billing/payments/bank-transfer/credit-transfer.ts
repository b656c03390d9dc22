/**
 * Crediting a bank transfer once its customer is known (a statement line matched to a unique
 * code or by staff, or a receipt staff approved): a settled `bank_transfer` payment, credited
 * through the ledger (billing/ledger/credit-payment.ts: the invoice first, then the oldest due;
 * reactivation; "payment received"), in the caller's transaction.
 */
import type { Knex } from '../../../lib/db.js';
import { creditPayment } from '../../ledger/credit-payment.js';
import { lockCustomer } from '../../ledger/customer-balance.js';
import { localDate } from '../../plans/billing-period.js';
import type { UseCaseDeps } from '../../use-case/use-case-deps.js';

export interface TransferCredit {
  customerId: number;
  invoiceId: number | null;
  /** Rupiah, a positive integer: what reached the bank account. */
  amount: number;
  /** Where it came from, for staff (statement line, receipt). */
  reference: string;
  note: string | null;
  /** Staff who matched, uploaded or approved it. */
  staffId: number | null;
}

/**
 * @returns the new payment's id.
 * @throws AppError `customer_not_found` (404) via lockCustomer's absence.
 */
export async function creditTransfer(trx: Knex.Transaction, deps: Pick<UseCaseDeps, 'clock' | 'timeZone' | 'notifier' | 'effects'>, t: TransferCredit): Promise<number> {
  if (!(await lockCustomer(trx, t.customerId))) throw new Error(`creditTransfer: no customer ${t.customerId}`);
  const now = deps.clock.now();
  const [row] = await trx('payments').insert({
    customer_id: t.customerId, invoice_id: t.invoiceId, amount: t.amount, method: 'bank_transfer', status: 'settled',
    received_by: t.staffId, settled_at: now, reference: t.reference.slice(0, 300), note: t.note,
  }).returning('id');
  const paymentId = Number(row.id);
  const invoiceNumber = t.invoiceId ? (await trx('invoices').where({ id: t.invoiceId }).first('invoice_number'))?.invoice_number ?? null : null;
  await creditPayment(trx, { today: localDate(now, deps.timeZone), now, effects: deps.effects, notifier: deps.notifier }, {
    customerId: t.customerId, paymentId, amount: t.amount, description: `Transfer bank ${t.reference}`.slice(0, 200), createdBy: t.staffId,
    invoiceId: t.invoiceId, invoiceNumber,
  });
  return paymentId;
}
