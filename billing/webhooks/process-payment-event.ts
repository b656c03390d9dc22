/**
 * Processes a stored gateway notification (payment_events row) — in fact its order: asks the
 * gateway for the authoritative status (a notification only says "something happened"), then,
 * in one transaction with the payment row locked: records the payment as settled and credits it
 * (billing/ledger/credit-payment.ts: the ledger entry, allocated to invoices, subscriptions
 * reactivated, the customer told). Exactly once however the events arrive:
 * - one status check per order at a time: the checking worker holds a lease on the payment row
 *   (payments.status_check_until) and answers every unresolved event of the order; an event
 *   arriving meanwhile is `coalesced` (the checker picks it up when it is done), so replayed
 *   notifications cost no extra calls to the gateway;
 * - duplicates never reach here twice (the inbox is unique on provider + event key), and a
 *   "paid" notification for a payment already settled is closed without asking the gateway;
 * - out of order ("pending" after "settlement") is harmless: the gateway's current status rules;
 *   a "paid" notification the status API does not confirm yet (still pending) is retried later;
 * - an amount other than the one asked is not credited: the payment is flagged and staff alerted
 *   (lib/staff-alerts.ts, once per payment);
 * - a settled payment the gateway later reports refunded or charged back: staff alerted (once),
 *   the ledger untouched (a person decides what the customer owes);
 * - an order id we never issued (another shop on the same gateway account) is ignored and logged;
 * - the gateway's status API down: the events stay `received`, the attempt counted, and the order
 *   is asked again on the back-off of due-payment-events.ts; after MAX_ATTEMPTS the events are
 *   `failed` and staff alerted (they retry from the console).
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { formatRupiah } from '../../lib/money.js';
import { raiseStaffAlerts } from '../../lib/staff-alerts.js';
import { creditPayment } from '../ledger/credit-payment.js';
import { lockCustomer } from '../ledger/customer-balance.js';
import type { Notifier } from '../notifications/notifier.js';
import type { PaymentGateway, Provider } from '../payments/gateways/payment-gateway.js';
import { localDate } from '../plans/billing-period.js';
import type { Effects } from '../use-case/effects.js';
import { MAX_ATTEMPTS, retryDelayMs, retryScheduleMs } from './due-payment-events.js';

export interface PaymentEventDeps {
  db: Knex;
  gateways: Partial<Record<Provider, PaymentGateway>>;
  clock: Clock;
  timeZone: string;
  notifier: Notifier;
  effects: Effects;
  log: Logger;
}

/**
 * - `coalesced`: another worker is asking the gateway about this order now; it answers this event too.
 * - `not_due`: the order is backing off (due-payment-events.ts); the sweep tries it when due.
 * - `retry`: the gateway could not confirm; tried again later. `gave_up`: that was the last attempt.
 */
export type EventOutcome =
  | 'credited' | 'already_settled' | 'pending' | 'failed' | 'flagged' | 'unknown_order' | 'retry' | 'gave_up' | 'coalesced' | 'not_due' | 'gone';

/** How long a status check may hold its order (the gateway clients time out after 10 s). */
const LEASE_MS = 120_000;

/** The unresolved events of an order a worker took on, and what it knows of the payment. */
interface Batch {
  ids: number[];
  /** Some event says the order is paid (kept for retry while the status API says pending). */
  claimsPaid: boolean;
  /** Every event says paid and the payment is already settled: nothing to ask. */
  settledAlready: boolean;
}

interface Order {
  provider: Provider;
  orderId: string;
  paymentId: number;
  customerId: number;
  reference: string | null;
}

const openEvents = (db: Knex | Knex.Transaction, o: Pick<Order, 'provider' | 'orderId'>): Knex.QueryBuilder =>
  db('payment_events').where({ provider: o.provider, order_id: o.orderId, status: 'received' });

/** The order's unresolved events as a batch, with the payment row locked by `trx`. */
async function batchOf(trx: Knex.Transaction, o: Order, paymentStatus: string): Promise<Batch> {
  const rows = (await openEvents(trx, o).orderBy('id').select('id', 'claims_paid')) as Array<{ id: number; claims_paid: boolean }>;
  const claimsPaid = rows.some((r) => r.claims_paid);
  return { ids: rows.map((r) => Number(r.id)), claimsPaid, settledAlready: paymentStatus === 'settled' && rows.every((r) => r.claims_paid) };
}

/**
 * Takes the order's status-check lease for `eventId`: the batch to answer, or why not now
 * (another worker holds the lease; the order's other events are backing off, which this one joins).
 */
