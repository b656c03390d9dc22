/**
 * The self-service portal's safety: two customers, each signed in on their own phone, try each
 * other's invoice numbers, invoice PDFs, pay links and tickets and get "not found" with nothing of
 * the other shown; a POST without the CSRF token is refused; the sign-in and one-time-code brakes
 * refuse with a clear message; and no page carries a customers.id, subscriptions.id or secret.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import type { AdminClient } from '../helpers/admin-client.js';
import { startFakeMidtrans, type FakeMidtrans } from '../helpers/fake-midtrans.js';
import { portalClient, portalCustomer, signInWithCode, signInWithPassword, startFakeWhatsApp, type FakeWhatsApp, type PortalCustomerFixture } from '../helpers/portal-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';
import { LIMITS } from '../../portal/account/sign-in.js';

let web: WebServer;
let wa: FakeWhatsApp;
let midtrans: FakeMidtrans;
const clock = settableClock('2026-11-21T03:00:00Z');
let ani: PortalCustomerFixture;
let budi: PortalCustomerFixture;
let aniPhone: AdminClient;
let budiPhone: AdminClient;
let budiTicket: string;

before(async () => {
  wa = await startFakeWhatsApp();
  midtrans = await startFakeMidtrans({ serverKey: 'SB-Mid-server-scope' });
  web = await startWebServer({
    clock, channels: wa.channels,
    env: { MIDTRANS_SERVER_KEY: 'SB-Mid-server-scope', MIDTRANS_CLIENT_KEY: 'SB-Mid-client-scope', MIDTRANS_API_URL: midtrans.url, MIDTRANS_SNAP_URL: midtrans.url },
  });
  // Customer ids and numbers far apart from anything a page shows by accident.
  await web.c.db.raw(`SELECT setval('customers_id_seq', 777000)`);
  await web.c.db.raw(`SELECT setval('subscriptions_id_seq', 888000)`);
  await web.c.db.raw(`SELECT setval('invoices_id_seq', 999000)`);
  await web.c.db.raw(`SELECT setval('tickets_id_seq', 555000)`);
  ani = await portalCustomer(web.c.db, { name: 'Ani Wulandari', phone: '081300001111', prefix: 'INVA', invoices: 2 });
  budi = await portalCustomer(web.c.db, { name: 'Budi Hartono', phone: '081300002222', password: 'budi punya sandi', prefix: 'INVB', invoices: 2 });
  aniPhone = await portalClient(web.baseUrl);
  assert.equal((await signInWithCode(aniPhone, wa, '081300001111', '6281300001111')).status, 302);
  budiPhone = await portalClient(web.baseUrl);
  assert.equal((await signInWithPassword(budiPhone, budi.customerNumber, 'budi punya sandi')).status, 302);
  await budiPhone.get('/portal/account/tickets');
  const opened = await budiPhone.post('/portal/account/tickets', { subject: 'Rahasia Budi', message: 'Pesan pribadi Budi' });
  budiTicket = /T-2026-\d{6}/.exec(opened.location ?? '')![0];
});
after(async () => {
  await web?.stop();
  await wa?.close();
  await midtrans?.close();
});

/** What must never appear in the other customer's pages. */
function assertNothingOf(text: string, other: PortalCustomerFixture, what: string): void {
  for (const needle of [other.customerNumber, other.username, ...other.invoices.map((i) => i.number), ...other.invoices.map((i) => encodeURIComponent(i.number)), 'Budi Hartono', 'Ani Wulandari', 'Rahasia Budi', 'Pesan pribadi Budi']) {
    if (other === budi && needle.startsWith('Ani')) continue;
    if (other === ani && (needle.startsWith('Budi') || needle.includes('Budi'))) continue;
    assert.ok(!text.includes(needle) && !text.includes(needle.replace(/\//g, '&#x2F;')), `${what} shows ${needle}`);
  }
}

test('another customer\'s invoice numbers, PDFs and pay links are "not found", showing nothing of them', async () => {
  const paymentsBefore = Number((await web.c.db('payments').count({ n: '*' }).first())!.n);
  for (const inv of budi.invoices) {
    const path = `/portal/account/invoices/${encodeURIComponent(inv.number)}`;
    for (const res of [await aniPhone.get(path), await aniPhone.get(`${path}/pdf`)]) {
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get('content-type')?.startsWith('text/html'), true);
      assertNothingOf(res.text, budi, path);
    }
    await aniPhone.get('/portal/account');
    const pay = await aniPhone.post(`${path}/pay`, { provider: 'midtrans' });
    assert.equal(pay.status, 404, `${path}/pay`);
    assertNothingOf(pay.text, budi, `${path}/pay`);
  }
  assert.equal(Number((await web.c.db('payments').count({ n: '*' }).first())!.n), paymentsBefore, 'no payment attempt was created');
  assert.equal(midtrans.requests.length, 0, 'the gateway was never asked');
  // A number that does not exist looks the same as another customer's.
  const none = await aniPhone.get(`/portal/account/invoices/${encodeURIComponent('INVB/2099/01/999999')}`);
  const theirs = await aniPhone.get(`/portal/account/invoices/${encodeURIComponent(budi.invoices[1]!.number)}`);
  const strip = (html: string): string => html.replace(/"X-CSRF-Token": "[^"]*"/g, '');
  assert.equal(strip(none.text), strip(theirs.text));
  // And the other way round: Budi cannot see Ani's.
  const back = await budiPhone.get(`/portal/account/invoices/${encodeURIComponent(ani.invoices[1]!.number)}`);
  assert.equal(back.status, 404);
  assertNothingOf(back.text, ani, 'Ani\'s invoice seen by Budi');
  // Each sees their own.
  assert.equal((await aniPhone.get(`/portal/account/invoices/${encodeURIComponent(ani.invoices[1]!.number)}`)).status, 200);
});

test('another customer\'s ticket cannot be read or answered', async () => {
  const page = await aniPhone.get(`/portal/account/tickets/${budiTicket}`);
  assert.equal(page.status, 404);
  assertNothingOf(page.text, budi, 'ticket page');
  await aniPhone.get('/portal/account/tickets');
  const reply = await aniPhone.post(`/portal/account/tickets/${budiTicket}/reply`, { message: 'Ani was here' });
  assert.equal(reply.status, 404);
  const rows = await web.c.db('ticket_messages').where('body', 'like', '%Ani was here%');
  assert.equal(rows.length, 0);
  const list = await aniPhone.get('/portal/account/tickets');
  assert.ok(!list.text.includes(budiTicket), 'not in her list');
  assert.equal((await budiPhone.get(`/portal/account/tickets/${budiTicket}`)).status, 200);
});

test('every page of both customers: no customers.id, subscriptions.id, invoice id or secret, and nothing of the other', async () => {
  const secrets = [web.c.config.APP_SECRET_KEY, 'SB-Mid-server-scope', 'budi punya sandi'].filter((s): s is string => Boolean(s));
  for (const [me, other, phone] of [[ani, budi, aniPhone], [budi, ani, budiPhone]] as const) {
    const { rows: ticketRows } = await web.c.db.raw('SELECT t.id, t.reference FROM tickets t WHERE t.customer_id = ?', [me.id]);
    const pages = [
      '/portal/account', '/portal/account/invoices', '/portal/account/payments', '/portal/account/usage', '/portal/account/contact',
      '/portal/account/password', '/portal/account/tickets',
      ...me.invoices.map((i) => `/portal/account/invoices/${encodeURIComponent(i.number)}`),
      ...(ticketRows as Array<{ reference: string }>).map((t) => `/portal/account/tickets/${t.reference}`),
    ];
    for (const path of pages) {
      const res = await phone.get(path);
      assert.equal(res.status, 200, path);
      const ids = [String(me.id), String(me.subscriptionId), ...me.invoices.map((i) => String(i.id)), ...(ticketRows as Array<{ id: number }>).map((t) => String(t.id))];
      for (const id of ids) assert.doesNotMatch(res.text, new RegExp(`(?<![0-9])${id}(?![0-9])`), `${path} shows internal id ${id}`);
      for (const s of secrets) assert.ok(!res.text.includes(s), `${path} shows a secret`);
      assert.doesNotMatch(res.text, /portal_password_hash|\$2[aby]\$/, `${path} shows a password hash`);
      assertNothingOf(res.text, other, path);
    }
  }
});

test('a state change without the CSRF token, or with another browser\'s, is refused with 403 and changes nothing', async () => {
  const before = await web.c.db('customers').where({ id: ani.id }).first('phone', 'version');
  await aniPhone.get('/portal/account/contact');
  const none = await aniPhone.post('/portal/account/contact', { version: String(before.version), phone: '081399999999', email: '', _csrf: null });
  assert.equal(none.status, 403);
  assert.match(none.text, /kedaluwarsa|expired/);
  const foreign = await aniPhone.post('/portal/account/contact', { version: String(before.version), phone: '081399999999', email: '', _csrf: budiPhone.csrf });
  assert.equal(foreign.status, 403);
  const tickets = await aniPhone.post('/portal/account/tickets', { subject: 'x', message: 'y', _csrf: null });
  assert.equal(tickets.status, 403);
  const login = await (await portalClient(web.baseUrl)).post('/portal/account/login', { identifier: budi.customerNumber, password: 'budi punya sandi', _csrf: null });
  assert.equal(login.status, 403, 'sign-in too');
  assert.deepEqual(await web.c.db('customers').where({ id: ani.id }).first('phone', 'version'), before);
});

test('signed out, every account page leads to sign-in', async () => {
  const stranger = await portalClient(web.baseUrl);
  for (const path of ['/portal/account', '/portal/account/invoices', `/portal/account/invoices/${encodeURIComponent(budi.invoices[0]!.number)}/pdf`, `/portal/account/tickets/${budiTicket}`]) {
    const res = await stranger.get(path);
    assert.equal(res.status, 302, path);
    assert.match(res.location ?? '', /^\/portal\/account\/login/);
  }
  const htmx = await stranger.get('/portal/account/invoices?page=2', { 'HX-Request': 'true' });
  assert.equal(htmx.status, 204);
  assert.equal(htmx.headers.get('hx-redirect'), '/portal/account/login');
});

test('wrong passwords: after the limit the account is refused, even with the right password, with how long to wait', async () => {
  const c = await portalCustomer(web.c.db, { phone: '081300003333', password: 'sandi yang benar 1' });
  for (let i = 0; i < LIMITS.passwordAccount; i++) {
    const res = await signInWithPassword(await portalClient(web.baseUrl), c.customerNumber, `salah ${i}`);
    assert.equal(res.status, 401, `attempt ${i + 1}`);
  }
  const refused = await signInWithPassword(await portalClient(web.baseUrl), c.customerNumber, 'sandi yang benar 1');
  assert.equal(refused.status, 429);
  assert.match(refused.text, /Terlalu banyak percobaan\. Coba lagi dalam 15 menit\./);
  // Another customer from the same address is not locked out by it.
  assert.equal((await signInWithPassword(await portalClient(web.baseUrl), budi.customerNumber, 'budi punya sandi')).status, 302);
});

test('codes: too many requested for one number, or too many wrong ones, are refused with a clear message', async () => {
  await portalCustomer(web.c.db, { phone: '081300004444' });
  const phone = await portalClient(web.baseUrl);
  for (let i = 0; i < LIMITS.codeSendSubject; i++) assert.equal((await phone.post('/portal/account/login/code', { identifier: '081300004444' })).status, 200);
  const tooMany = await phone.post('/portal/account/login/code', { identifier: '0813-0000-4444' });
  assert.equal(tooMany.status, 429);
  assert.match(tooMany.text, /Terlalu banyak percobaan\. Coba lagi dalam 15 menit\./);
  const sent = wa.sentTo('6281300004444').length;
  assert.equal(sent <= LIMITS.codeSendSubject, true, `at most ${LIMITS.codeSendSubject} messages (${sent})`);

  // Wrong codes: each challenge dies after 5 wrong tries; the number is refused after 10 in the window.
  const code = await wa.codeFor('6281300004444');
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) assert.equal((await phone.post('/portal/account/login/verify', { identifier: '081300004444', code: wrong })).status, 401);
  assert.equal((await phone.post('/portal/account/login/verify', { identifier: '081300004444', code })).status, 401, 'the right code no longer works after 5 wrong ones');
  for (let i = 0; i < 4; i++) await phone.post('/portal/account/login/verify', { identifier: '081300004444', code: wrong });
  const refused = await phone.post('/portal/account/login/verify', { identifier: '081300004444', code: wrong });
  assert.equal(refused.status, 429);
  assert.match(refused.text, /Terlalu banyak kode yang salah\. Coba lagi dalam 15 menit\./);
});
