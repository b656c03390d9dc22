/**
 * Tripay and Duitku on the real stack (web app, billing worker, PostgreSQL, Redis) against the
 * fakes that speak their wire formats, through the same inbox, status confirmation and sweep as
 * Midtrans and Xendit (ARCHITECTURE.md, "Payment flow"). Each subscriber is on a 150.000 plan,
 * billed for December, overdue and suspended on 18 December; each test pays through a pay link
 * the engine creates (the official flow: link → customer pays → callback → status API → ledger):
 * paid once even when the callback comes twice or at once, a forged callback refused with 401
 * and nothing stored, a "paid" callback the status API does not confirm yet retried and then
 * credited, an expired link never credited, and each gateway switched off in settings. And the
 * console's bank-transfer screen: a cashier pastes a BCA statement whose line carries "invoice +
 * unique code" (the invoice paid once, a second upload crediting nothing), approves a customer's
 * receipt; a collector is refused the screen; a POST without the CSRF token is refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { BILLING_JOBS } from '../../billing/engine/engine.js';
import { GATEWAYS_KEY } from '../../billing/settings/integrations.js';
import { retryDelayMs } from '../../billing/webhooks/due-payment-events.js';
import { QUEUES } from '../../lib/queue.js';
import { readSetting, writeSetting } from '../../lib/settings-store.js';
import fs from 'node:fs';
import { issueTransferCode } from '../../billing/payments/bank-transfer/issue-transfer-code.js';
import { submitTransferReceipt } from '../../billing/payments/bank-transfer/transfer-receipts.js';
import { adminClient } from '../helpers/admin-client.js';
import { createStaff } from '../helpers/factories.js';
import { overdueSubscriptions, startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import { until } from '../helpers/poll.js';
import { startFakeDuitku, type FakeDuitku } from '../helpers/fake-duitku.js';
import { startFakeTripay, type FakeTripay } from '../helpers/fake-tripay.js';

const PRICE = 150_000;
const TRIPAY = { apiKey: 'DEV-scenario-api-key-0001', privateKey: 'scenario-private-key-0001', merchantCode: 'T0001' };
const DUITKU = { merchantCode: 'D0001', apiKey: 'ABCDEF0123456789ABCDEF0123456789' };
const NAMES = ['t-forged', 't-dup', 't-lag', 't-expired', 'd-forged', 'd-dup', 'd-lag', 'd-expired', 'off', 'bank', 'receipt'] as const;
type Name = (typeof NAMES)[number];
interface Sub { id: number; customerId: number; invoiceId: number }

let stack: BillingStack;
let tripay: FakeTripay;
let duitku: FakeDuitku;
const subs = {} as Record<Name, Sub>;
const at = (day: string): string => `${day}T02:00:00Z`;
const url = (provider: string): string => `${stack.baseUrl}/webhooks/${provider}`;

interface EventRow { id: number; event_key: string; status: string; attempts: number; last_error: string | null }
const events = (orderId: string): Promise<EventRow[]> =>
  stack.c.db('payment_events').where({ order_id: orderId }).orderBy('id').select('id', 'event_key', 'status', 'attempts', 'last_error');
const handled = (orderId: string, count = 1): Promise<EventRow[]> =>
  until(`${count} handled event(s) of ${orderId}`, async () => {
    const rows = await events(orderId);
    return rows.length >= count && rows.every((e) => e.status !== 'received') && rows;
  }, 15_000);
const countRows = async (table: string, where: Record<string, unknown> = {}): Promise<number> =>
  Number((await stack.c.db(table).where(where).count<Array<{ count: string }>>('* as count'))[0]!.count);

async function sweep(): Promise<void> {
  const queue = stack.c.queues.queue(QUEUES.billing);
  const job = await queue.add(BILLING_JOBS.paymentEventsSweep, {});
  await until('the sweep job', async () => {
    const j = await queue.getJob(job.id!);
    if (j?.failedReason) throw new Error(`sweep failed: ${j.failedReason}`);
    return j?.finishedOn ? j : undefined;
  }, 30_000);
}

async function assertCreditedOnce(s: Sub, orderId: string, method: string): Promise<void> {
  const { db } = stack.c;
  assert.deepEqual(await db('invoices').where({ id: s.invoiceId }).first('status', 'amount_paid'), { status: 'paid', amount_paid: PRICE });
  const payments = await db('payments').where({ customer_id: s.customerId }).select('id', 'method', 'gateway_order_id', 'status', 'amount');
  assert.deepEqual(payments.map((p) => [p.method, p.gateway_order_id, p.status, p.amount]), [[method, orderId, 'settled', PRICE]]);
  const credits = await db('ledger_entries').where({ customer_id: s.customerId, entry_type: 'payment' }).select('amount', 'payment_id');
  assert.deepEqual(credits, [{ amount: PRICE, payment_id: payments[0]!.id }], 'exactly one payment in the ledger');
  assert.equal((await db('subscriptions').where({ id: s.id }).first('status')).status, 'active');
}

async function assertNotCredited(s: Sub): Promise<void> {
  const { db } = stack.c;
  assert.deepEqual(await db('invoices').where({ id: s.invoiceId }).first('status', 'amount_paid'), { status: 'overdue', amount_paid: 0 });
  assert.equal(await countRows('ledger_entries', { customer_id: s.customerId, entry_type: 'payment' }), 0);
  assert.equal((await db('subscriptions').where({ id: s.id }).first('status')).status, 'suspended');
}

before(async () => {
  tripay = await startFakeTripay(TRIPAY);
  duitku = await startFakeDuitku(DUITKU);
  stack = await startBillingStack({
    start: at('2026-11-20'),
    env: {
      TRIPAY_API_KEY: TRIPAY.apiKey, TRIPAY_PRIVATE_KEY: TRIPAY.privateKey, TRIPAY_MERCHANT_CODE: TRIPAY.merchantCode, TRIPAY_API_URL: tripay.url,
      DUITKU_MERCHANT_CODE: DUITKU.merchantCode, DUITKU_API_KEY: DUITKU.apiKey, DUITKU_API_URL: duitku.url,
    },
  });
  for (const [name, s] of Object.entries(await overdueSubscriptions(stack, NAMES, PRICE))) {
    assert.deepEqual(s.invoices.map((i) => i.status), ['overdue']);
    subs[name as Name] = { id: s.id, customerId: s.customerId, invoiceId: s.invoices[0]!.id };
  }
});

after(async () => {
  await stack?.stop();
  await Promise.all([tripay?.close(), duitku?.close()]);
});

test('Tripay: the pay link is a signed closed transaction whose callback comes back to us', async () => {
  const { orderId, url: payUrl } = await stack.engine.createPaymentLink(subs['t-dup'].invoiceId, 'tripay');
  const t = [...tripay.transactions.values()].find((x) => x.merchant_ref === orderId)!;
  assert.equal(payUrl, t.checkout_url);
  assert.equal(t.callback_url, `${stack.baseUrl}/webhooks/tripay`);
  assert.equal(t.amount, PRICE);
});

test('Tripay: a forged, unsigned or wrong-event callback gets 401 and stores nothing', async () => {
  const s = subs['t-forged'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'tripay');
  tripay.pay(orderId);
  const body = tripay.callbackBody(orderId);
  const before = await countRows('payment_events');
  for (const [what, o] of [['another key', { privateKey: 'guessed-key' }], ['unsigned', { privateKey: null }], ['another event', { event: 'payout_status' }]] as const) {
    assert.equal((await tripay.deliver(url('tripay'), body, o)).status, 401, what);
  }
  assert.equal((await tripay.deliver(url('tripay'), { ...body, total_amount: 1 }, { privateKey: 'x' })).status, 401);
  assert.equal(await countRows('payment_events'), before);
  await assertNotCredited(s);
  const res = await tripay.deliver(url('tripay'), body);
  assert.deepEqual([res.status, JSON.parse(res.body).success], [200, true]);
  await handled(orderId);
  await assertCreditedOnce(s, orderId, 'tripay');
});

test('Tripay: the same PAID callback twice, and twice at once, credits once', async () => {
  const s = subs['t-dup'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'tripay');
  tripay.pay(orderId);
  const body = tripay.callbackBody(orderId);
  const results = await Promise.all([tripay.deliver(url('tripay'), body), tripay.deliver(url('tripay'), body)]);
  assert.deepEqual(results.map((r) => r.status), [200, 200]);
  await handled(orderId);
  assert.equal((await tripay.deliver(url('tripay'), body)).status, 200);
  assert.equal((await handled(orderId)).length, 1, 'one inbox row');
  await assertCreditedOnce(s, orderId, 'tripay');
});

test('Tripay: a PAID callback the status API does not confirm yet is retried, then credited once', async () => {
  const s = subs['t-lag'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'tripay');
  tripay.pay(orderId);
  const body = tripay.callbackBody(orderId);
  [...tripay.transactions.values()].find((x) => x.merchant_ref === orderId)!.status = 'UNPAID';
  assert.equal((await tripay.deliver(url('tripay'), body)).status, 200);
  const event = await until('an unconfirmed attempt', async () => (await events(orderId)).find((e) => e.attempts > 0), 15_000);
  assert.equal(event.status, 'received');
  assert.match(event.last_error ?? '', /tripay status API still says pending/);
  await assertNotCredited(s);
  tripay.pay(orderId);
  stack.clock.advance(retryDelayMs(event.attempts));
  await sweep();
  await handled(orderId);
  await assertCreditedOnce(s, orderId, 'tripay');
});

test('Tripay: an EXPIRED callback closes the payment as expired and credits nothing', async () => {
  const s = subs['t-expired'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'tripay');
  tripay.expire(orderId);
  assert.equal((await tripay.deliver(url('tripay'), tripay.callbackBody(orderId))).status, 200);
  await handled(orderId);
  assert.equal((await stack.c.db('payments').where({ gateway_order_id: orderId }).first('status')).status, 'expired');
  await assertNotCredited(s);
});

test('Duitku: a forged, tampered or other-merchant callback gets 401; the genuine one credits', async () => {
  const s = subs['d-forged'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'duitku');
  assert.equal(duitku.transactions.get(orderId)!.callbackUrl, `${stack.baseUrl}/webhooks/duitku`);
  duitku.pay(orderId);
  const form = duitku.callbackForm(orderId);
  const before = await countRows('payment_events');
  for (const [what, f] of [
    ['another key', duitku.callbackForm(orderId, { apiKey: 'guessed' })],
    ['tampered amount', { ...form, amount: '15' }],
    ['another merchant', { ...form, merchantCode: 'D9999' }],
    ['a random signature', { ...form, signature: crypto.randomBytes(16).toString('hex') }],
  ] as const) {
    assert.equal((await duitku.deliver(url('duitku'), f)).status, 401, what);
  }
  assert.equal(await countRows('payment_events'), before);
  await assertNotCredited(s);
  assert.equal((await duitku.deliver(url('duitku'), form)).status, 200);
  await handled(orderId);
  await assertCreditedOnce(s, orderId, 'duitku');
});

test('Duitku: the same callback twice at once and again later credits once', async () => {
  const s = subs['d-dup'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'duitku');
  duitku.pay(orderId);
  const form = duitku.callbackForm(orderId);
  await Promise.all([duitku.deliver(url('duitku'), form), duitku.deliver(url('duitku'), form)]);
  await handled(orderId);
  assert.equal((await duitku.deliver(url('duitku'), form)).status, 200);
  assert.equal((await handled(orderId)).length, 1);
  await assertCreditedOnce(s, orderId, 'duitku');
});

test('Duitku: a success callback the status API still calls "01" (process) is retried, then credited', async () => {
  const s = subs['d-lag'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'duitku');
  duitku.pay(orderId);
  const form = duitku.callbackForm(orderId);
  duitku.transactions.get(orderId)!.statusCode = '01';
  assert.equal((await duitku.deliver(url('duitku'), form)).status, 200);
  const event = await until('an unconfirmed attempt', async () => (await events(orderId)).find((e) => e.attempts > 0), 15_000);
  assert.equal(event.status, 'received');
  await assertNotCredited(s);
  duitku.pay(orderId);
  stack.clock.advance(retryDelayMs(event.attempts));
  await sweep();
  await handled(orderId);
  await assertCreditedOnce(s, orderId, 'duitku');
});

test('Duitku: a failed/expired transaction ("02") credits nothing', async () => {
  const s = subs['d-expired'];
  const { orderId } = await stack.engine.createPaymentLink(s.invoiceId, 'duitku');
  duitku.expire(orderId);
  assert.equal((await duitku.deliver(url('duitku'), duitku.callbackForm(orderId))).status, 200);
  await handled(orderId);
  assert.equal((await stack.c.db('payments').where({ gateway_order_id: orderId }).first('status')).status, 'expired');
  await assertNotCredited(s);
});

test('each gateway switches off in settings: no pay link, callbacks 404', async () => {
  const s = subs.off;
  await stack.c.db.transaction(async (trx) => {
    const { version } = await readSetting(trx, GATEWAYS_KEY);
    const written = await writeSetting(trx, GATEWAYS_KEY, { tripay: { enabled: 'off' }, duitku: { enabled: 'off' } }, version);
    assert.ok(written.ok);
  });
  await stack.engine.integrations?.reload();
  try {
    for (const p of ['tripay', 'duitku'] as const) {
      await assert.rejects(stack.engine.createPaymentLink(s.invoiceId, p), { code: 'no_gateway' });
      assert.equal((await fetch(url(p), { method: 'POST', body: '{}' })).status, 404);
    }
    // Midtrans is untouched by switching the two others off.
    assert.ok((await stack.engine.createPaymentLink(s.invoiceId, 'midtrans')).orderId);
  } finally {
    await stack.c.db.transaction(async (trx) => {
      const { version } = await readSetting(trx, GATEWAYS_KEY);
      await writeSetting(trx, GATEWAYS_KEY, {}, version);
    });
    await stack.engine.integrations?.reload();
  }
});

test('console: a cashier pastes a BCA statement; the invoice + code line pays once, a second upload credits nothing; a receipt is approved', async () => {
  const { db } = stack.c;
  const s = subs.bank;
  const code = await issueTransferCode({ db, clock: stack.clock }, { customerId: s.customerId, invoiceId: s.invoiceId, codeHours: 48, choose: () => 123 });
  assert.equal(code.amount, 150_123);
  // The fixture's transfer, posted on the day the code was issued.
  const statement = fs.readFileSync(new URL('../fixtures/bank-statements/bca.csv', import.meta.url), 'utf8')
    .replaceAll("'25/11", "'18/12").replace('20/11/2026 - 30/11/2026', '15/12/2026 - 19/12/2026').replaceAll("'24/11", "'17/12").replaceAll("'26/11", "'19/12");

  const collector = await createStaff(db, { username: 'penagih-bt', role: 'collector' });
  const field = adminClient(stack.baseUrl);
  assert.equal((await field.signIn(collector.username, collector.password)).status, 302);
  assert.equal((await field.get('/admin/bank-transfers')).status, 403, 'a collector does not see every customer\'s transfers');

  const cashier = await createStaff(db, { username: 'kasir-bt', role: 'cashier' });
  const desk = adminClient(stack.baseUrl);
  assert.equal((await desk.signIn(cashier.username, cashier.password)).status, 302);
  const pageRes = await desk.get('/admin/bank-transfers');
  assert.equal(pageRes.status, 200);
  assert.equal((await desk.post('/admin/bank-transfers/statement', { bank: 'bca', content: statement, _csrf: null })).status, 403, 'no CSRF token, nothing read');
  assert.equal(await countRows('bank_statement_lines'), 0);

  const first = await desk.post('/admin/bank-transfers/statement', { bank: 'bca', content: statement });
  assert.equal(first.status, 200);
  assert.match(first.text, /data-matched="1"/);
  assert.match(first.text, /data-line="\d+" data-status="unmatched"/, 'the line no code explains is listed');
  await assertCreditedOnceByTransfer(s, 150_123);
  const again = await desk.post('/admin/bank-transfers/statement', { bank: 'bca', content: statement });
  assert.match(again.text, /data-matched="0" data-seen="2"/);
  await assertCreditedOnceByTransfer(s, 150_123);
  assert.match((await desk.post('/admin/bank-transfers/statement', { bank: 'bri', content: statement })).text, /data-error="payments_channels.admin.error.statement_layout"/);

  const r = subs.receipt;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a png')]);
  const receiptId = await submitTransferReceipt({ db, clock: stack.clock }, { customerId: r.customerId, invoiceId: r.invoiceId, amount: PRICE, content: png });
  const listed = await desk.get('/admin/bank-transfers');
  assert.match(listed.text, new RegExp(`data-receipt="${receiptId}"`));
  const file = await desk.get(`/admin/bank-transfers/receipts/${receiptId}/file`);
  assert.deepEqual([file.status, file.headers.get('content-type'), file.headers.get('x-content-type-options')], [200, 'image/png', 'nosniff']);
  assert.match(file.headers.get('content-security-policy') ?? '', /sandbox/);
  assert.equal((await desk.post(`/admin/bank-transfers/receipts/${receiptId}`, { decision: 'approve' })).status, 200);
  assert.equal((await desk.post(`/admin/bank-transfers/receipts/${receiptId}`, { decision: 'approve' })).status, 200);
  assert.deepEqual(await db('invoices').where({ id: r.invoiceId }).first('status', 'amount_paid'), { status: 'paid', amount_paid: PRICE });
  assert.equal(await countRows('payments', { customer_id: r.customerId, status: 'settled' }), 1, 'approved once');
  assert.equal((await db('subscriptions').where({ id: r.id }).first('status')).status, 'active');
});

async function assertCreditedOnceByTransfer(s: Sub, amount: number): Promise<void> {
  const { db } = stack.c;
  assert.deepEqual(await db('invoices').where({ id: s.invoiceId }).first('status', 'amount_paid'), { status: 'paid', amount_paid: PRICE });
  const payments = await db('payments').where({ customer_id: s.customerId }).select('method', 'status', 'amount');
  assert.deepEqual(payments, [{ method: 'bank_transfer', status: 'settled', amount }]);
  assert.equal((await db('subscriptions').where({ id: s.id }).first('status')).status, 'active');
}
