/**
 * The Duitku gateway against the fake Duitku (test/helpers/fake-duitku.ts): the MD5-signed
 * inquiry, the status API, the form-encoded callback's MD5 signature, and failures without keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { rejectionWithoutSecrets } from '../../../test/helpers/gateway-checks.js';
import { startFakeDuitku, type FakeDuitku } from '../../../test/helpers/fake-duitku.js';
import type { CreatePaymentInput, PaymentGateway } from './payment-gateway.js';
import { createDuitkuGateway, duitkuRupiah, mapDuitkuStatus } from './duitku.js';

const MERCHANT = 'D0001';
const API_KEY = '732B39FC61796845775D2C4FB05332AF';
const CALLBACK = 'https://isp.example.id/webhooks/duitku';
const md5 = (s: string): string => crypto.createHash('md5').update(s).digest('hex');

let seq = 0;
const input = (over: Partial<CreatePaymentInput> = {}): CreatePaymentInput => ({
  orderId: `INV-2026-12-000888-${++seq}`,
  amount: 150000,
  invoiceNumber: 'INV-2026-12-000888',
  description: 'Internet 20 Mbps, Desember 2026',
  customer: { name: 'Siti Aminah', email: 'siti@example.id', phone: '081298765432' },
  returnUrl: 'https://isp.example.id/pay/done',
  expiresInMinutes: 60,
  ...over,
});

let fake: FakeDuitku;
let gateway: PaymentGateway;

before(async () => {
  fake = await startFakeDuitku({ merchantCode: MERCHANT, apiKey: API_KEY });
  gateway = createDuitkuGateway({ merchantCode: MERCHANT, apiKey: API_KEY, paymentMethod: 'BC', callbackUrl: CALLBACK, apiUrl: fake.url, timeoutMs: 2000 });
});
after(() => fake.close());

describe('createPayment', () => {
  test('a signed inquiry: paymentUrl as URL, Duitku reference kept', async () => {
    const i = input();
    const link = await gateway.createPayment(i);
    const t = fake.transactions.get(i.orderId)!;
    assert.equal(link.reference, t.reference);
    assert.equal(link.url, `${fake.url}/redirect_checkout?reference=${t.reference}`);
    assert.deepEqual(fake.requests.at(-1), {
      path: '/webapi/api/merchant/v2/inquiry',
      body: {
        merchantCode: MERCHANT, paymentAmount: 150000, paymentMethod: 'BC', merchantOrderId: i.orderId,
        productDetails: 'Internet 20 Mbps, Desember 2026', customerVaName: 'Siti Aminah',
        itemDetails: [{ name: 'Internet 20 Mbps, Desember 2026', price: 150000, quantity: 1 }],
        callbackUrl: CALLBACK, returnUrl: 'https://isp.example.id/pay/done', expiryPeriod: 60,
        signature: md5(`${MERCHANT}${i.orderId}150000${API_KEY}`), email: 'siti@example.id', phoneNumber: '081298765432',
      },
    });
  });

  test('a wrong API key is refused (401 Wrong signature); Duitku down is unavailable; no key shown', async () => {
    const wrong = 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF';
    const g = createDuitkuGateway({ merchantCode: MERCHANT, apiKey: wrong, callbackUrl: CALLBACK, apiUrl: fake.url });
    const err = await rejectionWithoutSecrets(g.createPayment(input()), [wrong, API_KEY]);
    assert.equal(err.code, 'payment_gateway_refused');
    assert.match(err.message, /HTTP 401: Wrong signature/);
    fake.setDown(true);
    try {
      assert.equal((await rejectionWithoutSecrets(gateway.createPayment(input()), [API_KEY])).code, 'payment_gateway_unavailable');
    } finally {
      fake.setDown(false);
    }
  });
});

describe('fetchStatus', () => {
  test('"01" pending, "00" settled, "02" expired; an unknown order → null; a hang → 502 without keys', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    assert.deepEqual(await gateway.fetchStatus(i.orderId, reference), { orderId: i.orderId, status: 'pending', amount: 150000, paymentType: null, reference });
    fake.pay(i.orderId);
    assert.equal((await gateway.fetchStatus(i.orderId, null))?.status, 'settled');
    assert.deepEqual(fake.requests.at(-1)!.body, { merchantCode: MERCHANT, merchantOrderId: i.orderId, signature: md5(`${MERCHANT}${i.orderId}${API_KEY}`) });
    fake.expire(i.orderId);
    assert.equal((await gateway.fetchStatus(i.orderId, null))?.status, 'expired');
    assert.equal(await gateway.fetchStatus('INV-NEVER-ISSUED', null), null);
    fake.setDown('hang');
    try {
      assert.equal((await rejectionWithoutSecrets(gateway.fetchStatus(i.orderId, null), [API_KEY])).code, 'payment_gateway_unavailable');
    } finally {
      fake.setDown(false);
    }
  });

  test('amounts and status codes', () => {
    assert.deepEqual(['150000', '150000.00', 150000].map((v) => duitkuRupiah(v, 'amount')), [150000, 150000, 150000]);
    for (const bad of ['150000.50', '1,500', '', null, -1]) assert.throws(() => duitkuRupiah(bad, 'amount'));
    assert.deepEqual(['00', '01', '02', 'XX'].map(mapDuitkuStatus), ['settled', 'pending', 'expired', 'pending']);
  });
});

describe('verifyNotification', () => {
  test('a genuine form callback: orderId, reference, paid claim, event key per result code; the signature not kept', async () => {
    const i = input();
    await gateway.createPayment(i);
    fake.pay(i.orderId);
    const form = fake.callbackForm(i.orderId);
    const v = gateway.verifyNotification(Buffer.from(new URLSearchParams(form).toString()), { 'content-type': 'application/x-www-form-urlencoded' })!;
    assert.equal(v.eventKey, `${form.reference}:00`);
    assert.deepEqual([v.orderId, v.reference, v.claimsPaid], [i.orderId, form.reference, true]);
    assert.equal('signature' in (v.payload as object), false);
  });

  test('forged, tampered, another merchant, repeated or missing fields → null', async () => {
    const i = input();
    await gateway.createPayment(i);
    fake.pay(i.orderId);
    const form = fake.callbackForm(i.orderId);
    const enc = (f: Record<string, string>): Buffer => Buffer.from(new URLSearchParams(f).toString());
    const cases: Array<[string, Buffer]> = [
      ['signed with another key', enc(fake.callbackForm(i.orderId, { apiKey: 'guessed' }))],
      ['tampered amount', enc({ ...form, amount: '1500000' })],
      ['another order under this signature', enc({ ...form, merchantOrderId: `${i.orderId}0` })],
      ['another merchant', enc({ ...form, merchantCode: 'D9999' })],
      ['no signature', enc(Object.fromEntries(Object.entries(form).filter(([k]) => k !== 'signature')))],
      ['no reference', enc({ ...form, reference: '' })],
      ['two signatures', Buffer.from(`${new URLSearchParams(form).toString()}&signature=${'0'.repeat(32)}`)],
      ['empty', Buffer.from('')],
    ];
    for (const [what, body] of cases) assert.equal(gateway.verifyNotification(body, {}), null, what);
  });
});
