import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { createDb } from '../../lib/db.js';
import { formatRupiah } from '../../lib/money.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { createCustomer } from '../../test/helpers/factories.js';
import { startFakeSmsGateway, startFakeTelegram, startFakeWhatsAppCloud, type FakeProvider } from '../../test/helpers/fake-messaging.js';
import type { ChannelName, NotificationChannel } from './channel.js';
import { createSmsHttpChannel } from './channels/sms-http.js';
import { createTelegramChannel } from './channels/telegram.js';
import { createWhatsAppCloudChannel } from './channels/whatsapp-cloud.js';
import { createNotificationDispatcher, retryDelayMs, type DispatcherOptions } from './dispatch.js';
import { chooseTargets, enqueueNotifications, type CustomerContact, type OutboxEntry } from './enqueue.js';
import type { TemplateName } from './templates.js';
import { loadTemplateOverrides } from './templates.js';

const WA_TOKEN = 'wa-secret-token-0001';
const SMS_TOKEN = 'sms-secret-token-0002';
const TG_TOKEN = '5555:tg-secret-token-0003';

let t: TestDatabase;
let wa: FakeProvider;
let sms: FakeProvider;
let tg: FakeProvider;
let channels: Partial<Record<ChannelName, NotificationChannel>>;
let customerId: number;

/** A clock that only moves when told; it starts ahead of the database's now() so new rows are due. */
class ManualClock implements Clock {
  constructor(public at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}
const clock = new ManualClock(Date.now() + 60_000);

const logLines: Array<Record<string, unknown>> = [];
const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });

const payload = (n = 1) => ({ customerName: 'Budi Santoso', invoiceNumber: `INV-2026-11-${String(n).padStart(6, '0')}`, amount: formatRupiah(150_000), dueDate: '1 Desember 2026', companyName: 'Net Desa' });

function dispatcher(over: Partial<DispatcherOptions> = {}) {
  return createNotificationDispatcher({ db: t.db, channels, clock, log, ...over });
}

/** One outbox row, due at the clock's now unless `notBefore`. */
const put = (e: OutboxEntry): Promise<number> => enqueueNotifications(t.db, [e], clock.now());

/** A customer message on each suitable channel, keyed `${idempotencyKey}:${channel}`, in Indonesian. */
async function toCustomer(m: { customer: CustomerContact & { id: number }; template: TemplateName; payload: Record<string, string>; idempotencyKey: string; channels: ChannelName[] }): Promise<void> {
  for (const target of chooseTargets(m.customer, m.channels)) {
    await put({ ...target, idempotencyKey: `${m.idempotencyKey}:${target.channel}`, customerId: m.customer.id, template: m.template, locale: 'id', payload: m.payload });
  }
}

async function outbox(key: string) {
  return t.db('notification_outbox').where({ idempotency_key: key }).first();
}

before(async () => {
  t = await createTestDatabase();
  wa = await startFakeWhatsAppCloud({ token: WA_TOKEN, phoneNumberId: '1065' });
  sms = await startFakeSmsGateway({ token: SMS_TOKEN });
  tg = await startFakeTelegram({ token: TG_TOKEN });
  channels = {
    whatsapp: createWhatsAppCloudChannel({ apiUrl: wa.url, token: WA_TOKEN, phoneNumberId: '1065', timeoutMs: 2000 }),
    sms: createSmsHttpChannel({ url: `${sms.url}/send`, token: SMS_TOKEN, timeoutMs: 2000 }),
    telegram: createTelegramChannel({ apiUrl: tg.url, token: TG_TOKEN, timeoutMs: 2000 }),
  };
  customerId = (await createCustomer(t.db)).id;
});

after(async () => {
  await Promise.all([wa.close(), sms.close(), tg.close()]);
  await t.drop();
});

beforeEach(async () => {
  await t.db('notification_outbox').delete();
  await t.db('message_templates').delete();
  for (const f of [wa, sms, tg]) f.reset();
  logLines.length = 0;
});

