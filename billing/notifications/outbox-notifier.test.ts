import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { createCustomer } from '../../test/helpers/factories.js';
import type { ChannelName } from './channel.js';
import type { CustomerMessage } from './notifier.js';
import { createOutboxNotifier } from './outbox-notifier.js';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

const clock = settableClock('2026-11-24T02:00:00Z');
const notifier = (channels: ChannelName[]) => createOutboxNotifier({ clock, channels, companyName: async () => 'Net Desa' });
const rows = (keyPrefix: string) => t.db('notification_outbox').where('idempotency_key', 'like', `${keyPrefix}%`).orderBy('idempotency_key');
const issued = (customerId: number, key: string): CustomerMessage => ({
  customerId, template: 'invoice_issued', idempotencyKey: key,
  data: { invoiceNumber: 'INV/2026/11/000123', amount: 1_650_000, dueDate: '2026-12-11', planName: 'Rumahan 10 Mbps', payUrl: 'https://isp.example/pay/x' },
});

test('WhatsApp for a phone (SMS only without WhatsApp), e-mail besides; values formatted in the customer\'s language', async () => {
  const budi = await createCustomer(t.db, { name: 'Budi', phone: '0812-3456-7890', email: 'budi@example.co.id' });
  const jane = await createCustomer(t.db, { name: 'Jane', phone: '+62 811 222 3333' });
  await t.db('customers').where({ id: jane.id }).update({ locale: 'en' });

  await t.db.transaction(async (trx) => {
    assert.equal(await notifier(['whatsapp', 'sms', 'email']).customers(trx, [issued(budi.id, 'a:budi'), issued(jane.id, 'a:jane')]), 3);
  });
  const stored = await rows('a:');
  assert.deepEqual(stored.map((r) => [r.idempotency_key, r.channel, r.recipient, r.customer_id, r.locale, r.template]), [
    ['a:budi:email', 'email', 'budi@example.co.id', budi.id, 'id', 'invoice_issued'],
    ['a:budi:whatsapp', 'whatsapp', '6281234567890', budi.id, 'id', 'invoice_issued'],
    ['a:jane:whatsapp', 'whatsapp', '628112223333', jane.id, 'en', 'invoice_issued'],
  ]);
  assert.deepEqual(stored[1].payload, {
    customerName: 'Budi', customerNumber: budi.customerNumber, companyName: 'Net Desa', invoiceNumber: 'INV/2026/11/000123',
    amount: 'Rp 1.650.000', dueDate: '11 Desember 2026', planName: 'Rumahan 10 Mbps', payUrl: 'https://isp.example/pay/x',
  });
  assert.equal(stored[2].payload.dueDate, '11 December 2026');
  assert.deepEqual(stored[0].created_at, clock.now());

  await t.db.transaction(async (trx) => {
    assert.equal(await notifier(['sms']).customers(trx, [issued(budi.id, 'b:budi')]), 1);
    assert.equal(await notifier(['whatsapp', 'sms', 'email']).customers(trx, [issued(budi.id, 'a:budi')]), 0, 'the same messages again: nothing new');
  });
  assert.deepEqual((await rows('b:')).map((r) => r.channel), ['sms']);
});

test('a customer who cannot be reached, or a server with no customer channel, queues nothing', async () => {
  const unreachable = await createCustomer(t.db, { name: 'Tanpa Kontak', phone: '12-34' });
  await t.db.transaction(async (trx) => {
    assert.equal(await notifier(['whatsapp', 'email']).customers(trx, [issued(unreachable.id, 'c:x')]), 0);
    const reachable = await createCustomer(trx as never, { phone: '081234567890' });
    assert.equal(await notifier([]).customers(trx, [issued(reachable.id, 'c:y')]), 0);
  });
  assert.equal((await rows('c:')).length, 0);
});
