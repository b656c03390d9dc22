/**
 * The customers' self-service portal over HTTP against the web role, a real database and Redis,
 * the WhatsApp Cloud fake as the engine's WhatsApp channel and the Midtrans fake as its gateway:
 * sign-in with a one-time code (read from the fake WhatsApp) or a password, the pages a customer
 * sees (home, invoices and their PDF, pay online, payments, usage, contact details, password),
 * and support tickets.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { settableClock } from '../../lib/clock.js';
import { startFakeMidtrans, type FakeMidtrans } from '../helpers/fake-midtrans.js';
import { portalClient, portalCustomer, signInWithCode, signInWithPassword, startFakeWhatsApp, type FakeWhatsApp } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

let web: WebServer;
let wa: FakeWhatsApp;
let midtrans: FakeMidtrans;
const clock = settableClock('2026-11-21T03:00:00Z');

before(async () => {
  wa = await startFakeWhatsApp();
  midtrans = await startFakeMidtrans({ serverKey: 'SB-Mid-server-portal' });
  web = await startWebServer({
    clock, channels: wa.channels,
    env: { MIDTRANS_SERVER_KEY: 'SB-Mid-server-portal', MIDTRANS_CLIENT_KEY: 'SB-Mid-client-portal', MIDTRANS_API_URL: midtrans.url, MIDTRANS_SNAP_URL: midtrans.url },
  });
});
after(async () => {
  await web?.stop();
  await wa?.close();
  await midtrans?.close();
});

const decode = (html: string): string => html.replace(/&#x2F;/g, '/').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

test('a customer without a password signs in with a code sent by WhatsApp, once, and may then set a password', async () => {
  const c = await portalCustomer(web.c.db, { phone: '0812-1111-2222', name: 'Siti Aminah' });
  const client = await portalClient(web.baseUrl);
  const before = wa.sentTo('6281211112222').length;
  const asked = await client.post('/portal/account/login/code', { identifier: '+62 812 1111 2222' });
  assert.equal(asked.status, 200);
  assert.match(asked.text, /name="code"/);
  const code = await wa.codeFor('6281211112222', before);
  assert.match(code, /^\d{6}$/);
  const sent = wa.sentTo('6281211112222').at(-1)!.body as { template: { name: string; language: { code: string }; components: Array<{ type: string; sub_type?: string; parameters: Array<{ text: string }> }> } };
  assert.equal(sent.template.language.code, 'id');
  assert.deepEqual(sent.template.components.map((x) => x.type), ['body', 'button'], 'an authentication template with its copy-code button');
  assert.equal(sent.template.components[1]!.parameters[0]!.text, code);
  const keys = await web.c.redis.keys(`${web.c.config.QUEUE_PREFIX}:portal-code:*`);
  assert.equal(keys.length, 1);
  assert.ok(!JSON.stringify(await web.c.redis.hgetall(keys[0]!)).includes(code), 'only a keyed hash of the code is stored');

  const wrong = await client.post('/portal/account/login/verify', { identifier: '081211112222', code: code === '000000' ? '111111' : '000000' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.text, /Kode salah|code is wrong/);
  const ok = await client.post('/portal/account/login/verify', { identifier: '081211112222', code });
  assert.equal(ok.status, 302);
  assert.equal(ok.location, '/portal/account/password?first=1', 'no password yet: offered to set one');
  const cookie = ok.headers.getSetCookie().find((x) => x.startsWith('isp_customer='))!;
  assert.match(cookie, /path=\/portal/i);
  assert.match(cookie, /httponly/i);
  assert.match(cookie, /samesite=lax/i);

  const again = await (await portalClient(web.baseUrl)).post('/portal/account/login/verify', { identifier: '081211112222', code });
  assert.equal(again.status, 401, 'a code works once');

  const first = await client.get('/portal/account/password?first=1');
  assert.equal(first.status, 200);
  assert.doesNotMatch(first.text, /name="current"/, 'no current password to give');
  const short = await client.post('/portal/account/password', { password: 'short', confirm: 'short' });
  assert.equal(short.status, 422);
  const set = await client.post('/portal/account/password', { password: 'rumah di desa 123', confirm: 'rumah di desa 123' });
  assert.equal(set.status, 302);
  assert.equal(set.location, '/portal/account?saved=password');
  const audit = await web.c.db('audit_log').where({ object_type: 'customer', object_id: String(c.id) }).orderBy('id').select('action', 'actor', 'staff_user_id');
  assert.deepEqual(audit.map((a) => a.action), ['portal_signed_in', 'portal_password_set']);
  assert.ok(audit.every((a) => a.actor === `customer ${c.customerNumber}` && a.staff_user_id === null), 'the customer is the actor');

  const out = await client.post('/portal/account/logout', {});
  assert.equal(out.location, '/portal/account/login?signed_out=1');
  assert.match((await client.get('/portal/account')).location ?? '', /^\/portal\/account\/login/);
  assert.equal((await signInWithPassword(client, c.customerNumber.toLowerCase(), 'rumah di desa 123')).location, '/portal/account', 'by customer number, any case');
  assert.equal((await client.get('/portal/account')).status, 200);
});

test('asking for a code for a number that is no customer\'s looks the same and sends nothing', async () => {
  await portalCustomer(web.c.db, { phone: '081233334444' });
  // The unknown number first: a code goes out just after its answer, along the same path for every
  // number, so a message to the unknown number would have left, and arrived, before the known
  // number's code, which the test waits for.
  const unknown = await (await portalClient(web.baseUrl)).post('/portal/account/login/code', { identifier: '081299990000' });
  const known = await (await portalClient(web.baseUrl)).post('/portal/account/login/code', { identifier: '081233334444' });
  assert.equal(known.status, unknown.status);
  const strip = (html: string): string => html.replace(/value="[^"]*"|"X-CSRF-Token": "[^"]*"/g, '').replace(/<strong>[^<]*<\/strong>/g, '');
  assert.equal(strip(known.text), strip(unknown.text));
  await wa.codeFor('6281233334444');
  assert.equal(wa.sentTo('6281299990000').length, 0);
  const nonsense = await (await portalClient(web.baseUrl)).post('/portal/account/login/code', { identifier: 'hello' });
  assert.equal(nonsense.status, 422, 'not a phone or customer number at all');
});

test('password sign-in by phone or number; a wrong password is refused the same way as an unknown customer; a password change ends other sessions', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081255556666', password: 'kata sandi lama 1' });
  const a = await portalClient(web.baseUrl);
  const b = await portalClient(web.baseUrl);
  assert.equal((await signInWithPassword(a, '0812 5555 6666', 'kata sandi lama 1')).status, 302);
  assert.equal((await signInWithPassword(b, c.customerNumber, 'kata sandi lama 1')).status, 302);
  const wrong = await signInWithPassword(await portalClient(web.baseUrl), c.customerNumber, 'salah sekali');
  const nobody = await signInWithPassword(await portalClient(web.baseUrl), 'CUST99999', 'salah sekali');
  assert.equal(wrong.status, 401);
  assert.equal(nobody.status, 401);
  const strip = (html: string): string => html.replace(/value="[^"]*"|"X-CSRF-Token": "[^"]*"/g, '');
  assert.equal(strip(wrong.text), strip(nobody.text));

  await a.get('/portal/account/password');
  const bad = await a.post('/portal/account/password', { current: 'not it', password: 'kata sandi baru 22', confirm: 'kata sandi baru 22' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /current password is wrong|Kata sandi sekarang salah/);
  const changed = await a.post('/portal/account/password', { current: 'kata sandi lama 1', password: 'kata sandi baru 22', confirm: 'kata sandi baru 22' });
  assert.equal(changed.status, 302);
  assert.equal((await a.get('/portal/account')).status, 200, 'this phone stays signed in');
  assert.match((await b.get('/portal/account/invoices')).location ?? '', /^\/portal\/account\/login\?next=/, 'the other session ended');
  assert.equal((await signInWithPassword(await portalClient(web.baseUrl), c.customerNumber, 'kata sandi lama 1')).status, 401);
});

test('home: subscriptions with plan, status and online now, balance and amount due', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081277778888', password: 'sandi pelanggan 9', invoices: 2 });
  await web.c.db('accounting_sessions').insert({
    subscription_id: c.subscriptionId, username: c.username, nas_ip_address: '10.20.0.1', acct_session_id: 'portal-1', session_key: randomUUID(),
    start_time: '2026-11-21T01:00:00Z', update_time: '2026-11-21T02:00:00Z',
  });
  const client = await portalClient(web.baseUrl);
  await signInWithPassword(client, c.customerNumber, 'sandi pelanggan 9');
  const home = await client.get('/portal/account');
  assert.equal(home.status, 200);
  assert.match(home.text, new RegExp(`Rumahan ${c.customerNumber}`));
  assert.match(home.text, /data-online="yes"/);
  assert.match(home.text, /data-amount-due>Rp\s*150\.000</);
  assert.doesNotMatch(home.text, /data-credit/, 'no credit while something is owed');
  assert.ok(decode(home.text).includes(c.invoices[1]!.number));
  assert.match(home.text, /Aktif|Active/);
});

test('invoices: list, page, PDF, pay online through the gateway; a paid invoice offers no payment', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081211113333', password: 'sandi pelanggan 9', invoices: 2 });
  const client = await portalClient(web.baseUrl);
  await signInWithPassword(client, c.customerNumber, 'sandi pelanggan 9');
  const list = await client.get('/portal/account/invoices');
  assert.equal(list.status, 200);
  const [paid, open] = c.invoices;
  assert.ok(decode(list.text).includes(paid!.number) && decode(list.text).includes(open!.number));
  const href = `/portal/account/invoices/${encodeURIComponent(open!.number)}`;
  assert.ok(list.text.includes(href.replace(/\//g, '&#x2F;').replace(/=/g, '&#x3D;')) || list.text.includes(href), 'links by invoice number');

  const page = await client.get(href);
  assert.equal(page.status, 200);
  assert.match(page.text, /Paket Rumahan/);
  assert.match(page.text, /data-amount-due>Rp\s*150\.000</);
  assert.match(page.text, /name="provider" value="midtrans"/);

  const pdf = await client.get(`${href}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.ok(pdf.text.startsWith('%PDF-'));

  await client.get(href);
  const pay = await client.post(`${href}/pay`, { provider: 'midtrans' });
  assert.equal(pay.status, 302);
  assert.ok(pay.location?.startsWith(midtrans.url), `redirected to the gateway (${pay.location})`);
  const payment = await web.c.db('payments').where({ invoice_id: open!.id, method: 'midtrans' }).first();
  assert.equal(Number(payment.amount), 150_000);

  const paidPage = await client.get(`/portal/account/invoices/${encodeURIComponent(paid!.number)}`);
  assert.equal(paidPage.status, 200);
  assert.doesNotMatch(paidPage.text, /name="provider"/);
  const again = await client.post(`/portal/account/invoices/${encodeURIComponent(paid!.number)}/pay`, {});
  assert.equal(again.status, 302);
  assert.match(again.location ?? '', /pay_error=invoice_not_open$/);
});

test('payments and usage: the payment history, and 30 days of usage as server-rendered SVG bars', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081244445555', password: 'sandi pelanggan 9', invoices: 2 });
  await web.c.db('usage_daily').insert([
    { subscription_id: c.subscriptionId, day: '2026-11-20', input_octets: 1_000_000, output_octets: 9_000_000 },
    { subscription_id: c.subscriptionId, day: '2026-11-10', input_octets: 500_000, output_octets: 4_500_000 },
    { subscription_id: c.subscriptionId, day: '2026-10-01', input_octets: 99_000_000_000, output_octets: 1 },
  ]);
  const client = await portalClient(web.baseUrl);
  await signInWithPassword(client, c.customerNumber, 'sandi pelanggan 9');
  const payments = await client.get('/portal/account/payments');
  assert.equal(payments.status, 200);
  assert.match(payments.text, /Rp\s*150\.000/);
  assert.match(payments.text, /Tunai|Cash/);

  const usage = await client.get('/portal/account/usage');
  assert.equal(usage.status, 200);
  assert.match(usage.text, /<svg[^>]*viewBox="0 0 330 170"/);
  const bars = [...usage.text.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" class="bar">/g)];
  assert.equal(bars.length, 30, 'one bar per day');
  const heights = bars.map((b) => Number(b[4]));
  assert.equal(heights[28], 140, 'the busiest day (yesterday, 10 MB) fills the plot');
  assert.equal(heights[18], 70, 'half as much, half as high');
  assert.equal(heights.filter((h) => h > 0).length, 2, 'a day outside the 30 days is not drawn');
  assert.doesNotMatch(usage.text, /<script/, 'no chart library');
});

test('contact details: validated, stale edits refused, version bumped, audited as the customer', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081266667777', password: 'sandi pelanggan 9' });
  const client = await portalClient(web.baseUrl);
  await signInWithPassword(client, c.customerNumber, 'sandi pelanggan 9');
  const form = await client.get('/portal/account/contact');
  const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
  const bad = await client.post('/portal/account/contact', { version, phone: '12', email: 'not-an-email' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /valid phone|nomor HP yang benar/);
  assert.match(bad.text, /valid e-mail|e-mail yang benar/);
  assert.match(bad.text, /value="not-an-email"/, 'what was typed is kept');
  const ok = await client.post('/portal/account/contact', { version, phone: '0813 9999 0000', email: 'siti@example.id' });
  assert.equal(ok.status, 302);
  const row = await web.c.db('customers').where({ id: c.id }).first('phone', 'email', 'version');
  assert.deepEqual({ phone: row.phone, email: row.email, version: Number(row.version) }, { phone: '081399990000', email: 'siti@example.id', version: Number(version) + 1 });
  const audit = await web.c.db('audit_log').where({ object_type: 'customer', object_id: String(c.id), action: 'customer_contact_updated_by_customer' }).first();
  assert.equal(audit.actor, `customer ${c.customerNumber}`);
  assert.deepEqual(audit.after, { phone: '081399990000', email: 'siti@example.id' });
  const stale = await client.post('/portal/account/contact', { version, phone: '0813 1111 0000', email: '' });
  assert.equal(stale.status, 409);
  assert.equal((await web.c.db('customers').where({ id: c.id }).first('phone')).phone, '081399990000');
});

test('support tickets: open one (validated), see it by reference, reply (htmx swaps the thread)', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081288889999', password: 'sandi pelanggan 9' });
  const client = await portalClient(web.baseUrl);
  await signInWithPassword(client, c.customerNumber, 'sandi pelanggan 9');
  await client.get('/portal/account/tickets');
  const empty = await client.post('/portal/account/tickets', { subject: '', message: 'Internet mati' });
  assert.equal(empty.status, 422);
  assert.match(empty.text, /Isi judul|Enter a subject/);
  assert.match(empty.text, /Internet mati/, 'the message is kept');
  const opened = await client.post('/portal/account/tickets', { subject: 'Internet lambat malam hari', message: 'Sejak kemarin\nsangat lambat.' });
  assert.equal(opened.status, 302);
  const reference = /\/portal\/account\/tickets\/(T-2026-\d{6})\?opened=1$/.exec(opened.location ?? '')?.[1];
  assert.ok(reference, opened.location ?? '');
  const page = await client.get(`/portal/account/tickets/${reference}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Internet lambat malam hari/);
  assert.match(page.text, /Sejak kemarin\nsangat lambat\./);
  assert.match(page.text, /data-status="open"/);
  const list = await client.get('/portal/account/tickets');
  assert.ok(list.text.includes(reference!));
  const reply = await client.post(`/portal/account/tickets/${reference}/reply`, { message: 'Sudah saya restart router.' }, { 'HX-Request': 'true' });
  assert.equal(reply.status, 200);
  assert.match(reply.text, /^<section class="card" id="ticket-thread">/, 'only the thread, for htmx to swap');
  assert.match(reply.text, /Sudah saya restart router\./);
  const noJs = await client.post(`/portal/account/tickets/${reference}/reply`, { message: 'Masih lambat.' });
  assert.equal(noJs.status, 302);
  const messages = await web.c.db('ticket_messages as m').join('tickets as t', 't.id', 'm.ticket_id').where('t.reference', reference!).count({ n: '*' }).first();
  assert.equal(Number(messages!.n), 3);
});

test('the language follows the choice on the sign-in page, then Accept-Language', async () => {
  const client = await portalClient(web.baseUrl);
  assert.match((await client.get('/portal/account/login')).text, /Masuk ke akun Anda/);
  assert.equal((await client.get('/portal/account/login?lang=en')).status, 302);
  assert.match((await client.get('/portal/account/login')).text, /Sign in to your account/);
  const english = await fetch(`${web.baseUrl}/portal/account/login`, { headers: { 'accept-language': 'en-GB,en;q=0.8' } });
  assert.match(await english.text(), /Sign in to your account/);
});

test('a phone that several customers share (a family): the code signs in to the first, with a switch to the others only', async () => {
  const older = await portalCustomer(web.c.db, { name: 'Pak Slamet', phone: '081500001111', invoices: 1 });
  const younger = await portalCustomer(web.c.db, { name: 'Bu Slamet', phone: '+62 815-0000-1111', invoices: 1 });
  const stranger = await portalCustomer(web.c.db, { name: 'Tetangga', phone: '081500009999', invoices: 1 });
  const client = await portalClient(web.baseUrl);
  assert.equal((await signInWithCode(client, wa, '081500001111', '6281500001111')).status, 302);
  const home = await client.get('/portal/account');
  assert.match(home.text, new RegExp(`Pak Slamet</strong> · ${older.customerNumber}`));
  assert.match(home.text, new RegExp(`<option value="${younger.customerNumber}"`));
  assert.doesNotMatch(home.text, new RegExp(stranger.customerNumber));
  assert.equal((await client.post('/portal/account/switch', { account: stranger.customerNumber })).status, 404, 'only the accounts of that phone');
  await client.get('/portal/account');
  assert.equal((await client.post('/portal/account/switch', { account: younger.customerNumber })).location, '/portal/account');
  const switched = await client.get('/portal/account');
  assert.match(switched.text, new RegExp(`Bu Slamet</strong> · ${younger.customerNumber}`));
  assert.ok(decode(switched.text).includes(younger.invoices[0]!.number));
  assert.ok(!decode(switched.text).includes(older.invoices[0]!.number));
});
