/**
 * Crediting a payment, written once for staff payments (billing/payments/record-staff-payment.ts)
 * and gateway payments (billing/webhooks/process-payment-event.ts), in the caller's transaction
 * under the customer's money lock, after the caller recorded the payments row as settled:
 * 1. one ledger entry of +amount (`payment`, naming the payment);
 * 2. allocate the customer's money (allocate-credit.ts): the payment's own invoice first, then the
 *    oldest due; invoices paid in full extend their subscriptions' access (paid-access.ts);
 * 3. queue "payment received", and "reactivated" per subscription that came back (payment-messages.ts);
 *    record the `payment.received` webhook event (billing/events/event-data.ts).
 */
import type { Knex } from '../../lib/db.js';
import { recordEvent } from '../../lib/outbound-events.js';
import { paymentReceived } from '../events/event-data.js';
import type { Notifier } from '../notifications/notifier.js';
import type { Effects } from '../use-case/effects.js';
import { allocateCredit, type Allocated } from './allocate-credit.js';
import { paymentMessages } from './payment-messages.js';

export interface PaymentCredit {
  customerId: number;
  paymentId: number;
  /** Rupiah, a positive integer. */
  amount: number;
  /** The ledger entry's description, e.g. `Pembayaran tunai`, `Pembayaran online <order id>`. */
  description: string;
  /** Staff user who received it (ledger_entries.created_by); absent for a gateway payment. */
  createdBy?: number | null;
  /** The invoice the payment was for: allocated first. */
  invoiceId: number | null;
  /** That invoice's number, named in the "payment received" message. */
  invoiceNumber?: string | null;
}

export async function creditPayment(
  trx: Knex.Transaction,
  ctx: { today: string; now: Date; effects: Effects; notifier: Notifier },
  p: PaymentCredit,
): Promise<Allocated> {
  await trx('ledger_entries').insert({
    customer_id: p.customerId, entry_type: 'payment', amount: p.amount, payment_id: p.paymentId,
    ...(p.createdBy !== undefined ? { created_by: p.createdBy } : {}), description: p.description,
  });
  const allocated = await allocateCredit(trx, p.customerId, ctx, p.invoiceId);
  await recordEvent(trx, paymentReceived({ ...p, paidInvoiceIds: allocated.paid.map((i) => i.id) })); // webhooks (README.md, "Webhooks")
  const queued = await ctx.notifier.customers(trx, paymentMessages(p.customerId, p.paymentId, p.amount, allocated.reactivated, p.invoiceNumber));
  if (queued > 0) ctx.effects.notificationsQueued();
  return allocated;
}