async function claimOrder(db: Knex, o: Order, eventId: number, now: Date): Promise<Batch | 'coalesced' | 'not_due' | 'gone'> {
  return db.transaction(async (trx) => {
    const p = await trx('payments').where({ id: o.paymentId }).forUpdate().first('status', 'status_check_until');
    if (p.status_check_until && new Date(p.status_check_until).getTime() > now.getTime()) return 'coalesced';
    const self = await trx('payment_events').where({ id: eventId }).first('status');
    if (self?.status !== 'received') return 'gone';
    const waiting = await openEvents(trx, o).whereNot('id', eventId).where('next_attempt_at', '>', now)
      .orderBy('next_attempt_at').first('next_attempt_at', 'attempts');
    if (waiting) {
      await trx('payment_events').where({ id: eventId }).update({ next_attempt_at: waiting.next_attempt_at, attempts: waiting.attempts });
      return 'not_due';
    }
    await trx('payments').where({ id: o.paymentId }).update({ status_check_until: new Date(now.getTime() + LEASE_MS) });
    return batchOf(trx, o, p.status);
  });
}

/** Ends a check: the next batch when events arrived meanwhile (the lease kept), else null (released). */
async function nextBatch(db: Knex, o: Order): Promise<Batch | null> {
  return db.transaction(async (trx) => {
    const p = await trx('payments').where({ id: o.paymentId }).forUpdate().first('status');
    const batch = await batchOf(trx, o, p.status);
    if (batch.ids.length) return batch;
    await trx('payments').where({ id: o.paymentId }).update({ status_check_until: null });
    return null;
  });
}

/**
 * The gateway could not confirm: every unresolved event of the order counts the attempt and waits
 * its back-off from now; after MAX_ATTEMPTS they fail and staff are alerted. Releases the lease.
 */
async function retryLater(deps: PaymentEventDeps, o: Order, why: string): Promise<'retry' | 'gave_up'> {
  const now = deps.clock.now();
  const error = why.slice(0, 500);
  const outcome = await deps.db.transaction(async (trx) => {
    await trx('payments').where({ id: o.paymentId }).forUpdate().first('id');
    const { rows } = await trx.raw(
      `SELECT coalesce(max(attempts), 0) + 1 AS n, array_agg(id ORDER BY id) AS ids FROM payment_events
        WHERE provider = ? AND order_id = ? AND status = 'received'`,
      [o.provider, o.orderId],
    );
    const n = Number(rows[0].n);
    const ids = ((rows[0].ids ?? []) as Array<string | number>).map(Number);
    await trx('payments').where({ id: o.paymentId }).update({ status_check_until: null });
    if (n < MAX_ATTEMPTS) {
      await openEvents(trx, o).update({ attempts: n, last_attempt_at: now, next_attempt_at: new Date(now.getTime() + retryDelayMs(n)), last_error: error });
      return 'retry' as const;
    }
    await openEvents(trx, o).update({ attempts: n, last_attempt_at: now, status: 'failed', processed_at: now, last_error: error });
    await raiseStaffAlerts(trx, [{
      key: `payment_event_unconfirmed:${o.provider}:${o.orderId}:${now.toISOString()}`,
      kind: 'payment_event_unconfirmed',
      message: `Payment notification ${o.orderId} (${o.provider}) could not be confirmed with the gateway after ${n} attempts over ${Math.round(retryScheduleMs() / 3600_000)} hours; the customer may have paid. Check it at the gateway, then retry it in the console (Payments > payment notifications needing a check, /admin/payments/events).`,
      details: { eventIds: ids, orderId: o.orderId, provider: o.provider, lastError: error },
    }]);
    return 'gave_up' as const;
  });
  deps.log.warn({ provider: o.provider, orderId: o.orderId, why, outcome }, outcome === 'retry' ? 'payment notification not confirmed yet; will retry' : 'payment notification never confirmed; staff alerted');
  return outcome;
}

/**
 * Processes event `eventId` with every other unresolved event of its order; never throws for a
 * gateway outage (returns `retry`), throws for a database failure.
 */
