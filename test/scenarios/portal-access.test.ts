/**
 * Portal access without WhatsApp or SMS (issue 10, item 5): the sign-in page offers only what
 * works (a password; a code only by a configured channel), staff set a customer's portal password
 * (customers.edit, CSRF, the staff password policy, audited without the password) and print a
 * letter with a one-time sign-in link.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';
import { portalClient, portalCustomer, signInWithPassword, startFakeWhatsApp, type FakeWhatsApp } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let withWhatsApp: WebServer;
let wa: FakeWhatsApp;

before(async () => {
  web = await startWebServer();
  wa = await startFakeWhatsApp();
  withWhatsApp = await startWebServer({ channels: wa.channels });
});
after(async () => {
  await web?.stop();
  await withWhatsApp?.stop();
  await wa?.close();
});

/** The words a visitor reads (tags and attributes dropped). */
const visible = (html: string): string => decodeHtml(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

test('without WhatsApp or SMS the sign-in page speaks of passwords only; with WhatsApp it offers the code by WhatsApp', async () => {
  const text = visible((await (await portalClient(web.baseUrl)).get('/portal/account/login')).text);
  assert.doesNotMatch(text, /code|kode|WhatsApp|SMS/i, `no code it cannot send: ${text}`);
  assert.match(text, /kata sandi/i);

  const refused = await signInWithPassword(await portalClient(web.baseUrl), 'CUST999999', 'wrong password 1');
  assert.equal(refused.status, 401);
  assert.doesNotMatch(visible(refused.text), /code|kode/i);

  const offered = visible((await (await portalClient(withWhatsApp.baseUrl)).get('/portal/account/login')).text);
  assert.match(offered, /kode masuk lewat WhatsApp/);
});

test('staff set a portal password (policy, CSRF, audited without it): the customer signs in with it', async () => {
  const customer = await portalCustomer(web.c.db, { phone: '081377700001', invoices: 1 });
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'cashier');
  const form = await client.get(`/admin/customers/${customer.id}/portal`);
  assert.equal(form.status, 200);
  assert.match(form.text, /no portal password yet/);

  const short = await client.post(`/admin/customers/${customer.id}/portal/password`, { password: 'short', confirm: 'short' });
  assert.equal(short.status, 422);
  assert.match(short.text, /at least 10 characters/);
  const common = await client.post(`/admin/customers/${customer.id}/portal/password`, { password: 'password123', confirm: 'password123' });
  assert.equal(common.status, 422, 'a common password is refused, as for staff');
  assert.equal((await client.post(`/admin/customers/${customer.id}/portal/password`, { password: 'Sawah hijau 2026', confirm: 'Sawah hijau 2027' })).status, 422);
  assert.equal((await client.post(`/admin/customers/${customer.id}/portal/password`, { password: 'Sawah hijau 2026', confirm: 'Sawah hijau 2026', _csrf: null })).status, 403);

  const saved = await client.post(`/admin/customers/${customer.id}/portal/password`, { password: 'Sawah hijau 2026', confirm: 'Sawah hijau 2026' });
  assert.equal(saved.status, 302);
  assert.equal(saved.location, `/admin/customers/${customer.id}/portal?saved=password`);
  const audit = await web.c.db('audit_log').where({ action: 'portal_password_set_by_staff', object_id: String(customer.id) }).select('after');
  assert.equal(audit.length, 1);
  assert.ok(!JSON.stringify(audit).includes('Sawah'), 'the password is not in the audit log');

  const browser = await portalClient(web.baseUrl);
  const signedIn = await signInWithPassword(browser, customer.customerNumber, 'Sawah hijau 2026');
  assert.equal(signedIn.status, 302);
  assert.equal(signedIn.location, '/portal/account');
  assert.equal((await browser.get('/portal/account')).status, 200);

  const { client: technician } = await signedInAs(web.baseUrl, web.c.db, 'technician');
  assert.equal((await technician.get(`/admin/customers/${customer.id}/portal`)).status, 403, 'customers.edit only');
});

test('a printed letter\'s one-time link signs the customer in once, then asks for a password', async () => {
  const customer = await portalCustomer(web.c.db, { phone: '081377700002', invoices: 1 });
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'admin');
  await client.get(`/admin/customers/${customer.id}/portal`);
  const letter = await client.post(`/admin/customers/${customer.id}/portal/letter`, {});
  assert.equal(letter.status, 200);
  assert.match(letter.text, new RegExp(`data-customer-number>${customer.customerNumber}<`));
  const link = /data-sign-in-link>([^<]+)</.exec(letter.text)?.[1];
  assert.ok(link);
  const path = new URL(decodeHtml(link)).pathname;
  assert.match(path, /^\/portal\/account\/login\/link\/[A-Za-z0-9_-]{43}$/);

  const browser = await portalClient(web.baseUrl);
  const confirm = await browser.get(path);
  assert.equal(confirm.status, 200, 'opening the link (or a preview fetching it) does not use it up');
  const used = await browser.post(path, {});
  assert.equal(used.status, 302);
  assert.equal(used.location, '/portal/account/password?first=1');
  assert.equal((await browser.get('/portal/account')).status, 200);

  const again = await (await portalClient(web.baseUrl)).get(path);
  assert.equal(again.status, 410, 'once only');
  assert.equal((await web.c.db('audit_log').where({ action: 'portal_sign_in_link_issued', object_id: String(customer.id) })).length, 1);
});
