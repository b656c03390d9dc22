/**
 * The Tripay gateway against the fake Tripay (test/helpers/fake-tripay.ts): the signed
 * closed-transaction request, status by reference and by merchant_ref (the customer's fee taken
 * out), the callback's HMAC-SHA256 over the raw body, and failures that never show the keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { rejectionWithoutSecrets } from '../../../test/helpers/gateway-checks.js';
import { startFakeTripay, type FakeTripay } from '../../../test/helpers/fake-tripay.js';
import type { CreatePaymentInput, PaymentGateway } from './payment-gateway.js';
import { createTripayGateway, mapTripayStatus, tripaySignature } from './tripay.js';

const API_KEY = 'DEV-TestApiKey0123456789abcdefABCDEF';
const PRIVATE_KEY = 'Pr1v4-teK3y-t3st-0123-456789';
const MERCHANT = 'T12345';
const SECRETS = [API_KEY, PRIVATE_KEY];

let seq = 0;
const input = (over: Partial<CreatePaymentInput> = {}): CreatePaymentInput => ({
  orderId: `INV-2026-12-000777-${++seq}`,
  amount: 150000,
  invoiceNumber: 'INV-2026-12-000777',
  description: 'Internet 20 Mbps, Desember 2026',
  customer: { name: 'Budi Santoso', email: 'budi@example.id', phone: '081234567890' },
  returnUrl: 'https://isp.example.id/pay/done',
  expiresInMinutes: 60,
  ...over,
});

let fake: FakeTripay;
let gateway: PaymentGateway;
const NOW = Date.parse('2026-12-18T05:00:00Z');

before(async () => {
  fake = await startFakeTripay({ apiKey: API_KEY, privateKey: PRIVATE_KEY, merchantCode: MERCHANT, feeCustomer: 1500 });
  gateway = createTripayGateway({ apiKey: API_KEY, privateKey: PRIVATE_KEY, merchantCode: MERCHANT, method: 'BRIVA', callbackUrl: 'https://isp.example.id/webhooks/tripay', apiUrl: fake.url, timeoutMs: 2000, now: () => NOW });
});
after(() => fake.close());

describe('createPayment', () => {
  test('a signed closed transaction: checkout_url as URL, Tripay reference kept', async () => {
    const i = input();
    const link = await gateway.createPayment(i);
    const t = fake.transactions.get(link.reference!)!;
    assert.deepEqual(link, { orderId: i.orderId, url: t.checkout_url, reference: t.reference });
    const req = fake.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.authorized], ['POST', '/transaction/create', true]);
    assert.deepEqual(req.body, {
      method: 'BRIVA', merchant_ref: i.orderId, amount: 150000, customer_name: 'Budi Santoso',
      customer_email: 'budi@example.id', customer_phone: '081234567890',
      order_items: [{ sku: 'INV-2026-12-000777', name: 'Internet 20 Mbps, Desember 2026', price: 150000, quantity: 1 }],
      expired_time: NOW / 1000 + 3600,
      signature: crypto.createHmac('sha256', PRIVATE_KEY).update(`${MERCHANT}${i.orderId}150000`).digest('hex'),
      callback_url: 'https://isp.example.id/webhooks/tripay', return_url: 'https://isp.example.id/pay/done',
    });
  });

  test('a wrong private key is refused by Tripay (400 Invalid signature) without showing a key', async () => {
    const g = createTripayGateway({ apiKey: API_KEY, privateKey: 'guessed-private-key-000', merchantCode: MERCHANT, apiUrl: fake.url });
    const err = await rejectionWithoutSecrets(g.createPayment(input()), [...SECRETS, 'guessed-private-key-000']);
    assert.equal(err.code, 'payment_gateway_refused');
    assert.match(err.message, /HTTP 400: Invalid signature/);
  });

  test('a wrong API key (401) is refused; Tripay down (503) is unavailable; neither shows a key', async () => {
    const wrong = createTripayGateway({ apiKey: 'DEV-wrong-key-000000000', privateKey: PRIVATE_KEY, merchantCode: MERCHANT, apiUrl: fake.url });
    assert.equal((await rejectionWithoutSecrets(wrong.createPayment(input()), [...SECRETS, 'DEV-wrong-key-000000000'])).code, 'payment_gateway_refused');
    fake.setDown(true);
    try {
      assert.equal((await rejectionWithoutSecrets(gateway.createPayment(input()), SECRETS)).code, 'payment_gateway_unavailable');
    } finally {
      fake.setDown(false);
    }
  });

  test('a fraction of a rupiah throws before any request', async () => {
    const n = fake.requests.length;
    await assert.rejects(gateway.createPayment(input({ amount: 1500.5 })), RangeError);
    assert.equal(fake.requests.length, n);
  });
});

describe('fetchStatus', () => {
  test('UNPAID → pending, PAID → settled for the order amount (the customer fee taken out), by reference and by merchant_ref', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    assert.deepEqual(await gateway.fetchStatus(i.orderId, reference), { orderId: i.orderId, status: 'pending', amount: 150000, paymentType: 'BRIVA', reference });
    fake.pay(i.orderId);
    const paid = { orderId: i.orderId, status: 'settled', amount: 150000, paymentType: 'BRIVA', reference };
    assert.deepEqual(await gateway.fetchStatus(i.orderId, reference), paid);
    assert.equal(fake.requests.at(-1)!.path, `/transaction/detail?reference=${reference}`);
    assert.deepEqual(await gateway.fetchStatus(i.orderId, null), paid);
    assert.equal(fake.requests.at(-1)!.path, `/merchant/transactions?merchant_ref=${i.orderId}`);
  });

  test('EXPIRED → expired; an unknown reference or order → null; Tripay down → a 502 without keys', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    fake.expire(i.orderId);
    assert.equal((await gateway.fetchStatus(i.orderId, reference))?.status, 'expired');
    assert.equal(await gateway.fetchStatus(i.orderId, 'DEV-T000NOPE'), null);
    assert.equal(await gateway.fetchStatus('INV-NEVER-ISSUED', null), null);
    fake.setDown('hang');
    try {
      assert.equal((await rejectionWithoutSecrets(gateway.fetchStatus(i.orderId, reference), SECRETS)).code, 'payment_gateway_unavailable');
    } finally {
      fake.setDown(false);
    }
  });

  test('status mapping', () => {
    assert.deepEqual(['UNPAID', 'PAID', 'EXPIRED', 'FAILED', 'REFUND', 'WHAT'].map(mapTripayStatus), ['pending', 'settled', 'expired', 'failed', 'refunded', 'pending']);
    assert.equal(tripaySignature('k', 'T1', 'R1', 5), crypto.createHmac('sha256', 'k').update('T1R15').digest('hex'));
  });
});

describe('verifyNotification', () => {
  const sign = (raw: string, key = PRIVATE_KEY): string => crypto.createHmac('sha256', key).update(raw).digest('hex');
  const headers = (raw: string, over: Record<string, string | undefined> = {}): Record<string, string | undefined> =>
    ({ 'x-callback-event': 'payment_status', 'x-callback-signature': sign(raw), ...over });

  test('a genuine callback: merchant_ref, reference, paid claim and an event key per status', async () => {
    const i = input();
    await gateway.createPayment(i);
    fake.pay(i.orderId);
    const raw = JSON.stringify(fake.callbackBody(i.orderId));
    const v = gateway.verifyNotification(Buffer.from(raw), headers(raw));
    const t = [...fake.transactions.values()].find((x) => x.merchant_ref === i.orderId)!;
    assert.deepEqual({ ...v, payload: undefined }, { eventKey: `${t.reference}:PAID`, orderId: i.orderId, reference: t.reference, claimsPaid: true, payload: undefined });
    // Upper-case hex is the same signature.
    assert.ok(gateway.verifyNotification(Buffer.from(raw), headers(raw, { 'x-callback-signature': sign(raw).toUpperCase() })));
  });

  test('forged, re-serialised, unsigned or another event → null', () => {
    const body = { reference: 'DEV-T1', merchant_ref: 'INV-1', status: 'PAID', total_amount: 150000 };
    const raw = JSON.stringify(body);
    const pretty = JSON.stringify(body, null, 2);
    for (const [what, b, h] of [
      ['another key', raw, headers(raw, { 'x-callback-signature': sign(raw, 'other-private-key') })],
      ['no signature', raw, headers(raw, { 'x-callback-signature': undefined })],
      ['signature of another body', pretty, headers(raw)],
      ['tampered status', raw.replace('PAID', 'PAID '), headers(raw)],
      ['not hex', raw, headers(raw, { 'x-callback-signature': 'z'.repeat(64) })],
      ['wrong event', raw, headers(raw, { 'x-callback-event': 'payout_status' })],
      ['no event', raw, headers(raw, { 'x-callback-event': undefined })],
      ['not JSON', '{"reference":', headers('{"reference":')],
      ['no merchant_ref', JSON.stringify({ reference: 'R', status: 'PAID' }), headers(JSON.stringify({ reference: 'R', status: 'PAID' }))],
    ] as const) {
      assert.equal(gateway.verifyNotification(Buffer.from(b), h), null, what);
    }
  });
});