describe('sending', () => {
  test('due rows are sent once and marked sent; a later row waits for its time', async () => {
    await toCustomer({ customer: { id: customerId, phone: '081234567890' }, template: 'invoice_issued', payload: payload(), idempotencyKey: 'inv-1', channels: ['whatsapp'] });
    await toCustomer({ customer: { id: customerId, phone: '081234567891' }, template: 'payment_reminder', payload: payload(), idempotencyKey: 'inv-1-rem', channels: ['sms'] });
    await put({ idempotencyKey: 'alert-1:telegram', channel: 'telegram', recipient: '-100200', template: 'staff_alert', locale: 'id', payload: { message: 'CoA gagal' } });
    await put({ idempotencyKey: 'later', channel: 'sms', recipient: '6281234567892', template: 'payment_reminder', locale: 'id', payload: payload(), notBefore: new Date(clock.at + 3_600_000) });

    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 3, failed: 0, retried: 0 });
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 0, retried: 0 });
    assert.equal(wa.requests.length, 1);
    assert.equal(sms.requests.length, 1);
    assert.equal(tg.requests.length, 1);

    const row = await outbox('inv-1:whatsapp');
    assert.equal(row.status, 'sent');
    assert.deepEqual(row.sent_at, clock.now());
    assert.equal(row.attempts, 1);
    assert.equal(row.last_error, null);
    assert.match((sms.requests[0]!.body as { text: string }).text, /^Yth\. Bapak\/Ibu Budi Santoso,\n\n.*INV-2026-11-000001 sebesar Rp 150\.000/s);
    assert.match((tg.requests[0]!.body as { text: string }).text, /^\[Net Desa\]|^Peringatan untuk staf/);

    clock.advance(3_600_000);
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 1, failed: 0, retried: 0 });
    assert.equal((await outbox('later')).status, 'sent');
  });

  test('the limit caps one pass', async () => {
    for (let i = 0; i < 5; i++) await put({ idempotencyKey: `cap-${i}`, channel: 'sms', recipient: '6281234567890', template: 'payment_reminder', locale: 'id', payload: payload(i) });
    assert.deepEqual(await dispatcher().dispatchDue(2), { sent: 2, failed: 0, retried: 0 });
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 3, failed: 0, retried: 0 });
  });

  test('each send is logged with template, channel and customer id, never the text, number or token', async () => {
    await toCustomer({ customer: { id: customerId, phone: '081234567890' }, template: 'invoice_issued', payload: payload(), idempotencyKey: 'log-1', channels: ['whatsapp'] });
    await dispatcher().dispatchDue();
    const sent = logLines.filter((l) => l.msg === 'notification sent');
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.level, 30);
    assert.deepEqual([sent[0]!.template, sent[0]!.channel, sent[0]!.customerId, sent[0]!.attempt], ['invoice_issued', 'whatsapp', customerId, 1]);
    const all = JSON.stringify(logLines);
    for (const secret of ['6281234567890', 'Budi Santoso', 'Rp 150.000', WA_TOKEN]) assert.ok(!all.includes(secret), secret);
  });

  test('a staff-edited template from message_templates is used', async () => {
    await t.db('message_templates').insert({ template: 'payment_reminder', locale: 'id', subject: 'Pengingat', body: 'Halo {{customerName}}, tagihan {{invoiceNumber}} {{amount}} belum dibayar.' });
    await put({ idempotencyKey: 'edited', channel: 'sms', recipient: '6281234567890', template: 'payment_reminder', locale: 'id', payload: payload(7) });
    await dispatcher({ templateOverrides: () => loadTemplateOverrides(t.db) }).dispatchDue();
    assert.equal((sms.requests[0]!.body as { text: string }).text, 'Halo Budi Santoso, tagihan INV-2026-11-000007 Rp 150.000 belum dibayar.');
  });
});

