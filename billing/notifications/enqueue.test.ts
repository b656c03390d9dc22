import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRupiah } from '../../lib/money.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { createCustomer } from '../../test/helpers/factories.js';
import { chooseTargets, enqueueNotification, notifyCustomer, notifyStaff } from './enqueue.js';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

const payload = { customerName: 'Budi Santoso', invoiceNumber: 'INV-2026-11-000123', amount: formatRupiah(150_000), dueDate: '1 Desember 2026' };
const rows = (keyPrefix: string) => t.db('notification_outbox').where('idempotency_key', 'like', `${keyPrefix}%`).orderBy('idempotency_key');

test('the same idempotency key twice is one row', async () => {
  const n = { idempotencyKey: 'invoice_issued:INV-1:whatsapp', channel: 'whatsapp', recipient: '6281234567890', template: 'invoice_issued', locale: 'id', payload } as const;
  assert.equal(await enqueueNotification(t.db, n), true);
  assert.equal(await enqueueNotification(t.db, { ...n, payload: { ...payload, amount: 'Rp 1' } }), false);
  const stored = await rows('invoice_issued:INV-1');
  assert.equal(stored.length, 1);
  assert.deepEqual(stored[0].payload, payload);
  assert.equal(stored[0].status, 'pending');
  assert.equal(stored[0].attempts, 0);
});

test('notBefore delays the message; a payload value must already be a string', async () => {
  const notBefore = new Date('2030-01-01T00:00:00Z');
  await enqueueNotification(t.db, { idempotencyKey: 'later:1', channel: 'sms', recipient: '6281234567890', template: 'payment_reminder', locale: 'en', payload, notBefore });
  assert.deepEqual((await rows('later:1'))[0].next_attempt_at, notBefore);
  await assert.rejects(
    enqueueNotification(t.db, { idempotencyKey: 'bad:1', channel: 'sms', recipient: '6281234567890', template: 'payment_reminder', locale: 'id', payload: { amount: 150000 } as unknown as Record<string, string> }),
    TypeError,
  );
});

test('a message exists only if the transaction that enqueued it committed', async () => {
  const customer = await createCustomer(t.db);
  await assert.rejects(
    t.db.transaction(async (trx) => {
      await notifyCustomer(trx, { customer: { id: customer.id, phone: '081234567890' }, template: 'payment_received', payload, idempotencyKey: 'rolled-back', channels: ['whatsapp'] });
      throw new Error('invoice update failed');
    }),
    /invoice update failed/,
  );
  assert.equal((await rows('rolled-back')).length, 0);
  await t.db.transaction(async (trx) => {
    await notifyCustomer(trx, { customer: { id: customer.id, phone: '081234567890' }, template: 'payment_received', payload, idempotencyKey: 'committed', channels: ['whatsapp'] });
  });
  assert.equal((await rows('committed')).length, 1);
});

test('notifyCustomer: WhatsApp for a phone, SMS only without WhatsApp, e-mail besides', async () => {
  const c = await createCustomer(t.db, { phone: '0812-3456-7890', email: 'budi@example.co.id' });
  const customer = { id: c.id, phone: '0812-3456-7890', email: 'budi@example.co.id', locale: 'en' as const };

  assert.deepEqual(await notifyCustomer(t.db, { customer, template: 'invoice_issued', payload, idempotencyKey: 'all', channels: ['whatsapp', 'sms', 'email'] }), [
    { channel: 'whatsapp', inserted: true },
    { channel: 'email', inserted: true },
  ]);
  const all = await rows('all:');
  assert.deepEqual(
    all.map((r) => [r.idempotency_key, r.channel, r.recipient, r.customer_id, r.locale, r.template]),
    [
      ['all:email', 'email', 'budi@example.co.id', c.id, 'en', 'invoice_issued'],
      ['all:whatsapp', 'whatsapp', '6281234567890', c.id, 'en', 'invoice_issued'],
    ],
  );

  assert.deepEqual(await notifyCustomer(t.db, { customer, template: 'invoice_issued', payload, idempotencyKey: 'sms-only', channels: ['sms'] }), [{ channel: 'sms', inserted: true }]);
  assert.deepEqual(await notifyCustomer(t.db, { customer: { ...customer, email: null }, template: 'invoice_issued', payload, idempotencyKey: 'none', channels: ['email', 'telegram'] }), []);
  assert.deepEqual(await notifyCustomer(t.db, { customer: { ...customer, phone: '12-34' }, template: 'invoice_issued', payload, idempotencyKey: 'badphone', channels: ['whatsapp', 'sms'] }), []);

  // Run twice (a retried job): nothing new.
  assert.deepEqual(await notifyCustomer(t.db, { customer, template: 'invoice_issued', payload, idempotencyKey: 'all', channels: ['whatsapp', 'sms', 'email'] }), [
    { channel: 'whatsapp', inserted: false },
    { channel: 'email', inserted: false },
  ]);
  assert.equal((await rows('all:')).length, 2);
});

test("notifyCustomer uses Indonesian when the customer's locale is unknown", async () => {
  const c = await createCustomer(t.db);
  await notifyCustomer(t.db, { customer: { id: c.id, phone: '+62 811 222 3333' }, template: 'reactivated', payload: { customerName: 'Budi' }, idempotencyKey: 'loc', channels: ['whatsapp'] });
  const [row] = await rows('loc:');
  assert.equal(row.locale, 'id');
  assert.equal(row.recipient, '628112223333');
});

test('notifyStaff puts a Telegram message for the staff chat in the outbox, once', async () => {
  const input = { template: 'staff_alert', payload: { message: 'CoA ke Router Pusat gagal 3 kali' }, idempotencyKey: 'coa-failed:sub-42:v7', chatId: '-1001234567890' } as const;
  assert.equal(await notifyStaff(t.db, input), true);
  assert.equal(await notifyStaff(t.db, input), false);
  const stored = await rows('coa-failed:sub-42:v7');
  assert.deepEqual(
    stored.map((r) => [r.idempotency_key, r.channel, r.recipient, r.customer_id, r.template, r.locale]),
    [['coa-failed:sub-42:v7:telegram', 'telegram', '-1001234567890', null, 'staff_alert', 'id']],
  );
});

test('chooseTargets: WhatsApp before SMS for a phone, e-mail besides, nothing for what is unusable', () => {
  const c = { phone: '0812 3456 7890', email: ' budi@example.co.id ' };
  assert.deepEqual(chooseTargets(c, ['sms', 'whatsapp', 'email', 'telegram']), [
    { channel: 'whatsapp', recipient: '6281234567890' },
    { channel: 'email', recipient: 'budi@example.co.id' },
  ]);
  assert.deepEqual(chooseTargets(c, ['sms']), [{ channel: 'sms', recipient: '6281234567890' }]);
  assert.deepEqual(chooseTargets({ phone: null, email: 'not an address' }, ['whatsapp', 'email']), []);
  assert.deepEqual(chooseTargets(c, []), []);
});
