import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeTelegram, type FakeProvider } from '../../../test/helpers/fake-messaging.js';
import type { OutgoingMessage } from '../channel.js';
import { createTelegramChannel } from './telegram.js';

const TOKEN = '123456789:AAH-test_bot_token';
let fake: FakeProvider;

before(async () => {
  fake = await startFakeTelegram({ token: TOKEN });
});
after(async () => {
  await fake.close();
});

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  recipient: '-1001234567890',
  subject: '[Net Desa] Peringatan untuk staf',
  text: 'Peringatan untuk staf:\nCoA ke Router Pusat gagal',
  template: 'staff_alert',
  locale: 'id',
  params: { message: 'CoA ke Router Pusat gagal' },
  ...over,
});
const channel = (token = TOKEN) => createTelegramChannel({ apiUrl: fake.url, token, timeoutMs: 2000 });

test('posts chat_id and the subject plus text to /bot{token}/sendMessage', async () => {
  const r = await channel().send(message());
  assert.deepEqual(r, { ok: true, providerId: '1' });
  const req = fake.requests.at(-1)!;
  assert.equal(req.method, 'POST');
  assert.equal(req.path, `/bot${TOKEN}/sendMessage`);
  assert.deepEqual(req.body, { chat_id: '-1001234567890', text: '[Net Desa] Peringatan untuk staf\n\nPeringatan untuk staf:\nCoA ke Router Pusat gagal' });
});

test('429 and 500 are retryable; chat not found and a wrong token are not; the token never shows', async () => {
  fake.failNext(429);
  fake.failNext(500);
  fake.failNext(400);
  const results = [await channel().send(message()), await channel().send(message()), await channel().send(message()), await channel('999:wrong').send(message())];
  assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.retryable)), [true, true, false, false]);
  assert.equal(!results[2]!.ok && results[2]!.error, 'telegram HTTP 400: Bad Request: chat not found');

  fake.answerNext(400, { ok: false, error_code: 400, description: `Bad Request: bot${TOKEN} cannot post here` });
  const echoed = await channel().send(message());
  assert.ok(!echoed.ok && echoed.error.includes('[redacted]') && !echoed.error.includes(TOKEN));
});

test('a long message is cut to 4096 characters', async () => {
  const r = await channel().send(message({ text: 'x'.repeat(5000) }));
  assert.equal(r.ok, true);
  assert.equal((fake.requests.at(-1)!.body as { text: string }).text.length, 4096);
});