describe('failures', () => {
  test('500 then 429 are retried with exponential backoff, then sent', async () => {
    await put({ idempotencyKey: 'retry', channel: 'whatsapp', recipient: '6281234567890', customerId, template: 'invoice_issued', locale: 'id', payload: payload() });
    wa.failNext(500);
    wa.failNext(429);
    const start = clock.at;

    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 0, retried: 1 });
    let row = await outbox('retry');
    assert.deepEqual([row.status, row.attempts, row.next_attempt_at.getTime() - start], ['pending', 1, 30_000]);
    assert.match(row.last_error, /^whatsapp HTTP 500/);

    clock.advance(29_000);
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 0, retried: 0 }, 'not due before its time');
    clock.advance(1_000);
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 0, retried: 1 });
    row = await outbox('retry');
    assert.deepEqual([row.attempts, row.next_attempt_at.getTime() - clock.at], [2, 60_000]);
    assert.match(row.last_error, /^whatsapp HTTP 429: \(#130429\) Rate limit hit/);

    clock.advance(60_000);
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 1, failed: 0, retried: 0 });
    row = await outbox('retry');
    assert.deepEqual([row.status, row.attempts, row.last_error], ['sent', 3, null]);
    assert.equal(wa.requests.length, 3);
  });

  test('the backoff doubles from 30 s and stops growing at 1 h', () => {
    assert.deepEqual([0, 1, 2, 3, 6, 7, 20].map(retryDelayMs), [30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000]);
  });

  test('gives up after maxAttempts', async () => {
    await put({ idempotencyKey: 'down', channel: 'sms', recipient: '6281234567890', template: 'payment_reminder', locale: 'id', payload: payload() });
    sms.failNext(503, 10);
    const d = dispatcher({ maxAttempts: 3 });
    const reports = [];
    for (let i = 0; i < 5; i++) {
      reports.push(await d.dispatchDue());
      clock.advance(3_600_000);
    }
    assert.deepEqual(reports, [
      { sent: 0, failed: 0, retried: 1 },
      { sent: 0, failed: 0, retried: 1 },
      { sent: 0, failed: 1, retried: 0 },
      { sent: 0, failed: 0, retried: 0 },
      { sent: 0, failed: 0, retried: 0 },
    ]);
    const row = await outbox('down');
    assert.deepEqual([row.status, row.attempts], ['failed', 3]);
    assert.match(row.last_error, /^sms HTTP 503: upstream SMSC unavailable \(gave up after 3 attempts\)$/);
    assert.equal(sms.requests.length, 3);
  });

  test('a permanent refusal (400) fails at once', async () => {
    await put({ idempotencyKey: 'unknown-template', channel: 'whatsapp', recipient: '6281234567890', template: 'suspended', locale: 'en', payload: payload() });
    wa.failNext(400);
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 1, retried: 0 });
    const row = await outbox('unknown-template');
    assert.deepEqual([row.status, row.attempts], ['failed', 1]);
    assert.match(row.last_error, /^whatsapp HTTP 400: \(#132001\) Template name does not exist/);
    clock.advance(3_600_000);
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 0, retried: 0 });
    assert.equal(wa.requests.length, 1);
  });

  test('a row for a channel this server has not configured fails with a clear error', async () => {
    await toCustomer({ customer: { id: customerId, email: 'budi@example.co.id' }, template: 'invoice_issued', payload: payload(), idempotencyKey: 'no-smtp', channels: ['email'] });
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 1, retried: 0 });
    const row = await outbox('no-smtp:email');
    assert.deepEqual([row.status, row.last_error], ['failed', 'channel email is not configured on this server']);
  });

  test('a message its template cannot render fails at once, without a send', async () => {
    await put({ idempotencyKey: 'no-amount', channel: 'sms', recipient: '6281234567890', template: 'invoice_issued', locale: 'id', payload: { customerName: 'Budi' } });
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 1, retried: 0 });
    assert.equal((await outbox('no-amount')).last_error, 'template: template invoice_issued: missing invoiceNumber, amount, dueDate');
    assert.equal(sms.requests.length, 0);
  });

  test('a row whose last attempt was interrupted (claimed maxAttempts times) fails without another send', async () => {
    await put({ idempotencyKey: 'crashed', channel: 'sms', recipient: '6281234567890', template: 'payment_reminder', locale: 'id', payload: payload() });
    await t.db('notification_outbox').where({ idempotency_key: 'crashed' }).update({ attempts: 3 });
    assert.deepEqual(await dispatcher({ maxAttempts: 3 }).dispatchDue(), { sent: 0, failed: 1, retried: 0 });
    assert.match((await outbox('crashed')).last_error, /gave up after 3 attempts/);
    assert.equal(sms.requests.length, 0);
  });

  test('a claimed row is hidden from other workers for the lease, then picked up again', async () => {
    await put({ idempotencyKey: 'lease', channel: 'sms', recipient: '6281234567890', template: 'payment_reminder', locale: 'id', payload: payload() });
    sms.stallNext();
    const stuck = createNotificationDispatcher({ db: t.db, channels: { sms: createSmsHttpChannel({ url: `${sms.url}/send`, token: SMS_TOKEN, timeoutMs: 300 }) }, clock, log, leaseMs: 120_000 });
    const first = stuck.dispatchDue();
    while (sms.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(await dispatcher().dispatchDue(), { sent: 0, failed: 0, retried: 0 }, 'another worker does not see the claimed row');
    assert.deepEqual(await first, { sent: 0, failed: 0, retried: 1 });
    assert.match((await outbox('lease')).last_error, /no answer within 300 ms/);
  });
});

describe('concurrency', () => {
  test('two dispatchers on the same database never send a row twice', async () => {
    const N = 40;
    for (let i = 0; i < N; i++) {
      await put({ idempotencyKey: `bulk-${i}`, channel: 'sms', recipient: `628123456${String(i).padStart(4, '0')}`, template: 'invoice_issued', locale: 'id', payload: payload(i) });
    }
    sms.latencyMs = 20;
    // Two pools, as two worker processes would have.
    const otherDb = createDb({ url: t.url, poolMax: 5, applicationName: 'test-worker-2' });
    try {
      const a = createNotificationDispatcher({ db: t.db, channels, clock, log, concurrency: 4 });
      const b = createNotificationDispatcher({ db: otherDb, channels, clock, log, concurrency: 4 });
      const [ra, rb] = await Promise.all([a.dispatchDue(), b.dispatchDue()]);
      assert.equal(ra.sent + rb.sent, N);
      assert.ok(ra.sent > 0 && rb.sent > 0, `both worked: ${ra.sent} + ${rb.sent}`);
    } finally {
      sms.latencyMs = 0;
      await otherDb.destroy();
    }
    assert.equal(sms.requests.length, N);
    assert.equal(new Set(sms.requests.map((r) => (r.body as { to: string }).to)).size, N);
    const counts = await t.db('notification_outbox').select('status', 'attempts').count('* as n').groupBy('status', 'attempts');
    assert.deepEqual(counts, [{ status: 'sent', attempts: 1, n: N }]);
  });
});
