/**
 * Payment notifications against every bad input, on the real stack (web app, billing worker,
 * PostgreSQL, Redis, fake Midtrans and Xendit through their official SDKs). Each subscriber is on
 * a 150.000 plan, billed for December, overdue and suspended by the dunning pass on 18 December;
 * each test pays one of them through a gateway and looks at what staff and the customer would
 * see: the invoice, the payment, the ledger, the subscription, staff alerts and the webhook
 * inbox (payment_events). Whatever arrives — forged, wrong amount, an order we never issued,
 * twice, twice at once, out of order, while the gateway's status API is down — a payment is
 * credited exactly once, and only when the gateway confirms the amount asked. A status API down
 * for hours is retried from the last attempt for over three days, then left to staff, who retry
 * it from the console; replayed notifications never ask the gateway twice at once; an order with a
 * notification against it is never offered to the customer again.
 */
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BILLING_JOBS } from '../../billing/engine/engine.js';
import { duePaymentEvents, retryDelayMs } from '../../billing/webhooks/due-payment-events.js';
import { QUEUES } from '../../lib/queue.js';
import { adminClient } from '../helpers/admin-client.js';
import { createStaff } from '../helpers/factories.js';
import { overdueSubscriptions, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { until } from '../helpers/poll.js';
import { midtransSignature } from '../helpers/fake-midtrans.js';

const PRICE = 150_000;
const NAMES = [
  'm-forged', 'x-forged', 'm-amount', 'x-amount', 'm-dup', 'x-dup', 'm-same', 'm-capture', 'x-paid-settled',
  'm-late', 'x-late', 'm-down', 'x-down', 'm-hang', 'x-hang', 'm-lag', 'm-refund',
  'm-outage', 'm-gave-up', 'm-flagged-reuse', 'm-lag-reuse', 'm-replay',
] as const;
type Name = (typeof NAMES)[number];
interface Sub { id: number; customerId: number; invoiceId: number }

let stack: BillingStack;
const subs = {} as Record<Name, Sub>;

/** 09:00 in Jakarta on local date `day`. */
const at = (day: string): string => `${day}T02:00:00Z`;
/** The web app's webhook for a gateway. */
const url = (provider: string): string => `${stack.baseUrl}/webhooks/${provider}`;

interface EventRow { id: number; event_key: string; status: string; attempts: number; last_error: string | null; received_at: Date; last_attempt_at: Date | null }

/** The inbox rows of an order, oldest first. */
const events = (orderId: string): Promise<EventRow[]> =>
  stack.c.db('payment_events').where({ order_id: orderId }).orderBy('id').select('id', 'event_key', 'status', 'attempts', 'last_error', 'received_at', 'last_attempt_at');

/** Waits until the worker is done with every stored event of the order (none still `received`). */
const handled = (orderId: string, count = 1): Promise<EventRow[]> =>
  until(`${count} handled event(s) of ${orderId}`, async () => {
    const rows = await events(orderId);
    return rows.length >= count && rows.every((e) => e.status !== 'received') && rows;
  });

/** What staff see of a customer's money and access. */
async function books(customerId: number): Promise<Record<string, unknown[]>> {
  const { db } = stack.c;
  return {
    invoices: await db('invoices').where({ customer_id: customerId }).orderBy('id').select('id', 'status', 'total', 'amount_paid', 'paid_at', 'version'),
    payments: await db('payments').where({ customer_id: customerId }).orderBy('id').select('id', 'gateway_order_id', 'status', 'amount', 'flagged_reason', 'settled_at'),
    ledger: await db('ledger_entries').where({ customer_id: customerId }).orderBy('id').select('id', 'entry_type', 'amount', 'payment_id'),
    subscriptions: await db('subscriptions').where({ customer_id: customerId }).orderBy('id').select('id', 'status', 'paid_until', 'version'),
  };
}

/** Rows of `table` matching `where`. */
const count = async (table: string, where: Record<string, unknown> = {}): Promise<number> =>
  Number((await stack.c.db(table).where(where).count<Array<{ count: string }>>('* as count'))[0]!.count);

/** The invoice paid once by `orderId`: one settled payment, one ledger payment entry, the subscription active again. */
async function assertCreditedOnce(s: Sub, orderId: string): Promise<void> {
  const { db } = stack.c;
  const invoice = await db('invoices').where({ id: s.invoiceId }).first('status', 'amount_paid');
  assert.deepEqual(invoice, { status: 'paid', amount_paid: PRICE });
  const payments = await db('payments').where({ customer_id: s.customerId }).select('id', 'gateway_order_id', 'status', 'amount', 'flagged_reason');
  assert.deepEqual(payments.map((p) => [p.gateway_order_id, p.status, p.amount, p.flagged_reason]), [[orderId, 'settled', PRICE, null]]);
  const credits = await db('ledger_entries').where({ customer_id: s.customerId, entry_type: 'payment' }).select('amount', 'payment_id');
  assert.deepEqual(credits, [{ amount: PRICE, payment_id: payments[0]!.id }], 'exactly one payment in the ledger');
  const balance = await db('ledger_entries').where({ customer_id: s.customerId }).sum<Array<{ sum: string }>>('amount as sum');
  assert.equal(Number(balance[0]!.sum), 0, 'the customer owes nothing and holds no credit');
  assert.equal((await db('subscriptions').where({ id: s.id }).first('status')).status, 'active');
}

/** Nothing paid: the invoice still overdue, no money in the ledger, still in the walled garden. */
async function assertNotCredited(s: Sub): Promise<void> {
  const { db } = stack.c;
  assert.deepEqual(await db('invoices').where({ id: s.invoiceId }).first('status', 'amount_paid'), { status: 'overdue', amount_paid: 0 });
  assert.equal(await count('ledger_entries', { customer_id: s.customerId, entry_type: 'payment' }), 0, 'no payment in the ledger');
  assert.equal(await count('payments', { customer_id: s.customerId, status: 'settled' }), 0);
  assert.equal((await db('subscriptions').where({ id: s.id }).first('status')).status, 'suspended');
}

/**
 * Runs the worker's `payment-events-sweep` job and waits for it; returns how many events it
 * picked up. Up to 30 s: a payment-event retry queued before it may still be waiting out a hung
 * status request (the clients' 10 s timeout) on a loaded machine.
 */
async function sweep(): Promise<number> {
  const queue = stack.c.queues.queue(QUEUES.billing);
  const job = await queue.add(BILLING_JOBS.paymentEventsSweep, {});
  const done = await until('the sweep job', async () => {
    const j = await queue.getJob(job.id!);
    if (j?.failedReason) throw new Error(`sweep failed: ${j.failedReason}`);
    return j?.finishedOn ? j : undefined;
  }, 30_000);
  return (done.returnvalue as { swept: number }).swept;
}

before(async () => {
  stack = await startBillingStack({ start: at('2026-11-20') });
  const { db } = stack.c;
  for (const [name, o] of Object.entries(await overdueSubscriptions(stack, NAMES, PRICE))) {
    assert.deepEqual(o.invoices.map((i) => [i.status, i.total]), [['overdue', PRICE]]);
    const s = subs[name as Name] = { id: o.id, customerId: o.customerId, invoiceId: o.invoices[0]!.id };
    assert.equal((await db('subscriptions').where({ id: s.id }).first('status')).status, 'suspended');
  }
});

after(async () => {
  await stack?.stop();
});

test('Midtrans: a wrongly signed, unsigned, tampered or malformed notification gets 401 and changes nothing', async () => {
  const s = subs['m-forged'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  // The order really is paid at Midtrans: only the signature stands between a forgery and a credit.
  stack.midtrans.pay(orderId);
  const genuine = stack.midtrans.notification(orderId);
  const before = await books(s.customerId);
  const eventsBefore = await count('payment_events');
  const forgeries: Array<[string, Record<string, unknown> | string]> = [
    ['a wrong signature', { ...genuine, signature_key: 'ab'.repeat(64) }],
    ['signed with another server key', { ...genuine, signature_key: midtransSignature(orderId, '200', String(genuine.gross_amount), 'SB-Mid-server-guessed') }],
    ['no signature', { ...genuine, signature_key: undefined }],
    ['a signature that is not hex', { ...genuine, signature_key: 'z'.repeat(128) }],
    ['a tampered gross_amount', { ...genuine, gross_amount: '1500000.00' }],
    ['a tampered status_code', { ...genuine, status_code: '201' }],
    ['another order id under this signature', { ...genuine, order_id: `${orderId}0` }],
    ['a body that is not JSON', '{"order_id": '],
    ['an empty body', ''],
  ];
  for (const [what, body] of forgeries) {
    const res = await stack.midtrans.deliver(url('midtrans'), typeof body === 'string' ? body : JSON.parse(JSON.stringify(body)) as Record<string, unknown>);
    assert.equal(res.status, 401, what);
    assert.deepEqual(JSON.parse(res.body), { error: 'invalid signature' }, what);
  }
  assert.equal(await count('payment_events'), eventsBefore, 'no forged notification reached the inbox');
  assert.deepEqual(await books(s.customerId), before, 'invoice, payment, ledger and subscription untouched');
  await assertNotCredited(s);

  // The genuine notification, sent after the forgeries, is not mistaken for a duplicate of one.
  assert.equal((await stack.midtrans.deliver(url('midtrans'), genuine)).status, 200);
  await handled(orderId);
  await assertCreditedOnce(s, orderId);
});

test('Xendit: a wrong, missing or empty x-callback-token gets 401 and changes nothing', async () => {
  const s = subs['x-forged'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'xendit');
  stack.xendit.pay(orderId);
  const body = stack.xendit.callbackBody(orderId);
  const before = await books(s.customerId);
  const eventsBefore = await count('payment_events');
  const token = stack.c.config.XENDIT_CALLBACK_TOKEN!;
  for (const [what, t] of [['a wrong token', 'not-the-token'], ['no token', null], ['an empty token', ''], ['the token with a suffix', `${token}x`], ['the token in another case', token.toUpperCase()]] as const) {
    const res = await stack.xendit.deliver(url('xendit'), body, { token: t });
    assert.equal(res.status, 401, what);
  }
  assert.equal(await count('payment_events'), eventsBefore, 'no forged callback reached the inbox');
  assert.deepEqual(await books(s.customerId), before);
  await assertNotCredited(s);

  assert.equal((await stack.xendit.deliver(url('xendit'), body)).status, 200);
  await handled(orderId);
  await assertCreditedOnce(s, orderId);
});

test('Midtrans reports a gross amount other than the order asked: flagged for staff, not credited', async () => {
  const s = subs['m-amount'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(orderId, { amount: 100_000 });
  assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
  const [event] = await handled(orderId);
  assert.equal(event!.status, 'failed');
  assert.equal(event!.last_error, 'amount mismatch');
  const payment = await stack.c.db('payments').where({ gateway_order_id: orderId }).first('id', 'status', 'flagged_reason');
  assert.equal(payment.status, 'pending', 'not settled');
  assert.equal(payment.flagged_reason, 'gateway reports Rp 100.000, the order asked Rp 150.000');
  const alerts = await stack.c.db('staff_alerts').where({ kind: 'payment_amount_mismatch' }).whereRaw(`details->>'orderId' = ?`, [orderId]).select('message', 'details');
  assert.equal(alerts.length, 1, 'staff alerted once');
  assert.match(alerts[0].message, new RegExp(`${orderId}.*Rp 100\\.000.*Rp 150\\.000`));
  assert.deepEqual([alerts[0].details.expected, alerts[0].details.reported], [PRICE, 100_000]);
  await assertNotCredited(s);

  // Midtrans notifying again later (a new status of the same order) still credits nothing: staff decide.
  stack.midtrans.setStatus(orderId, 'capture', { fraudStatus: 'accept' });
  assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
  await handled(orderId, 2);
  await assertNotCredited(s);
  assert.equal(await count('staff_alerts', { kind: 'payment_amount_mismatch' }), 1);
});

test('Xendit reports a paid amount other than the invoice asked: flagged for staff, not credited', async () => {
  const s = subs['x-amount'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'xendit');
  stack.xendit.pay(orderId, { amount: 200_000 });
  assert.equal((await stack.xendit.notify(orderId, url('xendit'))).status, 200);
  const [event] = await handled(orderId);
  assert.equal(event!.status, 'failed');
  const payment = await stack.c.db('payments').where({ gateway_order_id: orderId }).first('status', 'flagged_reason');
  assert.equal(payment.status, 'pending');
  assert.equal(payment.flagged_reason, 'gateway reports Rp 200.000, the order asked Rp 150.000');
  assert.equal(await stack.c.db('staff_alerts').where({ kind: 'payment_amount_mismatch' }).whereRaw(`details->>'orderId' = ?`, [orderId]).count('* as n').first().then((r) => Number(r!.n)), 1);
  await assertNotCredited(s);
});

test('a correctly signed notification for an order we never issued is answered 200, ignored, and credits nothing', async () => {
  const paymentsBefore = await count('payments');
  const ledgerBefore = await count('ledger_entries');
  const paidBefore = await count('invoices', { status: 'paid' });
  // Another shop on the same Midtrans merchant account.
  stack.midtrans.addTransaction('TOKO-LAIN-2026-0042', PRICE);
  stack.midtrans.pay('TOKO-LAIN-2026-0042');
  const m = await stack.midtrans.notify('TOKO-LAIN-2026-0042', url('midtrans'));
  assert.equal(m.status, 200, 'answered so that Midtrans stops retrying');
  const [mEvent] = await handled('TOKO-LAIN-2026-0042');
  assert.deepEqual([mEvent!.status, mEvent!.last_error], ['ignored', 'unknown order id']);

  // A Xendit callback with the right token for an external_id we never issued.
  const x = await stack.xendit.deliver(url('xendit'), {
    id: 'f'.repeat(24), external_id: 'TOKO-LAIN-77', user_id: '5f9a3b1c2d4e5f6a7b8c9d0e', status: 'PAID', merchant_name: 'Toko Lain',
    amount: PRICE, paid_amount: PRICE, payment_method: 'BANK_TRANSFER', payment_channel: 'BCA', currency: 'IDR', paid_at: '2026-12-18T05:00:00.000Z',
  });
  assert.equal(x.status, 200);
  const [xEvent] = await handled('TOKO-LAIN-77');
  assert.deepEqual([xEvent!.status, xEvent!.last_error], ['ignored', 'unknown order id']);

  assert.equal(await count('payments'), paymentsBefore, 'no payment recorded for an unknown order');
  assert.equal(await count('ledger_entries'), ledgerBefore, 'nothing credited to anyone');
  assert.equal(await count('invoices', { status: 'paid' }), paidBefore);
});

test('Midtrans delivering the same notification twice, one after the other, credits once', async () => {
  const s = subs['m-dup'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(orderId);
  assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
  await handled(orderId);
  await assertCreditedOnce(s, orderId);
  for (let i = 0; i < 2; i++) {
    const again = await stack.midtrans.notify(orderId, url('midtrans'));
    assert.equal(again.status, 200, 'a redelivery is acknowledged, or Midtrans keeps retrying');
  }
  const rows = await handled(orderId);
  assert.equal(rows.length, 1, 'the redeliveries were not stored again');
  await assertCreditedOnce(s, orderId);
});

test('Xendit delivering the same callback twice, one after the other, credits once', async () => {
  const s = subs['x-dup'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'xendit');
  stack.xendit.pay(orderId);
  assert.equal((await stack.xendit.notify(orderId, url('xendit'))).status, 200);
  await handled(orderId);
  assert.equal((await stack.xendit.notify(orderId, url('xendit'))).status, 200);
  assert.equal((await handled(orderId)).length, 1);
  await assertCreditedOnce(s, orderId);
});

test('Midtrans delivering one notification several times at once credits once', async () => {
  const s = subs['m-same'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(orderId);
  const body = stack.midtrans.notification(orderId);
  const answers = await Promise.all([1, 2, 3, 4].map(() => stack.midtrans.deliver(url('midtrans'), body)));
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
  assert.equal((await handled(orderId)).length, 1, 'stored once');
  await assertCreditedOnce(s, orderId);
});

test('Midtrans capture and settlement of one card payment arriving at once credit once', async () => {
  const s = subs['m-capture'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.setStatus(orderId, 'capture', { fraudStatus: 'accept', paymentType: 'credit_card' });
  const capture = stack.midtrans.notification(orderId);
  stack.midtrans.setStatus(orderId, 'settlement', { paymentType: 'credit_card' });
  const settlement = stack.midtrans.notification(orderId);
  const answers = await Promise.all([capture, settlement, capture, settlement].map((b) => stack.midtrans.deliver(url('midtrans'), b)));
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
  const rows = await handled(orderId, 2);
  assert.deepEqual(rows.map((e) => e.event_key.split(':')[1]).sort(), ['capture', 'settlement'], 'two events, each stored once');
  assert.deepEqual(rows.map((e) => e.status), ['processed', 'processed']);
  await assertCreditedOnce(s, orderId);
});

test('Xendit PAID and SETTLED callbacks of one invoice arriving at once credit once', async () => {
  const s = subs['x-paid-settled'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'xendit');
  stack.xendit.pay(orderId, { paymentMethod: 'QR_CODE', paymentChannel: 'QRIS' });
  const paid = stack.xendit.callbackBody(orderId);
  stack.xendit.settle(orderId);
  const settled = stack.xendit.callbackBody(orderId);
  const answers = await Promise.all([paid, settled, paid, settled].map((b) => stack.xendit.deliver(url('xendit'), b)));
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
  const rows = await handled(orderId, 2);
  assert.deepEqual(rows.map((e) => e.event_key.split(':')[1]).sort(), ['PAID', 'SETTLED']);
  await assertCreditedOnce(s, orderId);
  assert.equal((await stack.c.db('payments').where({ gateway_order_id: orderId }).first('gateway_payment_type')).gateway_payment_type, 'QRIS');
});

test('Midtrans settlement first, a late pending after it: still paid, nothing reverted', async () => {
  const s = subs['m-late'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  const pending = stack.midtrans.notification(orderId); // sent when the customer chose a VA, delivered late
  assert.equal(pending.transaction_status, 'pending');
  stack.midtrans.pay(orderId, { paymentType: 'bank_transfer' });
  assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
  await handled(orderId);
  await assertCreditedOnce(s, orderId);
  const settledBefore = await books(s.customerId);

  assert.equal((await stack.midtrans.deliver(url('midtrans'), pending)).status, 200);
  const rows = await handled(orderId, 2);
  assert.deepEqual(rows.map((e) => [e.event_key.split(':')[1], e.status]), [['settlement', 'processed'], ['pending', 'processed']]);
  assert.deepEqual(await books(s.customerId), settledBefore, 'the late pending changed nothing');
  await assertCreditedOnce(s, orderId);
});

test('a settlement notification the status API does not confirm yet (still pending) is retried, then credited once', async () => {
  const s = subs['m-lag'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(orderId);
  const settlement = stack.midtrans.notification(orderId);
  stack.midtrans.setStatus(orderId, 'pending'); // the status API lags behind its own notification
  assert.equal((await stack.midtrans.deliver(url('midtrans'), settlement)).status, 200);
  const event = await until('an unconfirmed attempt', async () => (await events(orderId)).find((e) => e.attempts > 0));
  assert.equal(event.status, 'received', 'kept for another try, not closed as pending');
  assert.match(event.last_error ?? '', /still says pending/);
  await assertNotCredited(s);

  stack.midtrans.pay(orderId);
  stack.clock.advance(retryDelayMs(event.attempts)); // due again, counted from the last attempt
  await sweep();
  const [done] = await handled(orderId);
  assert.equal(done!.status, 'processed');
  await assertCreditedOnce(s, orderId);
});

test('a settled payment the gateway later refunds or charges back: one staff alert, the books untouched', async () => {
  const s = subs['m-refund'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(orderId);
  assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
  await handled(orderId);
  await assertCreditedOnce(s, orderId);
  const paidBooks = await books(s.customerId);

  stack.midtrans.setStatus(orderId, 'refund');
  assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
  stack.midtrans.setStatus(orderId, 'partial_refund');
  assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
  const rows = await handled(orderId, 3);
  assert.deepEqual(rows.map((e) => e.event_key.split(':')[1]), ['settlement', 'refund', 'partial_refund']);
  const alerts = await stack.c.db('staff_alerts').where({ kind: 'payment_reversed' }).whereRaw(`details->>'orderId' = ?`, [orderId]).select('message');
  assert.equal(alerts.length, 1, 'one alert however many reversal notifications');
  assert.match(alerts[0].message, new RegExp(`${orderId}.*Rp 150\\.000.*refunded or charged back`));
  assert.deepEqual(await books(s.customerId), paidBooks, 'a person decides; nothing is reversed automatically');
});

test('Xendit PAID first, a late PENDING after it: still paid, nothing reverted', async () => {
  const s = subs['x-late'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'xendit');
  const pending = stack.xendit.callbackBody(orderId);
  stack.xendit.pay(orderId);
  assert.equal((await stack.xendit.notify(orderId, url('xendit'))).status, 200);
  await handled(orderId);
  const paidBooks = await books(s.customerId);
  assert.equal((await stack.xendit.deliver(url('xendit'), pending)).status, 200);
  await handled(orderId, 2);
  assert.deepEqual(await books(s.customerId), paidBooks);
  await assertCreditedOnce(s, orderId);
});

/**
 * The gateway's status API unreachable: the notification is still acknowledged and kept, the
 * attempt counted, nothing credited; it is not due again before its backoff. Once the API is
 * back the worker's sweep job credits it exactly once — alone, or (`race`) racing two more
 * processors of the same event, as when the queue job's own retry and the sweep coincide.
 */
async function statusApiDown(s: Sub, provider: 'midtrans' | 'xendit', down: true | 'hang', error: RegExp, race: boolean): Promise<void> {
  const { db } = stack.c;
  const gateway = stack[provider];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, provider);
  if (provider === 'midtrans') stack.midtrans.pay(orderId);
  else stack.xendit.pay(orderId);
  gateway.setDown(down);
  try {
    const t0 = Date.now();
    const res = provider === 'midtrans' ? await stack.midtrans.notify(orderId, url(provider)) : await stack.xendit.notify(orderId, url(provider));
    assert.equal(res.status, 200, 'acknowledged: the notification is stored, not lost');
    assert.ok(Date.now() - t0 < 2000, `answered at once, not after the gateway (${Date.now() - t0} ms)`);
    const event = await until('a failed attempt', async () => (await events(orderId)).find((e) => e.attempts > 0), 15_000);
    assert.equal(event.status, 'received', 'still waiting, not given up');
    assert.match(event.last_error ?? '', error);
    for (const secret of [stack.c.config.MIDTRANS_SERVER_KEY!, stack.c.config.XENDIT_SECRET_KEY!]) assert.ok(!event.last_error!.includes(secret), 'no key in the error');
    await assertNotCredited(s);
    assert.equal((await db('payments').where({ gateway_order_id: orderId }).first('status')).status, 'pending');

    // The back-off counts from the last attempt (due-payment-events.ts).
    const lastAttempt = new Date(event.last_attempt_at!).getTime();
    const backoff = retryDelayMs(event.attempts);
    assert.ok(!(await duePaymentEvents(db, new Date(lastAttempt + backoff - 1000))).includes(event.id), 'not due before its backoff');
    assert.ok((await duePaymentEvents(db, new Date(lastAttempt + 3600_000))).includes(event.id), 'due again within the hour');
  } finally {
    gateway.setDown(false);
  }
  // The sweep runs on the worker's clock: an hour later, the event is due again.
  stack.clock.advance(3600_000);
  const [event] = await events(orderId);
  if (race) {
    const [, ...outcomes] = await Promise.all([sweep(), stack.engine.processPaymentEvent(event!.id), stack.engine.processPaymentEvent(event!.id)]);
    // One of them asks the gateway; the others find it asking (coalesced) or done (gone).
    for (const o of outcomes) assert.ok(['credited', 'already_settled', 'gone', 'coalesced'].includes(o), o);
  } else {
    assert.ok((await sweep()) >= 1, 'the sweep picked it up');
  }
  const [done] = await handled(orderId);
  assert.equal(done!.status, 'processed');
  await assertCreditedOnce(s, orderId);
}

test('Midtrans status API answering 503: acknowledged, kept, retried by the sweep, credited once', async () => {
  await statusApiDown(subs['m-down'], 'midtrans', true, /^midtrans get status: HTTP 503/, false);
});

test('Xendit status API answering 503: acknowledged, kept, credited once by the sweep racing two other processors', async () => {
  await statusApiDown(subs['x-down'], 'xendit', true, /^xendit get invoice: HTTP 503/, true);
});

test('Midtrans and Xendit status APIs not answering at all: the clients time out, the events are kept and credited once later', async () => {
  await Promise.all([
    statusApiDown(subs['m-hang'], 'midtrans', 'hang', /^midtrans get status: no response .*timeout/, true),
    statusApiDown(subs['x-hang'], 'xendit', 'hang', /^xendit get invoice: no answer within 10000 ms/, false),
  ]);
});

test('a notification over 256 KiB gets 413, an unknown gateway 404; neither is stored', async () => {
  const eventsBefore = await count('payment_events');
  const big = JSON.stringify({ order_id: 'X', padding: 'x'.repeat(300 * 1024) });
  const tooBig = await fetch(url('midtrans'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  assert.equal(tooBig.status, 413);
  const tooBigX = await stack.xendit.deliver(url('xendit'), big);
  assert.equal(tooBigX.status, 413);
  // Chunked, without a Content-Length to refuse it by.
  const chunked = await fetch(url('midtrans'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Blob([big]).stream(), duplex: 'half' } as RequestInit);
  assert.equal(chunked.status, 413);
  const unknown = await fetch(url('tripay'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), { error: 'unknown payment gateway' });
  assert.equal(await count('payment_events'), eventsBefore);
});

/** Status API calls the fake Midtrans got for `orderId`. */
const statusCalls = (orderId: string): number => stack.midtrans.requests.filter((r) => r.method === 'GET' && r.path === `/v2/${orderId}/status`).length;

test('a status API outage of 80 minutes: the notification is still retried, and credited once the gateway is back', async () => {
  const s = subs['m-outage'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(orderId);
  stack.midtrans.setDown(true);
  try {
    assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
    await until('a failed attempt', async () => (await events(orderId)).find((e) => e.attempts > 0));
    // The worker's sweep, every minute of the outage.
    for (let minute = 1; minute <= 80; minute++) {
      stack.clock.advance(60_000);
      await sweep();
    }
    const [event] = await events(orderId);
    assert.equal(event!.status, 'received', 'still waiting for the gateway, not given up');
    assert.ok(event!.attempts <= 8, `backed off from the last attempt (${event!.attempts} attempts in 80 minutes)`);
    await assertNotCredited(s);
  } finally {
    stack.midtrans.setDown(false);
  }
  stack.clock.advance(3600_000);
  await sweep();
  const [done] = await handled(orderId);
  assert.equal(done!.status, 'processed');
  await assertCreditedOnce(s, orderId);
});

test('never confirmed: retried from the last attempt for over 3 days, then staff alerted; staff retry from the console credits it', async () => {
  const s = subs['m-gave-up'];
  const { db } = stack.c;
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(orderId);
  stack.midtrans.setDown(true);
  const attempts: number[] = [];
  try {
    assert.equal((await stack.midtrans.notify(orderId, url('midtrans'))).status, 200);
    await until('a failed attempt', async () => (await events(orderId)).find((e) => e.attempts > 0));
    for (;;) {
      const [e] = await db('payment_events').where({ order_id: orderId }).select('status', 'attempts', 'last_attempt_at', 'next_attempt_at');
      attempts.push(new Date(e.last_attempt_at).getTime());
      if (e.status === 'failed') break;
      assert.equal(e.status, 'received');
      const gap = new Date(e.next_attempt_at).getTime() - new Date(e.last_attempt_at).getTime();
      assert.equal(gap, retryDelayMs(e.attempts), 'the next attempt counts from the last one');
      assert.ok(gap <= 3600_000, 'never more than an hour apart');
      assert.ok(attempts.length < 200, 'gives up in the end');
      stack.clock.set(e.next_attempt_at);
      await sweep();
      await until('the attempt', async () => {
        const [now] = await db('payment_events').where({ order_id: orderId }).select('attempts', 'status');
        return now.status !== 'received' || now.attempts > e.attempts;
      });
    }
  } finally {
    stack.midtrans.setDown(false);
  }
  const span = attempts.at(-1)! - attempts[0]!;
  assert.ok(span >= 3 * 24 * 3600_000, `tried for ${(span / 3600_000).toFixed(1)} hours`);
  const alerts = await db('staff_alerts').where({ kind: 'payment_event_unconfirmed' }).whereRaw(`details->>'orderId' = ?`, [orderId]).select('message');
  assert.equal(alerts.length, 1, 'staff alerted once');
  assert.match(alerts[0].message, new RegExp(`${orderId} \\(midtrans\\) could not be confirmed`));
  await assertNotCredited(s);

  // Staff see it under Payments and retry it.
  const staff = await createStaff(db, { role: 'cashier' });
  const viewer = await createStaff(db, { role: 'viewer' });
  const desk = adminClient(stack.baseUrl);
  assert.equal((await desk.signIn(viewer.username, viewer.password)).status, 302);
  const [failed] = await events(orderId);
  const viewerPage = await desk.get('/admin/payments/events');
  assert.equal(viewerPage.status, 200);
  assert.ok(viewerPage.text.includes(`data-payment-event="${failed!.id}"`), 'listed');
  assert.ok(!viewerPage.text.includes('data-retry'), 'no retry button without payments.record');
  assert.equal((await desk.post(`/admin/payments/events/${failed!.id}/retry`, {})).status, 403, 'a viewer may not retry');
  assert.equal((await desk.signIn(staff.username, staff.password)).status, 302);
  const page = await desk.get('/admin/payments/events');
  assert.match(page.text, new RegExp(`data-payment-event="${failed!.id}"[\\s\\S]*?${orderId}[\\s\\S]*?Pelanggan m-gave-up[\\s\\S]*?hx-confirm="[^"]+"[\\s\\S]*?data-retry`));
  assert.equal((await desk.post(`/admin/payments/events/${failed!.id}/retry`, { _csrf: null })).status, 403, 'no CSRF token, no retry');
  assert.equal((await events(orderId))[0]!.status, 'failed');
  const retried = await desk.post(`/admin/payments/events/${failed!.id}/retry`, {});
  assert.equal(retried.status, 302);
  assert.equal(retried.location, `/admin/payments/events?retried=credited&order=${encodeURIComponent(orderId)}`);
  assert.equal((await events(orderId))[0]!.status, 'processed');
  await assertCreditedOnce(s, orderId);
  const audit = await db('audit_log').where({ action: 'payment_event_retried', object_id: String(failed!.id) }).select('actor', 'before');
  assert.deepEqual(audit.map((a) => [a.actor, a.before.status, a.before.orderId]), [[staff.username, 'failed', orderId]]);
  const after = await desk.get(`/admin/payments/events?retried=credited&order=${encodeURIComponent(orderId)}`);
  assert.ok(!after.text.includes(`data-payment-event="${failed!.id}"`), 'no longer listed');
  assert.match(after.text, /data-retried="credited"/);
});

test('Pay now does not offer again an order flagged for an amount mismatch', async () => {
  const s = subs['m-flagged-reuse'];
  const first = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  assert.equal((await stack.engine.createPaymentLink(s.invoiceId, 'midtrans')).orderId, first.orderId, 'an untouched order is reused');
  stack.midtrans.pay(first.orderId, { amount: 100_000 });
  assert.equal((await stack.midtrans.notify(first.orderId, url('midtrans'))).status, 200);
  await handled(first.orderId);
  assert.ok((await stack.c.db('payments').where({ gateway_order_id: first.orderId }).first('flagged_reason')).flagged_reason);
  const again = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  assert.notEqual(again.orderId, first.orderId, 'a new order the customer can still pay');
  assert.equal(stack.midtrans.transactions.get(again.orderId)?.status, 'pending');
});

test('Pay now does not offer again an order whose paid notification is still being confirmed', async () => {
  const s = subs['m-lag-reuse'];
  const first = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(first.orderId);
  const settlement = stack.midtrans.notification(first.orderId);
  stack.midtrans.setStatus(first.orderId, 'pending'); // the status API lags behind its own notification
  assert.equal((await stack.midtrans.deliver(url('midtrans'), settlement)).status, 200);
  await until('an unconfirmed attempt', async () => (await events(first.orderId)).find((e) => e.attempts > 0));
  const again = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  assert.notEqual(again.orderId, first.orderId, 'a new order, not the one the gateway is about to report paid');
});

test('a paid notification replayed 50 times with new transaction ids: one status call at a time for the order', async () => {
  const s = subs['m-replay'];
  const queue = stack.c.queues.queue(QUEUES.billing);
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'midtrans');
  stack.midtrans.pay(orderId);
  const callsBefore = statusCalls(orderId);
  // The status API holds every call (until the client gives up after 10 s): a call is in flight as long as the test looks.
  stack.midtrans.setDown('hang');
  try {
    const answers = await Promise.all(Array.from({ length: 50 }, () =>
      stack.midtrans.deliver(url('midtrans'), stack.midtrans.notification(orderId, { transaction_id: randomUUID() }))));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    const stored = await events(orderId);
    assert.equal(stored.length, 50, 'each replay is a new event');
    // Every event's job is done but the one waiting for the gateway.
    await until('49 events coalesced', async () => {
      const states = await Promise.all(stored.map((e) => queue.getJobState(`payment-event-${e.id}`)));
      return states.filter((st) => st === 'completed').length >= 49;
    }, 20_000);
    assert.equal(statusCalls(orderId) - callsBefore, 1, 'one status call in flight for the order');
    await until('the held call timed out', async () => (await events(orderId)).every((e) => e.attempts === 1), 20_000);
    assert.equal(statusCalls(orderId) - callsBefore, 1);
  } finally {
    stack.midtrans.setDown(false);
  }
  stack.clock.advance(3600_000);
  await sweep();
  const done = await handled(orderId, 50);
  assert.ok(done.every((e) => e.status === 'processed'));
  await assertCreditedOnce(s, orderId);
  assert.equal(statusCalls(orderId) - callsBefore, 2, 'one more call answered all 50');

  // Replayed after it settled: stored, closed without asking the gateway.
  await Promise.all(Array.from({ length: 10 }, () =>
    stack.midtrans.deliver(url('midtrans'), stack.midtrans.notification(orderId, { transaction_id: randomUUID() }))));
  await handled(orderId, 60);
  assert.equal(statusCalls(orderId) - callsBefore, 2, 'no call for a replay of a settled payment');
  await assertCreditedOnce(s, orderId);
});
