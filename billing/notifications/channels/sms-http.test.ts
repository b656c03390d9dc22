import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeSmsGateway, type FakeProvider } from '../../../test/helpers/fake-messaging.js';
import type { OutgoingMessage } from '../channel.js';
import { createSmsHttpChannel } from './sms-http.js';

const TOKEN = 'sms-gateway-token-42';
let fake: FakeProvider;

before(async () => {
  fake = await startFakeSmsGateway({ token: TOKEN });
});
after(async () => {
  await fake.close();
});

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  recipient: '081234567890',
  subject: 'Pengingat',
  text: 'Yth. Bapak/Ibu Budi, tagihan INV-1 sebesar Rp 150.000 jatuh tempo 1 Desember 2026.',
  template: 'payment_reminder',
  locale: 'id',
  params: {},
  ...over,
});
const channel = (token = TOKEN) => createSmsHttpChannel({ url: `${fake.url}/send`, token, timeoutMs: 2000 });

test('posts JSON { to, text } with a Bearer token', async () => {
  const r = await channel().send(message());
  assert.deepEqual(r, { ok: true, providerId: 'sms-1' });
  const req = fake.requests.at(-1)!;
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/send');
  assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
  assert.deepEqual(req.body, { to: '6281234567890', text: message().text });
});

test('400 and 401 are permanent; 429 and 500 are retried', async () => {
  fake.failNext(400);
  const invalid = await channel().send(message());
  assert.deepEqual(invalid, { ok: false, retryable: false, error: 'sms HTTP 400: invalid destination number' });
  const unauthorized = await channel('not-the-token').send(message());
  assert.deepEqual(unauthorized, { ok: false, retryable: false, error: 'sms HTTP 401: invalid token' });
  fake.failNext(429);
  fake.failNext(503);
  const [limited, down] = [await channel().send(message()), await channel().send(message())];
  assert.equal(!limited.ok && limited.retryable, true);
  assert.equal(!down.ok && down.retryable, true);
});

test('a number that cannot be normalised is refused before any request', async () => {
  const n = fake.requests.length;
  assert.deepEqual(await channel().send(message({ recipient: '12-34' })), { ok: false, retryable: false, error: 'sms: recipient is not a phone number' });
  assert.equal(fake.requests.length, n);
});
