import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeWhatsAppCloud, type FakeProvider } from '../../../test/helpers/fake-messaging.js';
import type { OutgoingMessage } from '../channel.js';
import { createWhatsAppCloudChannel } from './whatsapp-cloud.js';

const TOKEN = 'EAAG-test-token-123456';
const PHONE_NUMBER_ID = '106540352242922';
let fake: FakeProvider;

before(async () => {
  fake = await startFakeWhatsAppCloud({ token: TOKEN, phoneNumberId: PHONE_NUMBER_ID });
});
after(async () => {
  await fake.close();
});

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  recipient: '0812-3456-7890',
  subject: 'Tagihan internet INV-2026-11-000123',
  text: 'Yth. Bapak/Ibu Budi Santoso, …',
  template: 'invoice_issued',
  locale: 'id',
  params: { customerName: 'Budi Santoso', invoiceNumber: 'INV-2026-11-000123', amount: 'Rp 150.000', dueDate: '1 Desember 2026', payUrl: 'https://pay.example/abc', companyName: 'Net Desa' },
  ...over,
});

const channel = (over: Partial<Parameters<typeof createWhatsAppCloudChannel>[0]> = {}) =>
  createWhatsAppCloudChannel({ apiUrl: fake.url, token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, timeoutMs: 2000, ...over });

test('sends the approved template with body parameters in order, to the normalised number', async () => {
  const result = await channel().send(message());
  assert.equal(result.ok, true);
  assert.match(result.ok ? (result.providerId ?? '') : '', /^wamid\./);
  const req = fake.requests.at(-1)!;
  assert.equal(req.method, 'POST');
  assert.equal(req.path, `/v21.0/${PHONE_NUMBER_ID}/messages`);
  assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
  assert.match(String(req.headers['content-type']), /^application\/json/);
  assert.deepEqual(req.body, {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '6281234567890',
    type: 'template',
    template: {
      name: 'invoice_issued',
      language: { code: 'id' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Budi Santoso' },
            { type: 'text', text: 'INV-2026-11-000123' },
            { type: 'text', text: 'Rp 150.000' },
            { type: 'text', text: '1 Desember 2026' },
            { type: 'text', text: 'https://pay.example/abc' },
          ],
        },
      ],
    },
  });
});

test('English, a renamed template, a missing param as "-" and newlines folded', async () => {
  const result = await channel({ templateNames: { staff_alert: 'noc_alert' } }).send(message({ template: 'staff_alert', locale: 'en', params: { message: 'CoA failed\n\tfor  NAS 1' } }));
  assert.equal(result.ok, true);
  const body = fake.requests.at(-1)!.body as { template: unknown };
  assert.deepEqual(body.template, { name: 'noc_alert', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'CoA failed for NAS 1' }] }] });

  await channel().send(message({ template: 'suspended', params: { customerName: 'Budi', invoiceNumber: 'INV-9', amount: 'Rp 1' } }));
  const params = (fake.requests.at(-1)!.body as { template: { components: Array<{ parameters: Array<{ text: string }> }> } }).template.components[0]!.parameters;
  assert.deepEqual(params.map((p) => p.text), ['Budi', 'INV-9', 'Rp 1', '-']);
});

test('429 and 5xx are retryable, an unknown template (400) is not; errors never carry the token', async () => {
  fake.failNext(429);
  const limited = await channel().send(message());
  assert.deepEqual(limited.ok ? null : [limited.retryable, /130429/.test(limited.error)], [true, true]);

  fake.failNext(500);
  const down = await channel().send(message());
  assert.equal(!down.ok && down.retryable, true);

  fake.failNext(400);
  const unknown = await channel().send(message());
  assert.equal(unknown.ok, false);
  assert.equal(!unknown.ok && unknown.retryable, false);
  assert.match(!unknown.ok ? unknown.error : '', /HTTP 400.*132001/);

  const badToken = await channel({ token: 'wrong-token-value' }).send(message());
  assert.equal(!badToken.ok && badToken.retryable, false);
  for (const r of [limited, down, unknown, badToken]) assert.ok(!r.ok && !r.error.includes(TOKEN) && !r.error.includes('wrong-token-value'));
});

test("Meta's throttling codes are retryable even with HTTP 400", async () => {
  fake.answerNext(400, { error: { message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', type: 'OAuthException', code: 131056, fbtrace_id: 'x' } });
  const r = await channel().send(message());
  assert.equal(!r.ok && r.retryable, true);
});

test('a provider that does not answer, or cannot be reached, is retryable', async () => {
  fake.stallNext();
  const slow = await channel({ timeoutMs: 200 }).send(message());
  assert.deepEqual(slow.ok ? null : [slow.retryable, slow.error], [true, 'whatsapp: no answer within 200 ms']);

  const refused = await createWhatsAppCloudChannel({ apiUrl: 'http://127.0.0.1:1/v21.0', token: TOKEN, phoneNumberId: PHONE_NUMBER_ID }).send(message());
  assert.equal(!refused.ok && refused.retryable, true);
});

test('a recipient that is not a phone number fails without a request', async () => {
  const before = fake.requests.length;
  const r = await channel().send(message({ recipient: 'budi@example.com' }));
  assert.deepEqual(r, { ok: false, retryable: false, error: 'whatsapp: recipient is not a phone number' });
  assert.equal(fake.requests.length, before);
});
