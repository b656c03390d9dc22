/**
 * WhatsApp broadcasts from the console (issue 11) against the web role, the real database and
 * Redis, and a fake WhatsApp Cloud API (test/helpers/fake-messaging.ts): the preview of a plan
 * filter (the count, the first messages filled in, customers without a phone left out and
 * counted), sending (exactly one outbox row per recipient with a phone, audited), the delivery
 * report before and after the dispatcher ran, and the permission (admin only).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWhatsAppCloudChannel } from '../../billing/notifications/channels/whatsapp-cloud.js';
import { settableClock } from '../../lib/clock.js';
import { startFakeWhatsAppCloud, type FakeProvider } from '../helpers/fake-messaging.js';
import { createCustomer, createPlan, createSubscription } from '../helpers/factories.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const TOKEN = 'EAAG-broadcast-token';
const PHONE_NUMBER_ID = '106540352242922';
let fake: FakeProvider;
let web: WebServer;

before(async () => {
  fake = await startFakeWhatsAppCloud({ token: TOKEN, phoneNumberId: PHONE_NUMBER_ID });
  const whatsapp = createWhatsAppCloudChannel({ apiUrl: fake.url, token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, timeoutMs: 2000 });
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z'), channels: { whatsapp } });
});
after(async () => {
  await web?.stop();
  await fake?.close();
});

const count = (html: string, name: string): number => Number(new RegExp(`data-${name}>(\\d+)<`).exec(html)?.[1] ?? -1);

test('a broadcast to a plan reaches exactly its customers with a phone; the report counts them sent after the dispatcher ran', async () => {
  const { db } = web.c;
  const plan = await createPlan(db, { name: 'Siaran 10 Mbps' });
  const phones = ['081211110001', '081211110002', '081211110003'];
  const reached: number[] = [];
  for (const [i, phone] of phones.entries()) {
    const c = await createCustomer(db, { name: `Penerima ${i + 1}`, phone });
    await createSubscription(db, { customerId: c.id, planId: plan.id });
    reached.push(c.id);
  }
  const noPhone = await createCustomer(db, { name: 'Tanpa Telepon', phone: '' });
  await db('customers').where({ id: noPhone.id }).update({ phone: null });
  await createSubscription(db, { customerId: noPhone.id, planId: plan.id });
  const terminated = await createCustomer(db, { name: 'Sudah Putus', phone: '081211119999' });
  await createSubscription(db, { customerId: terminated.id, planId: plan.id, status: 'terminated' });
  await createSubscription(db, { customerId: (await createCustomer(db, { name: 'Paket Lain', phone: '081211118888' })).id });

  const { client: cashier } = await signedInAs(web.baseUrl, db, 'cashier');
  assert.equal((await cashier.get('/admin/broadcasts/new')).status, 403, 'broadcasts.send is the admin\'s');

  const { client } = await signedInAs(web.baseUrl, db, 'admin');
  const form = await client.get('/admin/broadcasts/new');
  assert.equal(form.status, 200);
  assert.match(form.text, new RegExp(`<option value="${plan.id}"`));
  const bad = await client.post('/admin/broadcasts/preview', { message: 'Halo {{nama}}', plan: String(plan.id) });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /data-error="placeholder"/);

  const message = 'Halo {{name}} ({{customer_number}}), sisa tagihan {{amount_owed}}. Ada perbaikan jaringan malam ini.';
  const preview = await client.post('/admin/broadcasts/preview', { message, plan: String(plan.id), status: '', nas: '', area: '' });
  assert.equal(preview.status, 200, preview.text.slice(0, 300));
  assert.equal(count(preview.text, 'count'), 3);
  assert.equal(count(preview.text, 'without-phone'), 1);
  const first = await db('customers').where({ id: reached[0] }).first('customer_number');
  assert.match(decodeHtml(preview.text), new RegExp(`Halo Penerima 1 \\(${first.customer_number}\\), sisa tagihan Rp 0\\. Ada perbaikan`), 'the first messages as each customer gets them');
  assert.equal(await db('notification_outbox').where({ template: 'broadcast' }).count({ n: '*' }).then((r) => Number(r[0]!.n)), 0, 'a preview queues nothing');

  const sent = await client.post('/admin/broadcasts', { message, plan: String(plan.id), status: '', nas: '', area: '' });
  assert.equal(sent.status, 302, sent.text.slice(0, 300));
  const id = Number(/^\/admin\/broadcasts\/(\d+)$/.exec(sent.location ?? '')?.[1]);
  assert.ok(id > 0);
  const rows = await db('notification_outbox').where({ template: 'broadcast' }).orderBy('id');
  assert.deepEqual(rows.map((r) => Number(r.customer_id)), reached, 'exactly the customers with a phone, once each');
  assert.deepEqual(rows.map((r) => r.channel), ['whatsapp', 'whatsapp', 'whatsapp']);
  assert.deepEqual(rows.map((r) => r.recipient), phones.map((p) => `62${p.slice(1)}`));
  const broadcast = await db('broadcasts').where({ id }).first();
  assert.deepEqual([broadcast.recipients, broadcast.without_phone, broadcast.message], [3, 1, message]);
  assert.ok(await db('audit_log').where({ action: 'broadcast_sent', object_type: 'broadcast', object_id: String(id) }).first(), 'audited');

  const queued = await client.get(`/admin/broadcasts/${id}`);
  assert.deepEqual([count(queued.text, 'queued'), count(queued.text, 'sent'), count(queued.text, 'failed')], [3, 0, 0]);

  await web.engine.dispatchNotifications();
  const report = await client.get(`/admin/broadcasts/${id}`);
  assert.deepEqual([count(report.text, 'queued'), count(report.text, 'sent'), count(report.text, 'failed')], [0, 3, 0]);
  const delivered = fake.delivered.filter((r) => (r.body as { template?: { name?: string } }).template?.name === 'broadcast');
  assert.equal(delivered.length, 3, 'the fake WhatsApp API got one message each');
  // The dispatcher sends in parallel: the fake may receive them in any order.
  assert.ok(delivered.some((r) => /Halo Penerima 1/.test(JSON.stringify(r.body))), 'each recipient gets the message with their own name');
});
