/**
 * The Midtrans gateway through the official midtrans-client SDK against the fake Midtrans
 * (test/helpers/fake-midtrans.ts): Snap transactions, Core API status, signed HTTP notifications
 * captured by a local webhook receiver, and failures that never leak the server key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { rejectionWithoutSecrets, startCatcher as startGatewayCatcher, type Catcher } from '../../../test/helpers/gateway-checks.js';
import type { AppError } from '../../../lib/errors.js';
import { startFakeMidtrans, type FakeMidtrans } from '../../../test/helpers/fake-midtrans.js';
import { createMidtransGateway, mapMidtransStatus, parseMidtransAmount } from './midtrans.js';
import type { CreatePaymentInput, PaymentGateway } from './payment-gateway.js';

const SERVER_KEY = 'SB-Mid-server-Te5tK3y_9f8e7d6c5b4a';
const SECRETS = [SERVER_KEY, Buffer.from(`${SERVER_KEY}:`).toString('base64')];
// 2026-11-21 17:00:00 in Jakarta (UTC+7).
const clock = { now: () => new Date('2026-11-21T10:00:00Z') };

const startCatcher = (status = 200): Promise<Catcher> => startGatewayCatcher('/webhooks/midtrans', status);
const rejection = (p: Promise<unknown>, secrets: string[] = SECRETS): Promise<AppError> => rejectionWithoutSecrets(p, secrets);

let seq = 0;
const input = (over: Partial<CreatePaymentInput> = {}): CreatePaymentInput => ({
  orderId: `INV-2026-11-000123-${++seq}`,
  amount: 150000,
  invoiceNumber: 'INV-2026-11-000123',
  description: 'Internet 20 Mbps, November 2026',
  customer: { name: 'Budi Santoso', email: 'budi@example.id', phone: '081234567890' },
  returnUrl: 'https://isp.example.id/portal/payments/return',
  expiresInMinutes: 60,
  ...over,
});

let fake: FakeMidtrans;
let gateway: PaymentGateway;
let hook: Catcher;

before(async () => {
  fake = await startFakeMidtrans({ serverKey: SERVER_KEY });
  gateway = createMidtransGateway({
    serverKey: SERVER_KEY,
    clientKey: 'SB-Mid-client-abc',
    isProduction: false,
    apiUrl: fake.url,
    snapUrl: `${fake.url}/snap/v1`,
    timeoutMs: 300,
    clock,
  });
  hook = await startCatcher();
});
after(async () => {
  await fake.close();
  await hook.close();
});

describe('createPayment', () => {
  test('creates a Snap transaction: redirect_url as URL, token as reference, the real request body', async () => {
    const i = input();
    const link = await gateway.createPayment(i);
    const tx = fake.transactions.get(i.orderId);
    assert.ok(tx);
    assert.deepEqual(link, { orderId: i.orderId, url: `${fake.url}/snap/v4/redirection/${tx.token}`, reference: tx.token });
    const req = fake.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/snap/v1/transactions');
    assert.equal(req.authorized, true);
    assert.deepEqual(req.body, {
      transaction_details: { order_id: i.orderId, gross_amount: 150000 },
      item_details: [{ id: 'INV-2026-11-000123', price: 150000, quantity: 1, name: 'Internet 20 Mbps, November 2026' }],
      customer_details: { first_name: 'Budi Santoso', email: 'budi@example.id', phone: '081234567890' },
      callbacks: { finish: 'https://isp.example.id/portal/payments/return' },
      expiry: { start_time: '2026-11-21 17:00:00 +0700', unit: 'minutes', duration: 60 },
    });
  });

  test('optional fields are left out; an item name is clipped to Midtrans’ 50 characters', async () => {
    const i = input({
      description: 'x'.repeat(80),
      customer: { name: 'Siti', email: null, phone: null },
      returnUrl: undefined,
      expiresInMinutes: undefined,
    });
    await gateway.createPayment(i);
    const body = fake.requests.at(-1)!.body as Record<string, unknown>;
    assert.deepEqual(body.customer_details, { first_name: 'Siti' });
    assert.equal((body.item_details as { name: string }[])[0]!.name, 'x'.repeat(50));
    assert.equal('callbacks' in body, false);
    assert.equal('expiry' in body, false);
  });

  test('an order id or amount Midtrans would refuse throws before any request', async () => {
    const before = fake.requests.length;
    await assert.rejects(gateway.createPayment(input({ orderId: 'INV#1' })), RangeError);
    await assert.rejects(gateway.createPayment(input({ orderId: 'I'.repeat(51) })), RangeError);
    await assert.rejects(gateway.createPayment(input({ amount: 1500.5 })), RangeError);
    await assert.rejects(gateway.createPayment(input({ amount: 0 })), RangeError);
    assert.equal(fake.requests.length, before);
  });

  test('a reused order id is refused (4xx) with Midtrans’ message and no secret', async () => {
    const i = input();
    await gateway.createPayment(i);
    const err = await rejection(gateway.createPayment(i));
    assert.equal(err.code, 'payment_gateway_refused');
    assert.equal(err.status, 502);
    assert.match(err.message, /HTTP 400: transaction_details\.order_id has already been taken/);
  });

  test('Snap down (503) → payment_gateway_unavailable', async () => {
    fake.setDown(true);
    try {
      const err = await rejection(gateway.createPayment(input()));
      assert.equal(err.code, 'payment_gateway_unavailable');
      assert.match(err.message, /HTTP 503/);
    } finally {
      fake.setDown(false);
    }
  });
});

describe('fetchStatus', () => {
  test('pending, then settled after payment, with amount, payment type and transaction id', async () => {
    const i = input();
    await gateway.createPayment(i);
    const tx = fake.transactions.get(i.orderId)!;
    assert.deepEqual(await gateway.fetchStatus(i.orderId, tx.token), {
      orderId: i.orderId,
      status: 'pending',
      amount: 150000,
      paymentType: 'bank_transfer',
      reference: tx.transactionId,
    });
    fake.pay(i.orderId, { paymentType: 'qris' });
    assert.deepEqual(await gateway.fetchStatus(i.orderId, tx.token), {
      orderId: i.orderId,
      status: 'settled',
      amount: 150000,
      paymentType: 'qris',
      reference: tx.transactionId,
    });
    const req = fake.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.authorized], ['GET', `/v2/${i.orderId}/status`, true]);
  });

  test('a different amount paid is reported as Midtrans states it', async () => {
    const i = input();
    await gateway.createPayment(i);
    fake.pay(i.orderId, { amount: 100000 });
    assert.equal((await gateway.fetchStatus(i.orderId, null))?.amount, 100000);
  });

  test('expired (status_code 407, which the SDK does not treat as an error)', async () => {
    const i = input();
    await gateway.createPayment(i);
    fake.expire(i.orderId);
    assert.equal(fake.statusBody(i.orderId).status_code, '407');
    assert.equal((await gateway.fetchStatus(i.orderId, null))?.status, 'expired');
  });

  test('deny, cancel, refund and card capture with each fraud status', async () => {
    const cases = [
      ['deny', undefined, 'failed'],
      ['cancel', undefined, 'failed'],
      ['refund', undefined, 'refunded'],
      ['partial_refund', undefined, 'refunded'],
      ['capture', 'accept', 'settled'],
      ['capture', 'challenge', 'pending'],
    ] as const;
    for (const [status, fraudStatus, expected] of cases) {
      const i = input();
      await gateway.createPayment(i);
      fake.setStatus(i.orderId, status, { fraudStatus, paymentType: 'credit_card' });
      assert.equal((await gateway.fetchStatus(i.orderId, null))?.status, expected, `${status}/${fraudStatus}`);
    }
  });

  test('an unknown order → null (Midtrans’ 404 JSON)', async () => {
    assert.equal(await gateway.fetchStatus('INV-NEVER-CREATED', null), null);
  });

  test('a Snap transaction before the customer picks a method → null, as the real Core API answers 404', async () => {
    const strict = await startFakeMidtrans({ serverKey: SERVER_KEY, statusBeforePayment: 'not_found' });
    try {
      const g = createMidtransGateway({ serverKey: SERVER_KEY, clientKey: '', isProduction: false, apiUrl: strict.url, snapUrl: strict.url });
      const i = input();
      await g.createPayment(i);
      assert.equal(await g.fetchStatus(i.orderId, null), null);
      strict.pay(i.orderId);
      assert.equal((await g.fetchStatus(i.orderId, null))?.status, 'settled');
    } finally {
      await strict.close();
    }
  });

  test('a 404 that is not Midtrans’ JSON (wrong base URL) throws instead of reading as “no such order”', async () => {
    const notMidtrans = await startCatcher(404);
    try {
      const g = createMidtransGateway({ serverKey: SERVER_KEY, clientKey: '', isProduction: false, apiUrl: notMidtrans.url });
      const err = await rejection(g.fetchStatus('INV-1', null));
      assert.match(err.message, /HTTP 404/);
    } finally {
      await notMidtrans.close();
    }
  });

  test('status API down (503), hanging (timeout) or unreachable → throws without secrets', async () => {
    const i = input();
    await gateway.createPayment(i);
    fake.setDown(true);
    try {
      const err = await rejection(gateway.fetchStatus(i.orderId, null));
      assert.equal(err.code, 'payment_gateway_unavailable');
      assert.match(err.message, /HTTP 503/);
      fake.setDown('hang');
      const started = Date.now();
      const timeout = await rejection(gateway.fetchStatus(i.orderId, null));
      assert.match(timeout.message, /no response .*timeout/);
      assert.ok(Date.now() - started < 3000);
    } finally {
      fake.setDown(false);
    }
    const gone = http.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const g = createMidtransGateway({ serverKey: SERVER_KEY, clientKey: '', isProduction: false, apiUrl: `http://127.0.0.1:${port}` });
    const refused = await rejection(g.fetchStatus(i.orderId, null));
    assert.match(refused.message, /ECONNREFUSED/);
  });

  test('a wrong server key (401) throws without showing that key', async () => {
    const wrongKey = 'SB-Mid-server-WRONG-0000000000';
    const g = createMidtransGateway({ serverKey: wrongKey, clientKey: '', isProduction: false, apiUrl: fake.url, snapUrl: fake.url });
    const wrongSecrets = [wrongKey, Buffer.from(`${wrongKey}:`).toString('base64')];
    const err = await rejection(g.fetchStatus('INV-1', null), wrongSecrets);
    assert.match(err.message, /HTTP 401/);
    await rejection(g.createPayment(input()), wrongSecrets);
  });

  test('a gross_amount with a fraction of a rupiah throws', async () => {
    const i = input();
    await gateway.createPayment(i);
    fake.pay(i.orderId, { amount: 1500.5 });
    await assert.rejects(gateway.fetchStatus(i.orderId, null), /not a whole rupiah amount/);
  });
});

describe('verifyNotification', () => {
  async function deliver(orderId: string, overrides?: Record<string, unknown>): Promise<Buffer> {
    const res = await fake.notify(orderId, hook.url, overrides);
    assert.equal(res.status, 200);
    const last = hook.received.at(-1)!;
    assert.equal(last.headers['content-type'], 'application/json');
    return last.body;
  }
  async function paidOrder(): Promise<string> {
    const i = input();
    await gateway.createPayment(i);
    fake.pay(i.orderId, { paymentType: 'qris' });
    return i.orderId;
  }

  test('accepts the real signed notification: event key, order id, transaction id, payload', async () => {
    const orderId = await paidOrder();
    const raw = await deliver(orderId);
    const tx = fake.transactions.get(orderId)!;
    const v = gateway.verifyNotification(raw, hook.received.at(-1)!.headers);
    assert.ok(v);
    assert.equal(v.eventKey, `${tx.transactionId}:settlement`);
    assert.equal(v.orderId, orderId);
    assert.equal(v.reference, tx.transactionId);
    assert.deepEqual(v.payload, JSON.parse(raw.toString('utf8')));
    assert.equal((v.payload as Record<string, unknown>).gross_amount, '150000.00');
  });

  test('headers play no part: the signature is in the body', async () => {
    const raw = await deliver(await paidOrder());
    assert.ok(gateway.verifyNotification(raw, {}));
  });

  test('the same notification twice has one event key; pending then settlement are two events', async () => {
    const i = input();
    await gateway.createPayment(i);
    fake.setStatus(i.orderId, 'pending', { paymentType: 'bank_transfer' });
    const pending = gateway.verifyNotification(await deliver(i.orderId), {});
    fake.pay(i.orderId);
    const first = gateway.verifyNotification(await deliver(i.orderId), {});
    const again = gateway.verifyNotification(await deliver(i.orderId), {});
    assert.ok(pending && first && again);
    assert.equal(first.eventKey, again.eventKey);
    assert.notEqual(pending.eventKey, first.eventKey);
  });

  test('a wrong signature, a tampered amount or status code, a missing field → null', async () => {
    const orderId = await paidOrder();
    const otherKey = crypto
      .createHash('sha512')
      .update(`${orderId}200150000.00SB-Mid-server-someone-else`)
      .digest('hex');
    assert.equal(gateway.verifyNotification(await deliver(orderId, { signature_key: otherKey }), {}), null);
    assert.equal(gateway.verifyNotification(await deliver(orderId, { gross_amount: '1000.00' }), {}), null);
    assert.equal(gateway.verifyNotification(await deliver(orderId, { gross_amount: '150000' }), {}), null);
    assert.equal(gateway.verifyNotification(await deliver(orderId, { status_code: '201' }), {}), null);
    assert.equal(gateway.verifyNotification(await deliver(orderId, { signature_key: undefined }), {}), null);
    assert.equal(gateway.verifyNotification(await deliver(orderId, { transaction_id: undefined }), {}), null);
    assert.equal(gateway.verifyNotification(await deliver(orderId, { signature_key: 'abc' }), {}), null);
    assert.equal(gateway.verifyNotification(await deliver(orderId, { gross_amount: 150000 }), {}), null);
  });

  test('malformed or non-object JSON → null', () => {
    for (const raw of ['', '{', 'not json', 'null', '[]', '"x"', '42']) {
      assert.equal(gateway.verifyNotification(Buffer.from(raw), { 'content-type': 'application/json' }), null, raw);
    }
  });

  test('known answer: SHA512("1111" + "200" + "100000.00" + key) from the Midtrans docs example', () => {
    // Inputs of the PHP sample in docs.midtrans.com/reference/receiving-notifications; the digest
    // was computed independently with `printf %s '1111200100000.00askvno…' | sha512sum`.
    const key = 'askvnoibnosifnboseofinbofinfgbiufglnbfg';
    const expected =
      'edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231';
    assert.equal(crypto.createHash('sha512').update(`1111200100000.00${key}`).digest('hex'), expected);
    const g = createMidtransGateway({ serverKey: key, clientKey: '', isProduction: false });
    const body = {
      order_id: '1111',
      status_code: '200',
      gross_amount: '100000.00',
      transaction_id: '57d5293c-e65f-4a29-95e4-5959c3fa335b',
      transaction_status: 'settlement',
      signature_key: expected,
    };
    assert.equal(g.verifyNotification(Buffer.from(JSON.stringify(body)), {})?.orderId, '1111');
    assert.equal(
      g.verifyNotification(Buffer.from(JSON.stringify({ ...body, signature_key: expected.toUpperCase() })), {})?.orderId,
      '1111',
    );
    assert.equal(g.verifyNotification(Buffer.from(JSON.stringify({ ...body, gross_amount: '100000' })), {}), null);
  });
});

describe('mapping', () => {
  test('transaction_status (+ fraud_status) → GatewayStatus', () => {
    assert.equal(mapMidtransStatus('settlement'), 'settled');
    assert.equal(mapMidtransStatus('capture', 'accept'), 'settled');
    assert.equal(mapMidtransStatus('capture'), 'settled');
    assert.equal(mapMidtransStatus('capture', 'challenge'), 'pending');
    assert.equal(mapMidtransStatus('capture', 'deny'), 'failed');
    assert.equal(mapMidtransStatus('pending'), 'pending');
    assert.equal(mapMidtransStatus('authorize'), 'pending');
    for (const s of ['deny', 'cancel', 'failure']) assert.equal(mapMidtransStatus(s), 'failed');
    assert.equal(mapMidtransStatus('expire'), 'expired');
    for (const s of ['refund', 'partial_refund', 'chargeback']) assert.equal(mapMidtransStatus(s), 'refunded');
    assert.equal(mapMidtransStatus('something_new'), 'pending');
  });

  test('gross_amount → integer rupiah', () => {
    assert.equal(parseMidtransAmount('150000.00'), 150000);
    assert.equal(parseMidtransAmount('150000'), 150000);
    assert.equal(parseMidtransAmount(150000), 150000);
    for (const bad of ['150000.50', '1.5', '-1.00', 'abc', '', 1.5, null, undefined]) {
      assert.throws(() => parseMidtransAmount(bad), /not a whole rupiah amount/, String(bad));
    }
  });
});
