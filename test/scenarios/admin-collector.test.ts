/**
 * The field collector (issue 11, "Daily money") over HTTP against the web role, the real database
 * and Redis, and a fake WhatsApp Cloud API (test/helpers/fake-messaging.ts). Two areas, Dusun
 * Krajan and Dusun Lor; an admin sets customers' areas on the customer form and gives the
 * collector Krajan on the staff page. The collector then:
 * - lands on the customer list (no dashboard), which shows Krajan's customers only, as do the
 *   invoice and payment lists;
 * - gets 404 for Lor's customer page, its invoice, its receipt and recording a payment for it,
 *   exactly as for an id that does not exist;
 * - records cash for a Krajan customer: the payment is in the collector's own deposit, and exactly
 *   one WhatsApp receipt is queued (and delivered by the dispatcher), which the page says; for a
 *   customer without a phone nothing is queued and the page says why.
 * An admin still sees everyone; an area taken away applies at the collector's next request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWhatsAppCloudChannel } from '../../billing/notifications/channels/whatsapp-cloud.js';
import { settableClock } from '../../lib/clock.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { startFakeWhatsAppCloud, type FakeProvider } from '../helpers/fake-messaging.js';
import { createCustomer, createStaff } from '../helpers/factories.js';
import { insertInvoice } from '../helpers/reports-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const TOKEN = 'EAAG-collector-token';
const PHONE_NUMBER_ID = '106540352242923';
// 10:00 in Jakarta on Saturday 21 November 2026.
const clock = settableClock('2026-11-21T03:00:00Z');
let fake: FakeProvider;
let web: WebServer;
let admin: AdminClient;
let collector: { id: number; username: string; password: string; client: AdminClient };
const c: Record<'sari' | 'tono' | 'wati', number> = { sari: 0, tono: 0, wati: 0 };
let watiInvoice: number;
let watiPayment: number;

const decode = (html: string): string => html.replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/&quot;/g, '"');
const signIn = async (username: string, password: string): Promise<{ client: AdminClient; landed: string | null }> => {
  const client = adminClient(web.baseUrl);
  const res = await client.signIn(username, password);
  assert.equal(res.status, 302, `sign-in as ${username}`);
  return { client, landed: res.location };
};

before(async () => {
  fake = await startFakeWhatsAppCloud({ token: TOKEN, phoneNumberId: PHONE_NUMBER_ID });
  const whatsapp = createWhatsAppCloudChannel({ apiUrl: fake.url, token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, timeoutMs: 2000 });
  web = await startWebServer({ clock, channels: { whatsapp } });
  const { db } = web.c;
  const a = await createStaff(db, { role: 'admin', locale: 'en' });
  admin = (await signIn(a.username, a.password)).client;
  c.sari = (await createCustomer(db, { name: 'Sari Krajan', phone: '081299990001' })).id;
  c.tono = (await createCustomer(db, { name: 'Tono Krajan' })).id;
  await db('customers').where({ id: c.tono }).update({ phone: null });
  c.wati = (await createCustomer(db, { name: 'Wati Lor', phone: '081299990003' })).id;
  for (const [id, amount] of [[c.sari, 150_000], [c.tono, 100_000], [c.wati, 120_000]] as const) {
    const inv = await insertInvoice(db, { customerId: id, issueDate: '2026-11-01', lines: [{ amount }] });
    await db('ledger_entries').insert({ customer_id: id, entry_type: 'invoice', amount: -amount, invoice_id: inv.id, description: 'Tagihan' });
    if (id === c.wati) watiInvoice = inv.id;
  }
  watiPayment = (await web.engine.recordStaffPayment({ customerId: c.wati, amount: 20_000, method: 'cash', receivedBy: a.id })).paymentId;
  const s = await createStaff(db, { role: 'collector', name: 'Pak Penagih', locale: 'en' });
  collector = { ...s, client: adminClient(web.baseUrl) };
});
after(async () => {
  await web?.stop();
  await fake?.close();
});

test('an admin gives customers an area on the customer form and filters the list by it', async () => {
  for (const [id, area] of [[c.sari, '  Dusun   Krajan '], [c.tono, 'Dusun Krajan'], [c.wati, 'Dusun Lor']] as const) {
    const form = await admin.get(`/admin/customers/${id}/edit`);
    assert.equal(form.status, 200);
    assert.match(form.text, /<input name="area"[^>]*list="customer-areas"/, 'the form has an Area field with suggestions');
    const row = await web.c.db('customers').where({ id }).first();
    const saved = await admin.post(`/admin/customers/${id}`, {
      version: String(row.version), name: row.name, phone: row.phone ?? '', email: '', address: '', identity_number: '', locale: 'id', notes: '', area,
    });
    assert.equal(saved.status, 302, `saved ${id}: ${saved.status}`);
  }
  assert.equal((await web.c.db('customers').where({ id: c.sari }).first()).area, 'Dusun Krajan', 'blanks trimmed and collapsed');
  const form = await admin.get(`/admin/customers/new`);
  assert.match(form.text, /<datalist id="customer-areas"><option value="Dusun Krajan"><option value="Dusun Lor"><\/datalist>/, 'existing areas are suggested');
  const lor = await admin.get('/admin/customers?area=Dusun+Lor');
  assert.match(lor.text, /<option value="Dusun Lor" selected>/);
  assert.match(lor.text, /Wati Lor/);
  assert.doesNotMatch(lor.text, /Sari Krajan|Tono Krajan/);
  const csv = await admin.get('/admin/customers.csv?area=Dusun+Krajan');
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines[0], 'customer_number,name,phone,area,subscriptions,statuses,balance');
  assert.equal(lines.length, 3, 'the CSV follows the area filter');
  assert.ok(lines.slice(1).every((l) => l.includes(',Dusun Krajan,')));
});

test('an admin gives the collector an area on the staff page; the collector lands on the customer list', async () => {
  const page = await admin.get(`/admin/staff/${collector.id}`);
  assert.match(page.text, /data-role>Collector</);
  assert.match(page.text, /<input type="checkbox" name="area" value="Dusun Krajan" >/);
  assert.match(page.text, /<input type="checkbox" name="area" value="Dusun Lor" >/);
  const res = await admin.post(`/admin/staff/${collector.id}/areas`, { area: 'Dusun Krajan', new_area: '' });
  assert.equal(res.status, 302);
  assert.equal(res.location, `/admin/staff/${collector.id}?saved=areas`);
  const after = await admin.get(res.location!);
  assert.match(after.text, /data-areas>Dusun Krajan</);
  assert.deepEqual((await web.c.db('staff_areas').where({ staff_user_id: collector.id }).select('area')).map((r) => r.area), ['Dusun Krajan']);
  const audit = await web.c.db('audit_log').where({ action: 'staff_areas_changed', object_id: String(collector.id) }).first();
  assert.deepEqual(audit.after, { areas: ['Dusun Krajan'] });

  const signedIn = await signIn(collector.username, collector.password);
  collector.client = signedIn.client;
  assert.equal(signedIn.landed, '/admin/customers', 'a collector has no dashboard: the customer list is their start page');
});

test('the collector\'s lists show only their area\'s customers; an admin still sees everyone', async () => {
  const list = await collector.client.get('/admin/customers');
  assert.equal(list.status, 200);
  assert.match(list.text, /data-total>2</);
  assert.match(list.text, /Sari Krajan/);
  assert.match(list.text, /Tono Krajan/);
  assert.doesNotMatch(list.text, /Wati Lor/);
  assert.doesNotMatch((await collector.client.get('/admin/customers?q=Wati')).text, /Wati Lor/, 'not by search either');
  assert.doesNotMatch((await collector.client.get('/admin/customers?area=Dusun+Lor')).text, /Wati Lor/, 'nor by asking for the other area');
  assert.doesNotMatch((await collector.client.get('/admin/customers.csv')).text, /Wati/);
  const invoices = await collector.client.get('/admin/invoices');
  assert.match(invoices.text, /Sari Krajan/);
  assert.doesNotMatch(invoices.text, /Wati Lor/);
  assert.doesNotMatch((await collector.client.get('/admin/invoices.csv')).text, /Wati/);
  assert.doesNotMatch((await collector.client.get('/admin/payments')).text, /Wati Lor/);
  assert.doesNotMatch((await collector.client.get('/admin/payments.csv')).text, /Wati/);
  const everyone = await admin.get('/admin/customers');
  assert.match(everyone.text, /data-total>3</);
  assert.match(everyone.text, /Wati Lor/);
});

test('the other area\'s customer, invoice and receipt answer 404 to the collector, as an id that does not exist, and no payment is recorded', async () => {
  const cl = collector.client;
  for (const path of [`/admin/customers/${c.wati}`, '/admin/customers/999999', `/admin/invoices/${watiInvoice}`, `/admin/invoices/${watiInvoice}/pdf`,
    `/admin/payments/${watiPayment}`, `/admin/payments/${watiPayment}/pdf`]) {
    assert.equal((await cl.get(path)).status, 404, `GET ${path}`);
  }
  await cl.get(`/admin/customers/${c.sari}`);
  for (const id of [c.wati, 999999]) {
    const res = await cl.post(`/admin/customers/${id}/payments`, { amount: '50.000', method: 'cash', invoice_id: '', reference: '' });
    assert.equal(res.status, 404, `record a payment for ${id}`);
  }
  assert.equal(Number((await web.c.db('payments').where({ customer_id: c.wati }).count({ n: '*' }).first())!.n), 1, 'only the admin\'s payment');
  assert.equal((await admin.get(`/admin/customers/${c.wati}`)).status, 200, 'an admin opens it');
});

test('cash recorded for their own customer lands in the collector\'s deposit and queues exactly one WhatsApp receipt', async () => {
  const cl = collector.client;
  const page = await cl.get(`/admin/customers/${c.sari}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /data-record-payment/);
  const res = await cl.post(`/admin/customers/${c.sari}/payments`, { amount: '150.000', method: 'cash', invoice_id: '', reference: '' });
  assert.equal(res.status, 302);
  const paymentId = Number(/payment=(\d+)/.exec(res.location ?? '')?.[1]);
  assert.ok(paymentId, `recorded: ${res.location}`);
  const payment = await web.c.db('payments').where({ id: paymentId }).first();
  assert.deepEqual([Number(payment.customer_id), Number(payment.amount), payment.method, Number(payment.received_by)], [c.sari, 150_000, 'cash', collector.id]);

  const outbox = await web.c.db('notification_outbox').where('idempotency_key', 'like', `payment_received:${paymentId}:%`).select('channel', 'recipient', 'template');
  assert.deepEqual(outbox, [{ channel: 'whatsapp', recipient: '6281299990001', template: 'payment_received' }], 'exactly one WhatsApp receipt');
  const shown = decode((await cl.get(res.location!)).text);
  assert.match(shown, /data-receipt-whatsapp="queued">Receipt sent by WhatsApp to <strong>0812-9999-0001<\/strong>/);

  const deposit = decode((await cl.get('/admin/reports/daily/deposit')).text);
  assert.match(deposit, /Pak Penagih/);
  assert.match(deposit, /Sari Krajan/);
  assert.match(deposit, /150\.000/);
  assert.doesNotMatch(deposit, /Wati Lor/, 'the admin\'s payment is the admin\'s deposit');
  assert.equal((await cl.get(`/admin/reports/daily/deposit?staff=${(await web.c.db('staff_users').where({ role: 'admin' }).first()).id}`)).status, 403, 'not another staff member\'s deposit');

  await web.engine.dispatchNotifications();
  const sent = fake.delivered.filter((r) => (r.body as { to?: string }).to === '6281299990001');
  assert.equal(sent.length, 1, 'the WhatsApp API got the receipt once');
  assert.equal((sent[0]!.body as { template: { name: string } }).template.name, 'payment_received');
});

test('for a customer without a phone nothing is queued, and the page says so', async () => {
  const cl = collector.client;
  await cl.get(`/admin/customers/${c.tono}`);
  const res = await cl.post(`/admin/customers/${c.tono}/payments`, { amount: '100000', method: 'cash', invoice_id: '', reference: '' });
  assert.equal(res.status, 302);
  const paymentId = Number(/payment=(\d+)/.exec(res.location ?? '')?.[1]);
  assert.equal((await web.c.db('notification_outbox').where('idempotency_key', 'like', `payment_received:${paymentId}:%`)).length, 0);
  const shown = decode((await cl.get(res.location!)).text);
  assert.match(shown, /data-receipt-whatsapp="no_phone">No receipt by WhatsApp: the customer has no phone number\./);
});

test('an area taken away applies at the collector\'s next request', async () => {
  assert.equal((await admin.post(`/admin/staff/${collector.id}/areas`, { new_area: 'Dusun Lor' })).status, 302);
  assert.equal((await collector.client.get(`/admin/customers/${c.sari}`)).status, 404);
  assert.equal((await collector.client.get(`/admin/customers/${c.wati}`)).status, 200);
});
