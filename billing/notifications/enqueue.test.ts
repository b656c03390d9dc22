import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRupiah } from '../../lib/money.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { normalizePhone } from '../../lib/phone.js';
import { chooseTargets, enqueueNotifications, type OutboxEntry } from './enqueue.js';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

const now = new Date('2026-11-24T02:00:00Z');
const payload = { customerName: 'Budi Santoso', invoiceNumber: 'INV/2026/11/000123', amount: formatRupiah(150_000), dueDate: '11 Desember 2026' };
const rows = (keyPrefix: string) => t.db('notification_outbox').where('idempotency_key', 'like', `${keyPrefix}%`).orderBy('idempotency_key');
const entry = (key: string, over: Partial<OutboxEntry> = {}): OutboxEntry =>
  ({ idempotencyKey: key, channel: 'whatsapp', recipient: '6281234567890', template: 'invoice_issued', locale: 'id', payload, ...over });

test('the same idempotency key twice is one row, the first one kept', async () => {
  assert.equal(await enqueueNotifications(t.db, [entry('invoice_issued:1:whatsapp')], now), 1);
  assert.equal(await enqueueNotifications(t.db, [entry('invoice_issued:1:whatsapp', { payload: { ...payload, amount: 'Rp 1' } }), entry('invoice_issued:2:whatsapp')], now), 1);
  const stored = await rows('invoice_issued:');
  assert.deepEqual(stored.map((r) => [r.idempotency_key, r.status, r.attempts, r.payload.amount]), [
    ['invoice_issued:1:whatsapp', 'pending', 0, 'Rp 150.000'],
    ['invoice_issued:2:whatsapp', 'pending', 0, 'Rp 150.000'],
  ]);
  assert.equal(await enqueueNotifications(t.db, [], now), 0);
});

test('created and due at the caller\'s clock; notBefore delays it; a payload value must already be a string', async () => {
  const later = new Date('2030-01-01T00:00:00Z');
  await enqueueNotifications(t.db, [entry('clock:now'), entry('clock:later', { notBefore: later })], now);
  const [delayed, due] = await rows('clock:'); // by key: later, now
  assert.deepEqual([due.created_at, due.next_attempt_at], [now, now]);
  assert.deepEqual([delayed.created_at, delayed.next_attempt_at], [now, later]);
  await assert.rejects(enqueueNotifications(t.db, [entry('bad:1', { payload: { amount: 150000 } as unknown as Record<string, string> })], now), TypeError);
  assert.equal((await rows('bad:')).length, 0);
});

test('a message exists only if the transaction that enqueued it committed', async () => {
  await assert.rejects(
    t.db.transaction(async (trx) => {
      await enqueueNotifications(trx, [entry('rolled-back')], now);
      throw new Error('invoice update failed');
    }),
    /invoice update failed/,
  );
  assert.equal((await rows('rolled-back')).length, 0);
  await t.db.transaction((trx) => enqueueNotifications(trx, [entry('committed')], now));
  assert.equal((await rows('committed')).length, 1);
});

test('10,000 messages in one call (a dunning step), all stored', async () => {
  const many = Array.from({ length: 10_000 }, (_, i) => entry(`bulk:${i}`, { recipient: `62812${String(i).padStart(8, '0')}` }));
  assert.equal(await enqueueNotifications(t.db, many, now), 10_000);
  assert.equal(await enqueueNotifications(t.db, many, now), 0, 'run again: nothing new');
});

test('chooseTargets: WhatsApp before SMS for a phone, e-mail besides, nothing for what is unusable', () => {
  const c = { phone: '0812 3456 7890', email: ' budi@example.co.id ' };
  assert.deepEqual(chooseTargets(c, ['sms', 'whatsapp', 'email', 'telegram']), [
    { channel: 'whatsapp', recipient: '6281234567890' },
    { channel: 'email', recipient: 'budi@example.co.id' },
  ]);
  assert.deepEqual(chooseTargets(c, ['sms']), [{ channel: 'sms', recipient: '6281234567890' }]);
  assert.deepEqual(chooseTargets({ phone: '12-34', email: null }, ['whatsapp', 'sms', 'email']), []);
  assert.deepEqual(chooseTargets({ phone: null, email: 'not an address' }, ['whatsapp', 'email']), []);
  assert.deepEqual(chooseTargets(c, []), []);
  // Another country's number keeps its +: the channels read recipients back with normalizePhone.
  assert.deepEqual(chooseTargets({ phone: '+65 9123 4567', email: null }, ['whatsapp']), [{ channel: 'whatsapp', recipient: '+6591234567' }]);
  assert.equal(normalizePhone(chooseTargets({ phone: '+65 9123 4567', email: null }, ['whatsapp'])[0]!.recipient), '6591234567');
});
