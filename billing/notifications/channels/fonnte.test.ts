import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeFonnte, type FakeProvider } from '../../../test/helpers/fake-messaging.js';
import type { OutgoingMessage } from '../channel.js';
import { createFonnteChannel } from './fonnte.js';

const TOKEN = 'fonnte-device-token-xyz';
let fake: FakeProvider;

before(async () => {
  fake = await startFakeFonnte({ token: TOKEN });
});
after(async () => {
  await fake.close();
});

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  recipient: '+62 812-3456-7890',
  subject: 'Pembayaran diterima',
  text: 'Yth. Bapak/Ibu Budi,\n\nTerima kasih, pembayaran Anda sebesar Rp 150.000 sudah kami terima.',
  template: 'payment_received',
  locale: 'id',
  params: {},
  ...over,
});
const channel = (token = TOKEN) => createFonnteChannel({ apiUrl: fake.url, token, timeoutMs: 2000 });

test('posts target and message as form fields with the bare token in Authorization', async () => {
  const r = await channel().send(message());
  assert.deepEqual(r, { ok: true, providerId: '80000001' });
  const req = fake.requests.at(-1)!;
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/send');
  assert.equal(req.headers.authorization, TOKEN);
  assert.match(String(req.headers['content-type']), /^application\/x-www-form-urlencoded/);
  assert.deepEqual(req.body, { target: '6281234567890', message: message().text });
});

test('refusals reported with HTTP 200: a bad token is permanent, a disconnected device is not', async () => {
  const bad = await channel('wrong-token').send(message());
  assert.deepEqual(bad, { ok: false, retryable: false, error: 'fonnte refused: token invalid' });

  fake.answerNext(200, { reason: 'device disconnected', status: false });
  const offline = await channel().send(message());
  assert.deepEqual(offline, { ok: false, retryable: true, error: 'fonnte refused: device disconnected' });
});

test('HTTP 429 and 500 are retryable, 400 is not', async () => {
  fake.failNext(429);
  fake.failNext(500);
  fake.failNext(400);
  const results = [await channel().send(message()), await channel().send(message()), await channel().send(message())];
  assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.retryable)), [true, true, false]);
  for (const r of results) assert.ok(!r.ok && !r.error.includes(TOKEN));
});
