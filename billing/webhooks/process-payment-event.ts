/**
 * Processes one stored gateway notification (payment_events row): asks the gateway for the
 * authoritative status (a notification only says "something happened"), then, in one
 * transaction with the payment row locked: records the payment, credits the ledger, settles
 * invoices and reactivates subscriptions. Exactly once however the events arrive:
 * - duplicates never reach here twice (the inbox is unique on provider + event key), and a
 *   second event for a settled payment finds it settled and changes nothing;
 * - out of order ("pending" after "settlement") is harmless: the gateway's current status rules;
 *   a "paid" notification the status API does not confirm yet (still pending) is retried later;
 * - concurrent processing of two events of one order serialises on the payment row lock;
 * - an amount other than the one asked is not credited: the payment is flagged and staff alerted;
 * - a settled payment the gateway later reports refunded or charged back: staff alerted (once),
 *   the ledger untouched (a person decides what the customer owes);
 * - an order id we never issued (another shop on the same gateway account) is ignored and logged;
 * - the gateway's status API down: the event stays `received`, attempts counted, retried later.
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { formatRupiah } from '../../lib/money.js';
import type { Effects } from '../effects.js';
import { lockCustomer, settleOpenInvoices } from '../ledger/settle-open-invoices.js';
import type { Notifier } from '../notifier.js';
import type { PaymentGateway, Provider } from '../payments/gateways/payment-gateway.js';
import { paymentMessages } from '../payments/payment-messages.js';
import { localDate } from '../plans/billing-period.js';
import { applyPaidInvoices } from '../subscriptions/apply-paid-invoices.js';

export interface PaymentEventDeps {
  db: Knex;
  gateways: Partial<Record<Provider, PaymentGateway>>;
  clock: Clock;
  timeZone: string;
  notifier: Notifier;
  effects: Effects;
  log: Logger;
}

export type EventOutcome = 'credited' | 'already_settled' | 'pending' | 'failed' | 'flagged' | 'unknown_order' | 'retry' | 'gone';

/** Inserts a staff alert once per `key` (staff_alerts.alert_key); the worker relays it to Telegram. */
async function alertStaff(db: Knex | Knex.Transaction, key: string, kind: string, message: string, details: Record<string, unknown>): Promise<void> {
  await db('staff_alerts').insert({ alert_key: key, kind, message, details: JSON.stringify(details) }).onConflict('alert_key').ignore();
}

/** Processes event `eventId`; never throws for a gateway outage (returns `retry`), throws for a database failure. */
export async function processPaymentEvent(deps: PaymentEventDeps, eventId: number): Promise<EventOutcome> {
  const { db, log } = deps;
  const event = await db('payment_events').where({ id: eventId }).first('id', 'provider', 'order_id', 'status', 'claims_paid');
  if (!event || event.status !== 'received') return 'gone';
  const provider = event.provider as Provider;
  const gateway = deps.gateways[provider];
  const finish = (status: 'processed' | 'ignored' | 'failed', error: string | null = null): Promise<number> =>
    db('payment_events').where({ id: eventId }).update({ status, processed_at: deps.clock.now(), last_error: error });

  const payment = await db('payments').where({ gateway_order_id: event.order_id, method: provider }).first('id', 'customer_id', 'gateway_reference');
  if (!payment || !gateway) {
    await finish('ignored', payment ? `gateway ${provider} is not configured` : 'unknown order id');
    log.warn({ provider, orderId: event.order_id }, 'payment notification for an order we did not issue; ignored');
    return 'unknown_order';
  }

  const retryLater = async (why: string): Promise<'retry'> => {
    await db('payment_events').where({ id: eventId }).update({ attempts: db.raw('attempts + 1'), last_error: why.slice(0, 500) });
    log.warn({ provider, orderId: event.order_id, why }, 'payment notification not confirmed yet; will retry');
    return 'retry';
  };
  let confirmed;
  try {
    confirmed = await gateway.fetchStatus(String(event.order_id), payment.gateway_reference ?? null);
  } catch (err) {
    return retryLater((err as Error).message);
  }
  if (!confirmed) {
    await finish('ignored', 'the gateway does not know this order');
    return 'unknown_order';
  }
  if (confirmed.status === 'pending' && event.claims_paid) {
    return retryLater(`the notification says paid, the ${provider} status API still says pending`);
  }

  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  let flagged = '';
  const outcome = await deps.effects.transaction(db, async (trx): Promise<EventOutcome> => {
    // The customer first, as every use case that touches a ledger does (a payment's customer
    // never changes): two settlements, or a settlement and a staff payment, queue instead of deadlocking.
    await lockCustomer(trx, Number(payment.customer_id));
    const p = await trx('payments').where({ id: payment.id }).forUpdate().first('id', 'customer_id', 'invoice_id', 'amount', 'status', 'flagged_reason');
    if (p.status === 'settled') {
      if (confirmed.status !== 'refunded') return 'already_settled';
      await alertStaff(trx, `payment_reversed:${p.id}`, 'payment_reversed',
        `Payment ${event.order_id} (${provider}, ${formatRupiah(Number(p.amount))}) was credited and is now refunded or charged back at the gateway; the customer's balance still counts it. Check it.`,
        { paymentId: p.id, orderId: event.order_id, provider, amount: p.amount });
      flagged = 'refunded after settlement';
      return 'flagged';
    }
    if (p.flagged_reason) return 'flagged'; // staff were told once; they decide
    if (confirmed.status === 'pending') return 'pending';
    if (confirmed.status !== 'settled') {
      if (p.status === 'pending') await trx('payments').where({ id: p.id }).update({ status: confirmed.status === 'refunded' ? 'refunded' : confirmed.status });
      return 'failed';
    }
    if (confirmed.amount !== Number(p.amount)) {
      const reason = `gateway reports ${formatRupiah(confirmed.amount)}, the order asked ${formatRupiah(Number(p.amount))}`;
      await trx('payments').where({ id: p.id }).update({ flagged_reason: reason, gateway_reference: confirmed.reference, gateway_payment_type: confirmed.paymentType });
      await alertStaff(trx, `payment_amount_mismatch:${p.id}`, 'payment_amount_mismatch', `Payment ${event.order_id} (${provider}): ${reason}. Not credited; check it.`,
        { paymentId: p.id, orderId: event.order_id, provider, expected: p.amount, reported: confirmed.amount });
      flagged = 'amount mismatch';
      return 'flagged';
    }
    await trx('payments').where({ id: p.id }).update({
      status: 'settled', settled_at: now, gateway_reference: confirmed.reference, gateway_payment_type: confirmed.paymentType,
    });
    await trx('ledger_entries').insert({
      customer_id: p.customer_id, entry_type: 'payment', amount: p.amount, payment_id: p.id,
      description: `Pembayaran online ${event.order_id}`,
    });
    const paid = await settleOpenInvoices(trx, p.customer_id, today, now, p.invoice_id);
    const { reactivated } = await applyPaidInvoices(trx, paid, { today, now, effects: deps.effects });
    const invoiceNumber = p.invoice_id ? (await trx('invoices').where({ id: p.invoice_id }).first('invoice_number'))?.invoice_number : null;
    if (await deps.notifier.customers(trx, paymentMessages(p.customer_id, p.id, Number(p.amount), reactivated, invoiceNumber))) deps.effects.notificationsQueued();
    return 'credited';
  });
  await finish(outcome === 'flagged' ? 'failed' : 'processed', outcome === 'flagged' ? flagged || 'flagged for staff' : null);
  log.info({ provider, orderId: event.order_id, outcome }, 'payment notification processed');
  return outcome;
}