export async function processPaymentEvent(deps: PaymentEventDeps, eventId: number): Promise<EventOutcome> {
  const { db, log } = deps;
  const event = await db('payment_events').where({ id: eventId }).first('id', 'provider', 'order_id', 'status', 'next_attempt_at');
  if (!event || event.status !== 'received') return 'gone';
  if (event.next_attempt_at && new Date(event.next_attempt_at).getTime() > deps.clock.now().getTime()) return 'not_due';
  const provider = event.provider as Provider;
  const gateway = deps.gateways[provider];
  const payment = await db('payments').where({ gateway_order_id: event.order_id, method: provider }).first('id', 'customer_id', 'gateway_reference');
  if (!payment || !gateway) {
    await openEvents(db, { provider, orderId: event.order_id }).update({
      status: 'ignored', processed_at: deps.clock.now(), last_error: payment ? `gateway ${provider} is not configured` : 'unknown order id',
    });
    log.warn({ provider, orderId: event.order_id }, 'payment notification for an order we did not issue; ignored');
    return 'unknown_order';
  }
  const order: Order = { provider, orderId: String(event.order_id), paymentId: Number(payment.id), customerId: Number(payment.customer_id), reference: payment.gateway_reference ?? null };
  let batch = await claimOrder(db, order, eventId, deps.clock.now());
  if (typeof batch === 'string') return batch;
  let released = false;
  try {
    for (;;) {
      const outcome = await checkOrder(deps, gateway, order, batch);
      if (outcome === 'retry' || outcome === 'gave_up') {
        released = true;
        return outcome;
      }
      const next = await nextBatch(db, order);
      if (!next) {
        released = true;
        return outcome;
      }
      batch = next;
    }
  } finally {
    if (!released) await db('payments').where({ id: order.paymentId }).update({ status_check_until: null });
  }
}

/** One status check of the order, answering `batch`. */
async function checkOrder(deps: PaymentEventDeps, gateway: PaymentGateway, o: Order, batch: Batch): Promise<EventOutcome> {
  const { db, log } = deps;
  const { provider, orderId } = o;
  const finish = (status: 'processed' | 'ignored' | 'failed', error: string | null = null): Promise<number> =>
    db('payment_events').whereIn('id', batch.ids).where({ status: 'received' })
      .update({ status, processed_at: deps.clock.now(), last_attempt_at: deps.clock.now(), last_error: error });
  if (batch.settledAlready) {
    await finish('processed');
    return 'already_settled';
  }
  let confirmed;
  try {
    confirmed = await gateway.fetchStatus(o.orderId, o.reference);
  } catch (err) {
    return retryLater(deps, o, (err as Error).message);
  }
  if (!confirmed) {
    await finish('ignored', 'the gateway does not know this order');
    return 'unknown_order';
  }
  if (confirmed.status === 'pending' && batch.claimsPaid) {
    return retryLater(deps, o, `the notification says paid, the ${provider} status API still says pending`);
  }
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  let flagged = '';
  const outcome = await deps.effects.transaction(db, async (trx): Promise<EventOutcome> => {
    // The customer first, as every use case that touches a ledger does (a payment's customer
    // never changes): two gateway payments credited at once, or one and a staff payment, queue instead of deadlocking.
    await lockCustomer(trx, o.customerId);
    const p = await trx('payments').where({ id: o.paymentId }).forUpdate().first('id', 'customer_id', 'invoice_id', 'amount', 'status', 'flagged_reason');
    if (p.status === 'settled') {
      if (confirmed.status !== 'refunded') return 'already_settled';
      await raiseStaffAlerts(trx, [{
        key: `payment_reversed:${p.id}`,
        kind: 'payment_reversed',
        message: `Payment ${orderId} (${provider}, ${formatRupiah(Number(p.amount))}) was credited and is now refunded or charged back at the gateway; the customer's balance still counts it. Check it.`,
        details: { paymentId: p.id, orderId: orderId, provider, amount: p.amount },
      }]);
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
      await raiseStaffAlerts(trx, [{
        key: `payment_amount_mismatch:${p.id}`,
        kind: 'payment_amount_mismatch',
        message: `Payment ${orderId} (${provider}): ${reason}. Not credited; check it.`,
        details: { paymentId: p.id, orderId: orderId, provider, expected: p.amount, reported: confirmed.amount },
      }]);
      flagged = 'amount mismatch';
      return 'flagged';
    }
    await trx('payments').where({ id: p.id }).update({
      status: 'settled', settled_at: now, gateway_reference: confirmed.reference, gateway_payment_type: confirmed.paymentType,
    });
    const invoiceNumber = p.invoice_id ? (await trx('invoices').where({ id: p.invoice_id }).first('invoice_number'))?.invoice_number : null;
    await creditPayment(trx, { today, now, effects: deps.effects, notifier: deps.notifier }, {
      customerId: p.customer_id, paymentId: p.id, amount: Number(p.amount), description: `Pembayaran online ${orderId}`, invoiceId: p.invoice_id, invoiceNumber,
    });
    return 'credited';
  });
  await finish(outcome === 'flagged' ? 'failed' : 'processed', outcome === 'flagged' ? flagged || 'flagged for staff' : null);
  log.info({ provider, orderId: orderId, outcome }, 'payment notification processed');
  return outcome;
}
