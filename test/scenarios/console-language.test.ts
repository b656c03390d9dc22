/**
 * The console in the staff member's language, against the real database: the customer timeline,
 * the audit log and the status reasons as sentences (no raw action key, no JSON outside the raw
 * view), tab titles translated, a phone typed any common way accepted and shown one way (admin
 * and portal store the same form), the KTP number shown to those who may edit customers and
 * masked for the others, and a refused rate limit explained once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { t } from '../../lib/i18n.js';
import { updateContactDetails } from '../../portal/account/account-settings.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { auditActionsInSource } from '../helpers/audit-actions.js';
import { createPlan, createStaff, createSubscription } from '../helpers/factories.js';
import { planForm, signedIn } from '../helpers/plans-fixtures.js';
import { decodeHtml } from '../helpers/subscriptions-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;

before(async () => {
  web = await startWebServer({ clock: settableClock('2026-11-21T03:00:00Z') });
});
after(async () => {
  await web.stop();
});

/** A console client signed in as a new staff member of `role` who reads the console in `locale`. */
async function staffIn(locale: 'id' | 'en', role: 'admin' | 'viewer' = 'admin'): Promise<AdminClient> {
  const staff = await createStaff(web.c.db, { role, locale });
  const client = adminClient(web.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
  await client.get('/admin');
  return client;
}

const customerForm = (over: Record<string, string>): Record<string, string> =>
  ({ name: 'Sari Dewi', phone: '', email: '', address: '', identity_number: '', locale: 'id', notes: '', ...over });

const titleOf = (html: string): string => decodeHtml(/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '');
const section = (html: string, from: string, to: string): string => html.slice(html.indexOf(from), to ? html.indexOf(to, html.indexOf(from)) : undefined);

/** The audit actions the code writes: none may appear raw on a page. */
const ACTIONS = [...auditActionsInSource().values.keys()];
function assertNoActionKey(html: string, where: string): void {
  const raw = ACTIONS.filter((a) => new RegExp(`\\b${a}\\b`).test(html));
  assert.deepEqual(raw, [], `${where} shows no raw action key`);
}

async function createdCustomer(client: AdminClient, over: Record<string, string>): Promise<number> {
  await client.get('/admin/customers/new');
  const res = await client.post('/admin/customers', customerForm(over));
  assert.equal(res.status, 302, res.text.slice(0, 300));
  return Number(/\/admin\/customers\/(\d+)/.exec(res.location!)![1]);
}

test('a phone typed with spaces, dashes, dots, parentheses or +62 is accepted, stored once and shown as 0812-3456-7890', async () => {
  const client = await staffIn('id');
  for (const typed of ['0812-3456-7890', '0812 3456 7890', '(0812) 3456.7890', '+62 812 3456 7890', '6281234567890']) {
    const id = await createdCustomer(client, { name: `Telepon ${typed}`, phone: typed });
    const row = await web.c.db('customers').where({ id }).first('phone');
    assert.equal(row.phone, '081234567890', typed);
    const page = await client.get(`/admin/customers/${id}`);
    assert.match(page.text, /<dd data-phone>0812-3456-7890<\/dd>/, typed);
    assert.match((await client.get(`/admin/customers/${id}/edit`)).text, /name="phone" value="0812-3456-7890"/);
  }
  const list = await client.get('/admin/customers?q=0812345');
  assert.match(list.text, /<td>0812-3456-7890<\/td>/, 'the list finds "0812…" and shows the same format');

  const refused = await client.post('/admin/customers', customerForm({ name: 'Salah', phone: '0812-ABCD-7890' }));
  assert.equal(refused.status, 422);
  assert.match(refused.text, /data-error="phone"/);
  assert.match(refused.text, /value="0812-ABCD-7890"/, 'what was typed stays in the field');

  // The portal's contact form stores the same form the console does.
  const [sari] = await web.c.db('customers').insert({ name: 'Portal Sari', phone: '0811111111' }).returning(['id', 'customer_number', 'version']);
  const saved = await updateContactDetails(web.c.db, { customerId: Number(sari.id), customerNumber: sari.customer_number, ip: null }, Number(sari.version), { phone: '+62 812-3456-7890', email: '' });
  assert.deepEqual(saved, { ok: true });
  assert.equal((await web.c.db('customers').where({ id: sari.id }).first('phone')).phone, '081234567890');
});

test('the KTP number is shown to staff who edit customers and masked for the others', async () => {
  const admin = await staffIn('id');
  const id = await createdCustomer(admin, { name: 'Nik Pelanggan', identity_number: '3201234567890001' });
  assert.match((await admin.get(`/admin/customers/${id}`)).text, /<dd data-identity>3201234567890001<\/dd>/);
  const viewer = await staffIn('id', 'viewer');
  const page = await viewer.get(`/admin/customers/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<dd data-identity>••••••••••••0001<\/dd>/);
  assert.doesNotMatch(page.text, /3201234567890001/);
});

test('an invalid rate limit on the plan form is explained once', async () => {
  const { client } = await signedIn(web.baseUrl, web.c.db, 'admin');
  await client.get('/admin/plans/new');
  const res = await client.post('/admin/plans', planForm({ name: 'Salah Rate', rate_limit: '10 Mbps' }));
  assert.equal(res.status, 422);
  assert.equal(res.text.match(/data-error="rate_limit"/g)?.length, 1, 'one message');
  assert.equal(decodeHtml(res.text).split(t('en', 'error.plans.rate_limit')).length - 1, 1, 'in one cell');
});

test('the timeline, the audit log and the status reason read as Indonesian sentences with linked objects', async () => {
  const client = await staffIn('id');
  const id = await createdCustomer(client, { name: 'Budi Timeline', phone: '0812 3456 7890' });
  const customer = await web.c.db('customers').where({ id }).first('customer_number');
  const plan = await createPlan(web.c.db, { name: 'Paket 10 Mbps' });
  const sub = await createSubscription(web.c.db, { customerId: id, planId: plan.id, username: 'budi-timeline' });
  await client.get(`/admin/customers/${id}`);
  assert.equal((await client.post(`/admin/customers/${id}/payments`, { amount: '150.000', method: 'cash', invoice_id: '', reference: '' })).status, 302);
  assert.equal((await client.post(`/admin/customers/${id}`, { ...customerForm({ name: 'Budi Timeline', phone: '0813-1111-2222' }), version: '1' })).status, 302);
  await client.get(`/admin/subscriptions/${sub.id}`);
  assert.equal((await client.post(`/admin/subscriptions/${sub.id}/suspend`, {})).status < 400, true);

  const page = await client.get(`/admin/customers/${id}`);
  const timeline = decodeHtml(section(page.text, 'class="timeline"', '</ul>'));
  assert.match(timeline, new RegExp(`Pelanggan <a href="/admin/customers/${id}">${customer.customer_number}</a> dibuat`));
  assert.match(timeline, /Pembayaran <a href="\/admin\/payments\/\d+">#\d+<\/a> dicatat/);
  assert.match(timeline, new RegExp(`Langganan <a href="/admin/subscriptions/${sub.id}">budi-timeline</a> diisolir`));
  assertNoActionKey(page.text, 'the customer page');

  const subPage = decodeHtml((await client.get(`/admin/subscriptions/${sub.id}`)).text);
  assert.match(subPage, /data-status-reason>diisolir oleh staf</);
  assert.doesNotMatch(subPage, /staff_suspend/);

  const audit = await client.get(`/admin/audit?object_type=customer&object_id=${id}`);
  assert.equal(audit.status, 200);
  const shown = decodeHtml(audit.text);
  assert.match(shown, new RegExp(`Data pelanggan <a href="/admin/customers/${id}">${customer.customer_number}</a> diubah`));
  assert.match(shown, /<strong>Telepon<\/strong>: 081234567890 → 081311112222/, 'the change as a "field: before → after" line');
  const outsideRaw = section(audit.text, '<table class="list">', '</table>').replace(/<details>[\s\S]*?<\/details>/g, '');
  assert.doesNotMatch(outsideRaw, /\{&quot;|\{"/, 'no JSON outside the raw view');
  assert.match(audit.text, /<details><summary>Data mentah \(JSON\)<\/summary>/);
  assertNoActionKey(outsideRaw, 'the audit log');
  assertNoActionKey((await client.get('/admin/audit')).text.replace(/<details>[\s\S]*?<\/details>/g, ''), 'the whole audit log');
});

test('tab titles are in the staff member\'s language', async () => {
  const english = /\b(Plans|Customers|New customer|Sign in|Audit log|Sessions|Payments|Staff|Invoices|Routers|Vouchers|Tickets|Alerts|Dashboard|Password|Error)\b/;
  const id = await staffIn('id');
  const pages = ['/admin', '/admin/plans', '/admin/plans/new', '/admin/customers', '/admin/customers/new', '/admin/audit', '/admin/sessions', '/admin/payments',
    '/admin/staff', '/admin/invoices', '/admin/nas', '/admin/vouchers', '/admin/tickets', '/admin/alerts', '/admin/password', '/admin/no-such-page'];
  for (const path of pages) {
    const title = titleOf((await id.get(path)).text);
    assert.ok(title, `${path} has a title`);
    assert.doesNotMatch(title, english, `${path}: "${title}"`);
  }
  assert.equal(titleOf((await id.get('/admin/plans')).text).split(' · ')[0], 'Paket');
  assert.equal(titleOf((await adminClient(web.baseUrl).get('/admin/login')).text).split(' · ')[0], 'Masuk');
  assert.equal(titleOf((await fetch(`${web.baseUrl}/portal/account/login`).then((r) => r.text()))).split(' · ')[0], 'Masuk');

  const en = await staffIn('en');
  assert.equal(titleOf((await en.get('/admin/plans')).text).split(' · ')[0], 'Plans');
  assert.equal(titleOf((await en.get('/admin/audit')).text).split(' · ')[0], 'Audit log');
});
