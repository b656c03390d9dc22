/**
 * Portal access without WhatsApp or SMS (issue 10, item 5): the sign-in page offers only what
 * works (a password; a code only by a configured channel), staff set a customer's portal password
 * (customers.edit, CSRF, the staff password policy, audited without the password) and print a
 * letter with a one-time sign-in link, or send that link at once by a configured channel that
 * reaches the customer (WhatsApp, e-mail; rate-limited, audited without the link).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEmailChannel } from '../../billing/notifications/channels/email.js';
import { SEND_LIMIT } from '../../admin/customers/send-sign-in-link.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/fake-messaging.js';
import { decodeHtml, signedInAs } from '../helpers/subscriptions-fixtures.js';
import { portalClient, portalCustomer, signInWithPassword, startFakeWhatsApp, type FakeWhatsApp } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let withWhatsApp: WebServer;
let wa: FakeWhatsApp;
let smtp: SmtpPeer;

before(async () => {
  web = await startWebServer();
  wa = await startFakeWhatsApp();
  smtp = await startSmtpPeer();
  withWhatsApp = await startWebServer({ channels: { ...wa.channels, email: createEmailChannel({ url: smtp.url, from: '"Net Desa" <billing@netdesa.id>' }) } });
});
after(async () => {
  await web?.stop();
  await withWhatsApp?.stop();
  await wa?.close();
  await smtp?.close();
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

/** The WhatsApp Cloud requests the fake accepted for `e164` with template `sign_in_link`: the body parameters' texts. */
const linkMessagesTo = (e164: string): string[][] =>
  wa.sentTo(e164)
    .map((r) => (r.body as { template: { name: string; components: Array<{ parameters: Array<{ text: string }> }> } }).template)
    .filter((t) => t.name === 'sign_in_link')
    .map((t) => t.components[0]!.parameters.map((p) => p.text));

const signInLinkIn = (text: string): string => {
  const link = /https?:\/\/\S+\/portal\/account\/login\/link\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
  assert.ok(link, `a sign-in link in: ${text}`);
  return new URL(link).pathname;
};

test('staff send a sign-in link by WhatsApp: it signs the customer in once, the letter\'s link stops working, the audit has no link', async () => {
  const customer = await portalCustomer(withWhatsApp.c.db, { phone: '081377700011', invoices: 1 });
  const e164 = '6281377700011';
  const { client } = await signedInAs(withWhatsApp.baseUrl, withWhatsApp.c.db, 'cashier');
  const form = await client.get(`/admin/customers/${customer.id}/portal`);
  assert.equal(form.status, 200);
  assert.match(form.text, /data-send-link-by="whatsapp"/, 'WhatsApp is configured and the customer has a phone');
  assert.doesNotMatch(form.text, /data-send-link-by="(sms|email)"/, 'no SMS is configured; no e-mail address');
  assert.match(visible(form.text), /E-mail: the customer has no e-mail address/);

  const letter = await client.post(`/admin/customers/${customer.id}/portal/letter`, {});
  const letterPath = new URL(decodeHtml(/data-sign-in-link>([^<]+)</.exec(letter.text)![1]!)).pathname;
  await client.get(`/admin/customers/${customer.id}/portal`);

  assert.equal((await client.post(`/admin/customers/${customer.id}/portal/link`, { channel: 'whatsapp', _csrf: null })).status, 403, 'CSRF');
  const sent = await client.post(`/admin/customers/${customer.id}/portal/link`, { channel: 'whatsapp' });
  assert.equal(sent.status, 200);
  assert.match(visible(sent.text), /Sign-in link sent by WhatsApp/);
  const messages = linkMessagesTo(e164);
  assert.equal(messages.length, 1, 'one WhatsApp message, sent at once');
  const [name, link, days] = messages[0]!;
  assert.equal(name, 'Siti Aminah');
  assert.equal(days, '14');
  const path = signInLinkIn(link!);

  assert.equal((await (await portalClient(withWhatsApp.baseUrl)).get(letterPath)).status, 410, 'the letter\'s link stopped working');
  const browser = await portalClient(withWhatsApp.baseUrl);
  assert.equal((await browser.get(path)).status, 200);
  const used = await browser.post(path, {});
  assert.equal(used.status, 302);
  assert.equal(used.location, '/portal/account/password?first=1');
  assert.equal((await browser.get('/portal/account')).status, 200, 'signed in');
  const second = await portalClient(withWhatsApp.baseUrl);
  assert.equal((await second.get(path)).status, 410, 'once only');
  assert.equal((await second.post(path, {})).status, 410, 'a second use does not sign in');

  const audit = await withWhatsApp.c.db('audit_log').where({ action: 'portal_sign_in_link_issued', object_id: String(customer.id) }).orderBy('id').select('after');
  assert.deepEqual(audit.map((a) => a.after), [{ via: 'letter' }, { via: 'whatsapp', sent: true }]);
  const token = path.split('/').at(-1)!;
  const stored = JSON.stringify(await withWhatsApp.c.db('audit_log').where({ object_id: String(customer.id) }).select('*'))
    + JSON.stringify(await withWhatsApp.c.db('notification_outbox').select('*'));
  assert.ok(!stored.includes(token), 'the link is in neither the audit log nor the outbox');
});

