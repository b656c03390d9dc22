import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.js';
import { relayStaffAlerts } from './relay-staff-alerts.js';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase();
});
after(async () => {
  await t.drop();
});

const now = new Date('2026-12-18T02:00:00Z');
const telegram = () => t.db('notification_outbox').where({ channel: 'telegram' }).orderBy('id').select('recipient', 'template', 'payload', 'next_attempt_at');
const alert = (message: string, kind = 'nas_control_failed') => t.db('staff_alerts').insert({ kind, message }).returning('id');

test('without Telegram nothing is marked; with it each new alert reaches the staff chat once', async () => {
  await alert('CoA and Disconnect to Router Pusat failed for pppoe-budi');
  assert.equal(await relayStaffAlerts(t.db, { chatId: undefined, companyName: 'Net Desa', now }), 0);
  assert.equal((await t.db('staff_alerts').whereNotNull('relayed_at')).length, 0, 'kept for when Telegram is configured');

  await alert('Payment INV-1-1 (midtrans): gateway reports Rp 100.000, the order asked Rp 150.000. Not credited; check it.', 'payment_amount_mismatch');
  assert.equal(await relayStaffAlerts(t.db, { chatId: '-1001234567890', companyName: 'Net Desa', now }), 2);
  assert.equal(await relayStaffAlerts(t.db, { chatId: '-1001234567890', companyName: 'Net Desa', now }), 0, 'relayed once');
  const sent = await telegram();
  assert.deepEqual(sent.map((m) => [m.recipient, m.template, m.payload.companyName, m.next_attempt_at]), [
    ['-1001234567890', 'staff_alert', 'Net Desa', now],
    ['-1001234567890', 'staff_alert', 'Net Desa', now],
  ]);
  assert.match(sent[0].payload.message, /Router Pusat/);
  assert.match(sent[1].payload.message, /Rp 100\.000/);
});

test('an alert older than a day when first seen is marked, not sent: switching Telegram on replays no history', async () => {
  const before = (await telegram()).length;
  const [old] = await alert('old news');
  await t.db('staff_alerts').where({ id: old.id }).update({ created_at: t.db.raw("now() - interval '2 days'") });
  await alert('fresh');
  assert.equal(await relayStaffAlerts(t.db, { chatId: '-100', companyName: 'Net Desa', now }), 1);
  const sent = await telegram();
  assert.equal(sent.length, before + 1);
  assert.equal(sent.at(-1)!.payload.message, 'fresh');
  assert.equal((await t.db('staff_alerts').whereNull('relayed_at')).length, 0);
});

test('two workers relaying at once send each alert once', async () => {
  const before = (await telegram()).length;
  for (let i = 0; i < 30; i++) await alert(`alert ${i}`);
  const [a, b] = await Promise.all([
    relayStaffAlerts(t.db, { chatId: '-100', companyName: 'Net Desa', now, limit: 20 }),
    relayStaffAlerts(t.db, { chatId: '-100', companyName: 'Net Desa', now, limit: 20 }),
  ]);
  const rest = await relayStaffAlerts(t.db, { chatId: '-100', companyName: 'Net Desa', now });
  assert.equal(a + b + rest, 30);
  const messages = (await telegram()).slice(before).map((m) => m.payload.message as string);
  assert.equal(new Set(messages).size, 30);
});

test('with staff WhatsApp numbers each alert is one WhatsApp message per number beside the Telegram one, keyed per alert and number', async () => {
  await t.db('staff_alerts').whereNull('relayed_at').update({ relayed_at: t.db.fn.now() });
  const whatsapp = () => t.db('notification_outbox').where({ channel: 'whatsapp' }).orderBy('id').select('idempotency_key', 'recipient', 'template', 'payload');
  const beforeTelegram = (await telegram()).length;
  const [a] = await alert('OLT Sukamaju is down');
  const numbers = ['+6281234567890', '+6591234567'];
  assert.equal(await relayStaffAlerts(t.db, { chatId: '-100', whatsappNumbers: numbers, companyName: 'Net Desa', now }), 3);
  assert.equal(await relayStaffAlerts(t.db, { chatId: '-100', whatsappNumbers: numbers, companyName: 'Net Desa', now }), 0, 'relayed once');
  assert.equal((await telegram()).length, beforeTelegram + 1, 'the Telegram message as before');
  assert.deepEqual((await whatsapp()).map((m) => [m.idempotency_key, m.recipient, m.template, m.payload.message, m.payload.companyName]), [
    [`staff_alert:${a.id}:whatsapp:+6281234567890`, '+6281234567890', 'staff_alert', 'OLT Sukamaju is down', 'Net Desa'],
    [`staff_alert:${a.id}:whatsapp:+6591234567`, '+6591234567', 'staff_alert', 'OLT Sukamaju is down', 'Net Desa'],
  ]);

  // WhatsApp alone (no Telegram chat) relays too; no numbers and no chat marks nothing.
  await alert('NAS Router Timur is silent');
  assert.equal(await relayStaffAlerts(t.db, { chatId: undefined, whatsappNumbers: [], companyName: 'Net Desa', now }), 0);
  assert.equal((await t.db('staff_alerts').whereNull('relayed_at')).length, 1);
  assert.equal(await relayStaffAlerts(t.db, { chatId: undefined, whatsappNumbers: ['+6281234567890'], companyName: 'Net Desa', now }), 1);
  assert.equal((await telegram()).length, beforeTelegram + 1);
  assert.equal((await whatsapp()).length, 3);
});
