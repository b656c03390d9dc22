/**
 * A payment staff received (cash at the counter, a bank transfer they checked): recorded with who
 * received it, audited, credited to the ledger and allocated at once (billing/ledger/credit-payment.ts:
 * the invoice named first, then the oldest due), partial amounts allowed. Invoices paid in full
 * move their subscriptions' paid-until and lift a dunning suspension; the router hears of it after commit.
 */
import { recordAudit, type AuditActor } from '../../lib/audit.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { AppError } from '../../lib/errors.js';
import { assertRupiah } from '../../lib/money.js';
import type { Effects } from '../use-case/effects.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { ledgerBalance, lockCustomer } from '../ledger/customer-balance.js';
import type { Notifier } from '../notifications/notifier.js';
import { localDate } from '../plans/billing-period.js';

export interface StaffPaymentInput {
  customerId: number;
  /** Rupiah, a positive integer. */
  amount: number;
  method: 'cash' | 'bank_transfer';
  /** The invoice the customer is paying; the money goes there first. */
  invoiceId?: number | null;
  /** Staff user who received it. */
  receivedBy: number | null;
  reference?: string | null;
  note?: string | null;
  /** The staff member entering it from the console: the payment is audited in its transaction. */
  actor?: AuditActor;
}

export interface PaymentOutcome {
  paymentId: number;
  paidInvoiceIds: number[];
  reactivatedSubscriptionIds: number[];
  /** Ledger balance after the payment (positive: credit). */
  balance: number;
}

/**
 * @throws AppError `invalid_amount` (400) for a non-positive or non-integer amount,
 *   `customer_not_found` (404),
 *   `invoice_not_open` (409) when the named invoice is not this customer's open invoice.
 */
export async function recordStaffPayment(
  deps: { db: Knex; clock: Clock; timeZone: string; notifier: Notifier; effects: Effects },
  input: StaffPaymentInput,
): Promise<PaymentOutcome> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new AppError('invalid_amount', 'amount must be a positive whole number of rupiah', 400);
  assertRupiah(input.amount);
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  return deps.effects.transaction(deps.db, async (trx) => {
    if (!(await lockCustomer(trx, input.customerId))) throw new AppError('customer_not_found', 'no such customer', 404);
    let invoiceNumber: string | null = null;
    if (input.invoiceId) {
      const inv = await trx('invoices').where({ id: input.invoiceId, customer_id: input.customerId }).whereIn('status', ['open', 'partially_paid', 'overdue']).first('invoice_number');
      if (!inv) throw new AppError('invoice_not_open', 'that invoice is not open for this customer', 409);
      invoiceNumber = inv.invoice_number;
    }
    const [payment] = await trx('payments')
      .insert({
        customer_id: input.customerId, invoice_id: input.invoiceId ?? null, amount: input.amount, method: input.method,
        status: 'settled', received_by: input.receivedBy, settled_at: now, reference: input.reference ?? null, note: input.note ?? null,
      })
      .returning('id');
    const paymentId = Number(payment.id);
    if (input.actor) {
      await recordAudit(trx, input.actor, {
        action: 'payment_recorded', objectType: 'payment', objectId: paymentId,
        after: { customerId: input.customerId, invoiceId: input.invoiceId ?? null, amount: input.amount, method: input.method, reference: input.reference ?? null, note: input.note ?? null },
      });
    }
    const { paid, reactivated } = await creditPayment(trx, { today, now, effects: deps.effects, notifier: deps.notifier }, {
      customerId: input.customerId, paymentId, amount: input.amount, createdBy: input.receivedBy,
      description: input.method === 'cash' ? 'Pembayaran tunai' : 'Transfer bank', invoiceId: input.invoiceId ?? null, invoiceNumber,
    });
    return {
      paymentId,
      paidInvoiceIds: paid.map((p) => p.id),
      reactivatedSubscriptionIds: reactivated.map((r) => r.id),
      balance: await ledgerBalance(trx, input.customerId),
    };
  });
}