test('a sign-in link by e-mail goes to the customer\'s address and works', async () => {
  const customer = await portalCustomer(withWhatsApp.c.db, { phone: '081377700012', email: 'siti.link@example.id', invoices: 1 });
  const { client } = await signedInAs(withWhatsApp.baseUrl, withWhatsApp.c.db, 'admin');
  const form = await client.get(`/admin/customers/${customer.id}/portal`);
  assert.match(form.text, /data-send-link-by="email"/);
  const sent = await client.post(`/admin/customers/${customer.id}/portal/link`, { channel: 'email' });
  assert.equal(sent.status, 200);
  assert.match(visible(sent.text), /Sign-in link sent by E-mail/);
  const mail = smtp.messages.find((m) => m.to.includes('siti.link@example.id'));
  assert.ok(mail, 'the SMTP peer received the mail');
  assert.match(mail.subject, /sign-in link|tautan masuk/i);
  const browser = await portalClient(withWhatsApp.baseUrl);
  assert.equal((await browser.post(signInLinkIn(mail.text), {})).status, 302);
  assert.equal((await browser.get('/portal/account')).status, 200);
});

test('a failing channel shows its failure, never "sent"; the sends per customer are limited', async () => {
  const customer = await portalCustomer(withWhatsApp.c.db, { phone: '081377700013', invoices: 1 });
  const { client } = await signedInAs(withWhatsApp.baseUrl, withWhatsApp.c.db, 'admin');
  await client.get(`/admin/customers/${customer.id}/portal`);
  wa.fake.failNext(400);
  const failed = await client.post(`/admin/customers/${customer.id}/portal/link`, { channel: 'whatsapp' });
  assert.equal(failed.status, 502);
  const text = visible(failed.text);
  assert.doesNotMatch(text, /Sign-in link sent by/);
  assert.match(text, /WhatsApp: the link was not sent\. The channel answered: .*132001/);
  const audit = await withWhatsApp.c.db('audit_log').where({ action: 'portal_sign_in_link_issued', object_id: String(customer.id) }).first('after');
  assert.equal(audit.after.sent, false);
  assert.match(audit.after.error, /132001/);

  for (let i = 1; i < SEND_LIMIT; i++) assert.equal((await client.post(`/admin/customers/${customer.id}/portal/link`, { channel: 'whatsapp' })).status, 200);
  const before = wa.fake.requests.length;
  const limited = await client.post(`/admin/customers/${customer.id}/portal/link`, { channel: 'whatsapp' });
  assert.equal(limited.status, 429);
  assert.match(visible(limited.text), /Too many sign-in links for this customer\. Nothing was sent; try again in \d+ minutes/);
  assert.equal(wa.fake.requests.length, before, 'nothing reached WhatsApp');
});

test('with no channel configured only the letter is offered, and a send is refused', async () => {
  const customer = await portalCustomer(web.c.db, { phone: '081377700014', email: 'no.channel@example.id', invoices: 1 });
  const { client } = await signedInAs(web.baseUrl, web.c.db, 'admin');
  const form = await client.get(`/admin/customers/${customer.id}/portal`);
  assert.equal(form.status, 200);
  assert.doesNotMatch(form.text, /data-send-link|\/portal\/link"/);
  assert.match(form.text, /action="\/admin\/customers\/\d+\/portal\/letter"/);
  const refused = await client.post(`/admin/customers/${customer.id}/portal/link`, { channel: 'whatsapp' });
  assert.equal(refused.status, 422);
  assert.doesNotMatch(visible(refused.text), /Sign-in link sent by/);
  assert.equal((await web.c.db('audit_log').where({ action: 'portal_sign_in_link_issued', object_id: String(customer.id) })).length, 0);
});

test('a viewer or technician cannot send a sign-in link', async () => {
  const customer = await portalCustomer(withWhatsApp.c.db, { phone: '081377700015', invoices: 1 });
  for (const role of ['viewer', 'technician'] as const) {
    const { client } = await signedInAs(withWhatsApp.baseUrl, withWhatsApp.c.db, role);
    assert.ok(client.csrf, 'a CSRF token from the dashboard: the refusal is the permission\'s');
    assert.equal((await client.get(`/admin/customers/${customer.id}/portal`)).status, 403);
    assert.equal((await client.post(`/admin/customers/${customer.id}/portal/link`, { channel: 'whatsapp' })).status, 403, role);
  }
  assert.equal(linkMessagesTo('6281377700015').length, 0);
});
