/**
 * The Xendit gateway through the official xendit-node SDK against the fake Xendit
 * (test/helpers/fake-xendit.ts): invoices, their status by id or external_id, callbacks with the
 * `x-callback-token` header captured by a local webhook receiver, and failures that never leak
 * the secret key or the callback token.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { rejectionWithoutSecrets, startCatcher as startGatewayCatcher, type Catcher } from '../../../test/helpers/gateway-checks.js';
import type { AppError } from '../../../lib/errors.js';
import { startFakeXendit, type FakeXendit } from '../../../test/helpers/fake-xendit.js';
import type { CreatePaymentInput, PaymentGateway } from './payment-gateway.js';
import { createXenditGateway, mapXenditStatus } from './xendit.js';

const SECRET_KEY = 'xnd_development_Te5tS3cr3tK3y0123456789abcdef';
const CALLBACK_TOKEN = 'cbtok_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const SECRETS = [SECRET_KEY, Buffer.from(`${SECRET_KEY}:`).toString('base64'), CALLBACK_TOKEN];

const startCatcher = (status = 200): Promise<Catcher> => startGatewayCatcher('/webhooks/xendit', status);
const rejection = (p: Promise<unknown>, secrets: string[] = SECRETS): Promise<AppError> => rejectionWithoutSecrets(p, secrets);

let seq = 0;
const input = (over: Partial<CreatePaymentInput> = {}): CreatePaymentInput => ({
  orderId: `INV-2026-11-000456-${++seq}`,
  amount: 150000,
  invoiceNumber: 'INV-2026-11-000456',
  description: 'Internet 20 Mbps, November 2026',
  customer: { name: 'Budi Santoso', email: 'budi@example.id', phone: '0812-3456-7890' },
  returnUrl: 'https://isp.example.id/portal/payments/return',
  expiresInMinutes: 60,
  ...over,
});

let fake: FakeXendit;
let gateway: PaymentGateway;
let hook: Catcher;

before(async () => {
  fake = await startFakeXendit({ secretKey: SECRET_KEY, callbackToken: CALLBACK_TOKEN });
  gateway = createXenditGateway({ secretKey: SECRET_KEY, callbackToken: CALLBACK_TOKEN, apiUrl: fake.url, timeoutMs: 300 });
  hook = await startCatcher();
});
after(async () => {
  await fake.close();
  await hook.close();
});

describe('createPayment', () => {
  test('creates an invoice: invoice_url as URL, invoice id as reference, the real request body', async () => {
    const i = input();
    const link = await gateway.createPayment(i);
    const inv = [...fake.invoices.values()].find((x) => x.external_id === i.orderId);
    assert.ok(inv);
    assert.deepEqual(link, { orderId: i.orderId, url: `${fake.url}/web/${inv.id}`, reference: inv.id });
    assert.equal(inv.status, 'PENDING');
    const req = fake.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.authorized], ['POST', '/v2/invoices/', true]);
    assert.deepEqual(req.body, {
      external_id: i.orderId,
      amount: 150000,
      currency: 'IDR',
      description: 'Internet 20 Mbps, November 2026',
      payer_email: 'budi@example.id',
      success_redirect_url: 'https://isp.example.id/portal/payments/return',
      invoice_duration: 3600,
      customer: { given_names: 'Budi Santoso', email: 'budi@example.id', mobile_number: '+6281234567890' },
    });
  });

  test('optional fields are left out; a phone that is not Indonesian or E.164 is dropped', async () => {
    await gateway.createPayment(
      input({ customer: { name: 'Siti', email: null, phone: '12-34' }, returnUrl: undefined, expiresInMinutes: undefined }),
    );
    const body = fake.requests.at(-1)!.body as Record<string, unknown>;
    assert.deepEqual(body.customer, { given_names: 'Siti' });
    for (const k of ['payer_email', 'success_redirect_url', 'invoice_duration']) assert.equal(k in body, false, k);
  });

  test('a non-integer amount throws before any request', async () => {
    const before = fake.requests.length;
    await assert.rejects(gateway.createPayment(input({ amount: 1500.5 })), RangeError);
    assert.equal(fake.requests.length, before);
  });

  test('a wrong secret key (401) is refused without showing that key', async () => {
    const wrongKey = 'xnd_development_WRONG000000000000000';
    const g = createXenditGateway({ secretKey: wrongKey, callbackToken: CALLBACK_TOKEN, apiUrl: fake.url });
    const err = await rejection(g.createPayment(input()), [wrongKey, Buffer.from(`${wrongKey}:`).toString('base64'), CALLBACK_TOKEN]);
    assert.equal(err.code, 'payment_gateway_refused');
    assert.match(err.message, /HTTP 401 INVALID_API_KEY/);
  });

  test('Xendit down (503) → payment_gateway_unavailable', async () => {
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
  test('pending, then settled after payment, by invoice id and by external_id', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    assert.deepEqual(await gateway.fetchStatus(i.orderId, reference), {
      orderId: i.orderId,
      status: 'pending',
      amount: 150000,
      paymentType: null,
      reference,
    });
    assert.equal(fake.requests.at(-1)!.path, `/v2/invoices/${reference}`);
    fake.pay(i.orderId, { paymentMethod: 'QR_CODE', paymentChannel: 'QRIS' });
    const paid = { orderId: i.orderId, status: 'settled', amount: 150000, paymentType: 'QRIS', reference };
    assert.deepEqual(await gateway.fetchStatus(i.orderId, reference), paid);
    assert.deepEqual(await gateway.fetchStatus(i.orderId, null), paid);
    assert.equal(fake.requests.at(-1)!.path, `/v2/invoices?external_id=${i.orderId}`);
    fake.settle(reference!);
    assert.deepEqual(await gateway.fetchStatus(i.orderId, reference), paid);
  });

  test('the amount is what was paid (paid_amount), which the SDK model leaves out', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    fake.pay(reference!, { amount: 100000 });
    const s = await gateway.fetchStatus(i.orderId, reference);
    assert.equal(s?.amount, 100000);
    assert.equal(s?.paymentType, 'BCA');
  });

  test('expired', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    fake.expire(i.orderId);
    assert.equal((await gateway.fetchStatus(i.orderId, reference))?.status, 'expired');
  });

  test('unknown invoice id, unknown external_id, or an id of another order → null', async () => {
    assert.equal(await gateway.fetchStatus('INV-X', '0123456789abcdef01234567'), null);
    assert.equal(await gateway.fetchStatus('INV-NEVER-CREATED', null), null);
    const { reference } = await gateway.createPayment(input());
    assert.equal(await gateway.fetchStatus('INV-SOMEONE-ELSE', reference), null);
  });

  test('two invoices for one external_id (a create retried after a timeout): the paid one wins', async () => {
    const i = input();
    await gateway.createPayment(i);
    const second = await gateway.createPayment(i);
    const first = [...fake.invoices.values()].find((x) => x.external_id === i.orderId && x.id !== second.reference)!;
    fake.pay(first.id);
    const s = await gateway.fetchStatus(i.orderId, null);
    assert.deepEqual([s?.status, s?.reference], ['settled', first.id]);
  });

  test('API down (503), hanging (timeout) or unreachable → throws without secrets', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    fake.setDown(true);
    try {
      const err = await rejection(gateway.fetchStatus(i.orderId, reference));
      assert.equal(err.code, 'payment_gateway_unavailable');
      assert.match(err.message, /HTTP 503 SERVER_ERROR/);
      fake.setDown('hang');
      const started = Date.now();
      const timeout = await rejection(gateway.fetchStatus(i.orderId, reference));
      assert.match(timeout.message, /no answer within 300 ms/);
      assert.ok(Date.now() - started < 3000);
      await rejection(gateway.fetchStatus(i.orderId, null));
    } finally {
      fake.setDown(false);
    }
    const gone = http.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const g = createXenditGateway({ secretKey: SECRET_KEY, callbackToken: CALLBACK_TOKEN, apiUrl: `http://127.0.0.1:${port}` });
    const refused = await rejection(g.fetchStatus(i.orderId, reference));
    assert.match(refused.message, /ECONNREFUSED/);
  });

  test('a fraction of a rupiah paid throws', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    fake.pay(reference!, { amount: 1500.5 });
    await assert.rejects(gateway.fetchStatus(i.orderId, reference), /not a whole rupiah amount/);
  });
});

describe('verifyNotification', () => {
  async function deliver(id: string, opts?: Parameters<FakeXendit['notify']>[2]) {
    const res = await fake.notify(id, hook.url, opts);
    assert.equal(res.status, 200);
    return hook.received.at(-1)!;
  }
  async function paidInvoice(): Promise<{ orderId: string; id: string }> {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    fake.pay(reference!);
    return { orderId: i.orderId, id: reference! };
  }

  test('accepts the real callback with its token: event key, external_id, invoice id, payload', async () => {
    const { orderId, id } = await paidInvoice();
    const got = await deliver(id);
    assert.equal(got.headers['x-callback-token'], CALLBACK_TOKEN);
    const v = gateway.verifyNotification(got.body, got.headers);
    assert.ok(v);
    assert.deepEqual([v.eventKey, v.orderId, v.reference], [`${id}:PAID`, orderId, id]);
    const payload = v.payload as Record<string, unknown>;
    assert.deepEqual(payload, JSON.parse(got.body.toString('utf8')));
    assert.deepEqual([payload.amount, payload.paid_amount, payload.payment_method, payload.payment_channel], [150000, 150000, 'BANK_TRANSFER', 'BCA']);
  });

  test('the header name is matched in any case', async () => {
    const { id } = await paidInvoice();
    const got = await deliver(id);
    assert.ok(gateway.verifyNotification(got.body, { 'X-CALLBACK-TOKEN': CALLBACK_TOKEN }));
  });

  test('the same callback twice has one event key; PAID then SETTLED are two events', async () => {
    const { id } = await paidInvoice();
    const first = await deliver(id);
    const again = await deliver(id);
    fake.settle(id);
    const settled = await deliver(id);
    const [a, b, c] = [first, again, settled].map((g) => gateway.verifyNotification(g.body, g.headers));
    assert.ok(a && b && c);
    assert.equal(a.eventKey, b.eventKey);
    assert.notEqual(a.eventKey, c.eventKey);
    assert.equal(c.eventKey, `${id}:SETTLED`);
  });

  test('an expiry callback is an event of its own', async () => {
    const i = input();
    const { reference } = await gateway.createPayment(i);
    fake.expire(reference!);
    const got = await deliver(reference!);
    assert.equal(gateway.verifyNotification(got.body, got.headers)?.eventKey, `${reference}:EXPIRED`);
  });

  test('a wrong, shorter, longer, missing or repeated token → null', async () => {
    const { id } = await paidInvoice();
    for (const token of ['cbtok_wrong_but_same_length_000000000', 'x', `${CALLBACK_TOKEN}x`, '']) {
      const got = await deliver(id, { token });
      assert.equal(gateway.verifyNotification(got.body, got.headers), null, token);
    }
    const missing = await deliver(id, { token: null });
    assert.equal(missing.headers['x-callback-token'], undefined);
    assert.equal(gateway.verifyNotification(missing.body, missing.headers), null);
    assert.equal(gateway.verifyNotification(missing.body, {}), null);
    assert.equal(gateway.verifyNotification(missing.body, { 'x-callback-token': [CALLBACK_TOKEN, CALLBACK_TOKEN] }), null);
  });

  test('malformed JSON or a missing id / external_id / status → null, even with the right token', async () => {
    const headers = { 'x-callback-token': CALLBACK_TOKEN };
    for (const raw of ['', '{', 'not json', 'null', '[]', '42']) {
      assert.equal(gateway.verifyNotification(Buffer.from(raw), headers), null, raw);
    }
    const { id } = await paidInvoice();
    for (const field of ['id', 'external_id', 'status']) {
      const got = await deliver(id, { overrides: { [field]: undefined } });
      assert.equal(gateway.verifyNotification(got.body, got.headers), null, field);
    }
  });

  test('the token authenticates the sender, not the body: a changed amount verifies, fetchStatus has the truth', async () => {
    // Xendit invoice callbacks carry no body signature; this is why the worker confirms every
    // event with fetchStatus before recording a payment.
    const { orderId, id } = await paidInvoice();
    const got = await deliver(id, { overrides: { amount: 1000, paid_amount: 1000 } });
    assert.ok(gateway.verifyNotification(got.body, got.headers));
    assert.equal((await gateway.fetchStatus(orderId, id))?.amount, 150000);
  });

  test('a gateway configured without a callback token accepts nothing', async () => {
    const { id } = await paidInvoice();
    const got = await deliver(id, { token: '' });
    const g = createXenditGateway({ secretKey: SECRET_KEY, callbackToken: '', apiUrl: fake.url });
    assert.equal(g.verifyNotification(got.body, got.headers), null);
  });
});

test('Xendit status → GatewayStatus', () => {
  assert.equal(mapXenditStatus('PAID'), 'settled');
  assert.equal(mapXenditStatus('SETTLED'), 'settled');
  assert.equal(mapXenditStatus('PENDING'), 'pending');
  assert.equal(mapXenditStatus('EXPIRED'), 'expired');
  assert.equal(mapXenditStatus('UNKNOWN_ENUM_VALUE'), 'pending');
});
