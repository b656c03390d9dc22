/**
 * The captive portal of the walled garden on the whole product (startBillingStack: radius role
 * with a NAS emulator, web app, billing worker, fake Midtrans and Xendit behind the official
 * SDKs). Subscribers on a 150.000 plan are walked through real invoice runs and dunning passes
 * from 20 November 2026 to 18 January 2027: December and January unpaid, suspended since
 * 18 December. Their router sessions are opened by radclient with a Framed-IP-Address in 127/8,
 * and the tests' HTTP requests leave from that address, so the portal finds them by the request's
 * source as it would behind the router's dst-nat.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { retryPaymentEvent } from '../../billing/webhooks/retry-payment-event.js';
import { issueCaptiveToken } from '../../portal/captive/captive-token.js';
import { createCustomer, createPlan, createSubscription } from '../helpers/factories.js';
import { nineAm, setBillingSettings } from '../helpers/billing-fixtures.js';
import { startBillingStack, type BillingStack } from '../helpers/billing-stack.js';
import {
  COMPANY, csrfIn, dialIn, hangUp, portalClient, setCompany, subscriber, tokenIn, walkDays,
  type PortalClient, type Subscriber,
} from '../helpers/captive-fixtures.js';
import { setGatewaysOn } from '../helpers/gateway-switch.js';
import { nextNasRequest } from '../helpers/nas-emulator.js';

const PRICE = 150_000;
let stack: BillingStack;
let budi: Subscriber;
let siti: Subscriber;
let dewi: Subscriber;
let agus: Subscriber;
let rina: Subscriber;
const htmx = { 'HX-Request': 'true' };

/** A client from the subscriber's address. */
const from = (ip: string): PortalClient => portalClient(stack.baseUrl, ip);

/** Rows of `table` matching `where`. */
const count = async (table: string, where: Record<string, unknown>): Promise<number> =>
  Number((await stack.c.db(table).where(where).count<Array<{ count: string }>>('* as count'))[0]!.count);

/**
 * Every URL, form value and data attribute a page hands the browser is one of the shapes below:
 * none carries a row id (subscription, customer, invoice) a client could change.
 */
function assertNoInternalIds(html: string): void {
  const urls = [...html.matchAll(/(?:href|action|hx-get|src|value)="([^"]*)"/g)].map((m) => m[1]!);
  assert.ok(urls.length > 5);
  for (const v of urls) {
    const ok = /^\/portal\/captive\/(status|pay)\/[0-9a-f]{32}\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/.test(v) || /^\/static\/[a-z/.]+$/.test(v)
      || /^(tel:[\d+]+|mailto:\S+|https:\/\/wa\.me\/62\d+)$/.test(v) || v === '/portal/captive' || /^(midtrans|xendit)$/.test(v) || /^[A-Za-z0-9_-]{43}$/.test(v);
    assert.ok(ok, `unexpected URL or value in the page: ${v}`);
  }
  for (const [, name, v] of html.matchAll(/data-([a-z-]+)="([^"]*)"/g)) assert.ok(!/^\d+$/.test(v!), `data-${name}="${v}"`);
}

before(async () => {
  stack = await startBillingStack({ start: nineAm('2026-11-20') });
  const { db } = stack.c;
  await setCompany(stack);
  const plan = await createPlan(db, { name: 'Rumahan 10 Mbps', price: PRICE, softLimitRateLimit: '1M/1M' });
  budi = await subscriber(stack, plan.id, 'Budi Santoso');
  siti = await subscriber(stack, plan.id, 'Siti Rahmawati');
  dewi = await subscriber(stack, plan.id, 'Dewi Lestari');
  rina = await subscriber(stack, plan.id, 'Rina Marlina');
  await walkDays(stack, '2026-11-20', '2027-01-18');
  stack.clock.set('2027-01-18T05:00:00Z'); // noon in Jakarta
  for (const s of [budi, siti, dewi, rina]) {
    const invoices = await db('invoices').where({ subscription_id: s.id }).orderBy('due_date').select('status', 'total', 'due_date');
    assert.deepEqual(invoices.map((i) => [i.status, i.total, i.due_date]), [['overdue', PRICE, '2026-12-11'], ['overdue', PRICE, '2027-01-11']]);
    assert.equal((await db('subscriptions').where({ id: s.id }).first('status')).status, 'suspended');
  }
  // Dewi made a promise that held the suspension: soft-limited only (accepted, slower).
  await db('subscriptions').where({ id: dewi.id }).update({ status: 'soft_limited', status_reason: 'dunning_soft_limit' });
  // Agus joined this month: nothing billed yet, active.
  const customer = await createCustomer(db, { name: 'Agus Kurniawan' });
  const a = await createSubscription(db, { customerId: customer.id, planId: plan.id, anchorDay: 18 });
  agus = { id: a.id, customerId: customer.id, customerNumber: customer.customerNumber, name: 'Agus Kurniawan', username: a.username, password: a.password };

  await dialIn(stack, budi, '127.0.0.1', 'cp-budi-1', 'walled_garden');
  await dialIn(stack, siti, '127.0.0.2', 'cp-siti-1', 'walled_garden');
  await dialIn(stack, agus, '127.0.0.3', 'cp-agus-1', 'accept');
  await dialIn(stack, dewi, '127.0.0.4', 'cp-dewi-1', 'accept');
  await dialIn(stack, rina, '127.0.0.6', 'cp-rina-1', 'walled_garden');
});

after(async () => {
  await stack?.stop();
});

test('a suspended subscriber sees who they are (masked), what they owe, pays through Midtrans, and is back online within 5 s', async (t) => {
  const { db } = stack.c;
  const browser = from('127.0.0.1');
  const page = await browser.get('/portal/captive');
  assert.equal(page.status, 200);
  const html = page.body;
  assert.match(html, /<h1>Internet Anda sedang diisolir<\/h1>/, 'Indonesian without Accept-Language');
  assert.match(html, /data-name>Bu\*\* Sa\*\*\*\*\*</);
  assert.match(html, new RegExp(`data-customer-number>CUST\\*+${budi.customerNumber.slice(-2)}<`));
  for (const secret of ['Budi', 'Santoso', budi.customerNumber, budi.username]) assert.ok(!html.includes(secret), `${secret} is not shown`);
  assert.match(html, /Rumahan 10 Mbps/);
  // Both bills, due dates as the ISP's calendar has them, the total, and one payment for both.
  assert.match(html, /11\/12\/2026<\/span> <span class="tag">terlambat<\/span>/);
  assert.match(html, /11\/01\/2027<\/span> <span class="tag">terlambat<\/span>/);
  assert.match(html, /data-total>Rp 300\.000</);
  assert.match(html, /data-pay-amount>Rp 300\.000</);
  assert.match(html, /<button type="submit" name="provider" value="midtrans">Bayar dengan QRIS, virtual account atau e-wallet<\/button>/);
  assert.match(html, /<button type="submit" name="provider" value="xendit">/);
  assert.match(html, /data-state="unpaid"[^>]*hx-get="\/portal\/captive\/status\/[^"]+" hx-trigger="every 3s"/);
  assert.match(html, /src="\/static\/vendor\/htmx\/htmx\.min\.js"/);
  assert.ok(html.includes(COMPANY.companyPhone), 'the ISP contact is on the page');
  assertNoInternalIds(html);
  const token = tokenIn(html);

  const pay = await browser.post(`/portal/captive/pay/${token}`, { _csrf: csrfIn(html), provider: 'midtrans' });
  assert.equal(pay.status, 303);
  const location = String(pay.headers.location);
  assert.ok(location.startsWith(`${stack.midtrans.url}/snap/v4/redirection/`), location);
  const tx = [...stack.midtrans.transactions.values()].find((t) => location.endsWith(t.token));
  assert.ok(tx, 'the Snap transaction behind the redirect');
  assert.equal(tx.grossAmount, 2 * PRICE, 'one payment for both overdue bills');
  assert.deepEqual(tx.request.callbacks, { finish: `${stack.baseUrl}/portal/captive/done/${token}` });

  // While the customer is on the gateway's page, the poll says a payment is waiting.
  const waiting = await browser.get(`/portal/captive/status/${token}`, htmx);
  assert.equal(waiting.status, 200);
  assert.doesNotMatch(waiting.body, /<html/, 'a fragment');
  assert.match(waiting.body, /data-state="pending"/);
  assert.match(waiting.body, /data-pending-amount>Rp 300\.000</);
  // Snap's finish redirect before the money arrived (a virtual account to pay at the ATM): the page, still waiting.
  const back = await browser.get(`/portal/captive/done/${token}?order_id=${tx.orderId}&status_code=201&transaction_status=pending`);
  assert.equal(back.status, 200);
  assert.match(back.body, /<html/);
  assert.match(back.body, /data-state="pending"[^>]*hx-trigger="every 3s"/);
  // Pressing pay again reopens the same Snap order.
  const again = await browser.post(`/portal/captive/pay/${token}`, { _csrf: csrfIn(back.body), provider: 'midtrans' });
  assert.equal(again.headers.location, location);
  assert.equal(stack.midtrans.transactions.size, 1);

  const paidAt = Date.now();
  const told = nextNasRequest(stack.nas, budi.username);
  stack.midtrans.pay(tx.orderId);
  assert.equal((await stack.midtrans.notify(tx.orderId, `${stack.baseUrl}/webhooks/midtrans`)).status, 200);
  let fragment = '';
  while (!/data-state="online"/.test(fragment)) {
    assert.ok(Date.now() - paidAt < 5000, `not back online within 5 s: ${fragment}`);
    await new Promise((r) => setTimeout(r, 100));
    fragment = (await browser.get(`/portal/captive/status/${token}`, htmx)).body;
  }
  const onlineMs = Date.now() - paidAt;
  assert.match(fragment, /Pembayaran diterima: internet Anda aktif kembali/);
  assert.doesNotMatch(fragment, /hx-trigger/, 'the poll stops');
  assert.match(fragment, /<hx-partial hidden hx-target="#captive-bill" hx-swap="delete">/, 'the paid bill leaves the page');
  assert.match(fragment, /<hx-partial hidden hx-target="#captive-heading" hx-swap="outerHTML">\s*<div id="captive-heading" data-access="active">/);
  const nas = await told;
  assert.ok(nas, `the router heard nothing: ${JSON.stringify(stack.nas.received.map((r) => r.kind))}`);
  assert.ok(nas.ms < 5000, `the router was told ${nas.ms} ms after the payment`);
  assert.ok(['disconnect', 'coa'].includes(nas.request.kind));
  assert.equal(stack.nas.attr(nas.request, 'Acct-Session-Id'), 'cp-budi-1');
  assert.equal(stack.nas.attr(nas.request, 'Framed-IP-Address'), '127.0.0.1');
  assert.ok(onlineMs < 5000, `back online after ${onlineMs} ms`);
  t.diagnostic(`after the gateway's notification: router told in ${nas.ms} ms, status fragment "online" in ${onlineMs} ms`);

  assert.deepEqual(await db('invoices').where({ customer_id: budi.customerId }).orderBy('due_date').pluck('status'), ['paid', 'paid']);
  assert.deepEqual(await db('payments').where({ customer_id: budi.customerId }).select('status', 'amount', 'method'), [{ status: 'settled', amount: 2 * PRICE, method: 'midtrans' }]);
  assert.equal((await db('subscriptions').where({ id: budi.id }).first('status')).status, 'active');

  // The router dropped the walled-garden session and Budi dialled in again with another address:
  // the token still knows him; his old address is nobody's now.
  await hangUp(stack, budi, 'cp-budi-1');
  await dialIn(stack, budi, '127.0.0.5', 'cp-budi-2', 'accept');
  assert.match((await browser.get(`/portal/captive/status/${token}`, htmx)).body, /data-state="online"/);
  const full = await browser.get(`/portal/captive/status/${token}`);
  assert.match(full.body, /<h1>Internet Anda aktif<\/h1>/);
  assert.match(full.body, /<hx-partial hidden /, 'the poll\'s partials stay hidden in a whole page');
  assert.doesNotMatch(full.body, /name="provider"/, 'nothing left to pay');
  assert.match((await from('127.0.0.1').get('/portal/captive')).body, /data-variant="unknown"/);
  assert.match((await from('127.0.0.5').get('/portal/captive')).body, /data-variant="active"/);
});

test('an address without an open session, or an active subscriber, gets a friendly page with the ISP contact (200), never an error', async () => {
  for (const [ip, variant, heading] of [['127.0.0.9', 'unknown', 'Welcome'], ['127.0.0.3', 'active', 'Your internet is active']] as const) {
    const res = await from(ip).get('/portal/captive', { 'Accept-Language': 'en-US,en;q=0.9' });
    assert.equal(res.status, 200, ip);
    assert.match(res.body, new RegExp(`data-variant="${variant}"`));
    assert.match(res.body, new RegExp(`<h1>${heading}</h1>`));
    for (const shown of Object.values(COMPANY)) assert.ok(res.body.includes(shown), `${shown} on the page for ${ip}`);
    assert.match(res.body, /href="tel:081234567890"/);
    assert.doesNotMatch(res.body, /<form|hx-get|Rp /, 'no bill, no form, no poll');
    for (const other of [agus.customerNumber, 'Agus', 'Ag**']) assert.ok(!res.body.includes(other), `${other}: nobody's account`);
  }
});

test('a soft-limited subscriber sees the slow-down, the bill and the pay buttons', async () => {
  const res = await from('127.0.0.4').get('/portal/captive', { 'Accept-Language': 'en' });
  assert.equal(res.status, 200);
  assert.match(res.body, /<h1>Your internet is slowed down<\/h1>/);
  assert.match(res.body, /data-name>De\*\* Le\*\*\*\*\*</);
  assert.match(res.body, /data-pay-amount>Rp 300\.000</);
  assert.match(res.body, /Once this payment arrives, your internet comes back on by itself/);
});

test('a tampered, foreign or expired token is refused (403) and pays nothing; a POST without the CSRF token too', async () => {
  const browser = from('127.0.0.2');
  const html = (await browser.get('/portal/captive')).body;
  const token = tokenIn(html);
  const csrf = csrfIn(html);
  const sitiSession = String((await stack.c.db('accounting_sessions').where({ acct_session_id: 'cp-siti-1' }).first('session_key')).session_key);
  const budiSession = String((await stack.c.db('accounting_sessions').where({ acct_session_id: 'cp-budi-1' }).first('session_key')).session_key);
  const [, expires, sig] = token.split('.');
  // A character inside the signature (the last one also holds padding bits a decoder ignores).
  const flip = (s: string): string => s.slice(0, -5) + (s.at(-5) === 'A' ? 'B' : 'A') + s.slice(-4);
  const refused: Array<[string, string]> = [
    ['a changed signature', flip(token)],
    ['another subscriber\'s session under this signature', `${budiSession.replaceAll('-', '')}.${expires}.${sig}`],
    ['a later expiry under this signature', `${sitiSession.replaceAll('-', '')}.${(Number.parseInt(expires!, 36) + 86_400).toString(36)}.${sig}`],
    ['expired', issueCaptiveToken(stack.c.signer, sitiSession, new Date(stack.clock.now().getTime() - 25 * 3600 * 1000))],
    ['signed for another purpose', stack.c.signer.sign('pay', `${sitiSession.replaceAll('-', '')}.${expires}`)],
    ['not a token', 'abc'],
    ['far too long', 'a'.repeat(500)],
  ];
  const paymentsBefore = await count('payments', { customer_id: siti.customerId });
  for (const [what, bad] of refused) {
    const poll = await browser.get(`/portal/captive/status/${bad}`, htmx);
    assert.equal(poll.status, 403, what);
    assert.match(poll.body, /data-state="invalid"/, what);
    assert.doesNotMatch(poll.body, /hx-trigger/, `${what}: the poll stops`);
    const done = await browser.get(`/portal/captive/done/${bad}`);
    assert.equal(done.status, 403, what);
    assert.match(done.body, /Halaman ini sudah kedaluwarsa/, what);
    assert.doesNotMatch(done.body, /Si\*\*|Bu\*\*|Rp /, `${what}: nobody's account`);
    const pay = await browser.post(`/portal/captive/pay/${bad}`, { _csrf: csrf, provider: 'midtrans' });
    assert.equal(pay.status, 403, what);
  }
  const noCsrf = await browser.post(`/portal/captive/pay/${token}`, { provider: 'midtrans' });
  assert.equal(noCsrf.status, 403);
  assert.match(noCsrf.body, /Halaman sudah kedaluwarsa/);
  const wrongCsrf = await browser.post(`/portal/captive/pay/${token}`, { provider: 'midtrans', _csrf: 'x'.repeat(43) });
  assert.equal(wrongCsrf.status, 403);
  const otherBrowser = await from('127.0.0.2').post(`/portal/captive/pay/${token}`, { provider: 'midtrans', _csrf: csrf });
  assert.equal(otherBrowser.status, 403, 'the CSRF field without its cookie');
  assert.equal(await count('payments', { customer_id: siti.customerId }), paymentsBefore, 'no payment link was made');
});

test('another subscriber\'s data is never shown, and the pay form pays only the bill of the token\'s subscriber', async () => {
  const { db } = stack.c;
  const browser = from('127.0.0.2');
  const html = (await browser.get('/portal/captive')).body;
  assert.match(html, /data-name>Si\*\* Ra\*{7}</);
  for (const other of ['Bu**', 'De**', 'Budi', 'Dewi', budi.customerNumber, dewi.customerNumber]) assert.ok(!html.includes(other), `${other} is not on Siti's page`);
  const sitiInvoices = await db('invoices').where({ customer_id: siti.customerId }).orderBy('due_date').pluck('id');
  const budiInvoices = await db('invoices').where({ customer_id: budi.customerId }).pluck('id');
  for (const n of (await db('invoices').where({ customer_id: budi.customerId }).pluck('invoice_number'))) assert.ok(!html.includes(n), `Budi's ${n} not shown`);
  const token = tokenIn(html);

  assert.equal((await browser.post(`/portal/captive/pay/${token}`, { _csrf: csrfIn(html), provider: 'paypal' })).status, 400, 'an unknown provider');
  // Ids slipped into the form change nothing: the token decides whose bill it is.
  const pay = await browser.post(`/portal/captive/pay/${token}`, {
    _csrf: csrfIn(html), provider: 'xendit', invoice_id: String(budiInvoices[0]), invoiceId: String(budiInvoices[0]), customer_id: String(budi.customerId),
  });
  assert.equal(pay.status, 303);
  assert.ok(String(pay.headers.location).startsWith(stack.xendit.url), String(pay.headers.location));
  const payments = await db('payments').where({ method: 'xendit' }).select('customer_id', 'invoice_id', 'amount', 'status');
  assert.deepEqual(payments, [{ customer_id: siti.customerId, invoice_id: sitiInvoices[1], amount: 2 * PRICE, status: 'pending' }]);
  assert.equal(await count('payments', { customer_id: budi.customerId, method: 'xendit' }), 0);
});

test('a subscriber who paid while the gateway cannot confirm it is told the payment is being confirmed, never asked to pay again', async () => {
  const { db } = stack.c;
  const browser = from('127.0.0.6');
  const html = (await browser.get('/portal/captive')).body;
  const token = tokenIn(html);
  const pay = await browser.post(`/portal/captive/pay/${token}`, { _csrf: csrfIn(html), provider: 'midtrans' });
  assert.equal(pay.status, 303);
  const tx = [...stack.midtrans.transactions.values()].find((t) => String(pay.headers.location).endsWith(t.token));
  assert.ok(tx);
  stack.midtrans.pay(tx.orderId);
  stack.midtrans.setDown(true);
  try {
    assert.equal((await stack.midtrans.notify(tx.orderId, `${stack.baseUrl}/webhooks/midtrans`)).status, 200);
    const started = Date.now();
    while (!(await db('payment_events').where({ order_id: tx.orderId }).where('attempts', '>', 0).first('id'))) {
      assert.ok(Date.now() - started < 10_000, 'the worker tried the gateway');
      await new Promise((r) => setTimeout(r, 50));
    }
    const transactions = stack.midtrans.transactions.size;
    const shows = async (what: string, headers: Record<string, string> = {}): Promise<string> => {
      const page = await browser.get(`/portal/captive/status/${token}`, headers);
      assert.equal(page.status, 200);
      assert.match(page.body, /data-state="confirming"[^>]*hx-trigger="every 3s"/, what);
      assert.doesNotMatch(page.body, /name="provider"|data-pay-amount/, `${what}: no second payment offered`);
      const again = await browser.post(`/portal/captive/pay/${token}`, { _csrf: csrfIn(html), provider: 'midtrans' });
      assert.equal(again.status, 303);
      assert.equal(again.headers.location, `/portal/captive/status/${token}`, `${what}: pressing an old pay button leads back to the page`);
      assert.equal(stack.midtrans.transactions.size, transactions, `${what}: no new order`);
      return page.body;
    };
    assert.match(await shows('while the gateway is asked again'), /Pembayaran Anda sedang dikonfirmasi/);
    // What giving up after days of retries leaves: the notification failed, waiting for staff.
    await db('payment_events').where({ order_id: tx.orderId }).update({ status: 'failed' });
    assert.match(await shows('while staff are to check it', { 'Accept-Language': 'en' }), /Your payment is being confirmed[\s\S]*no need to pay again/);
  } finally {
    stack.midtrans.setDown(false);
  }
  const [event] = await db('payment_events').where({ order_id: tx.orderId }).pluck('id');
  const outcome = await stack.engine.run((u) => retryPaymentEvent({ ...u, gateways: stack.engine.gateways }, Number(event), { staffUserId: null, username: 'test', ip: null }));
  assert.equal(outcome, 'credited');
  assert.match((await browser.get(`/portal/captive/status/${token}`, htmx)).body, /data-state="online"/);
});

test('with no gateway on, the page says how to pay by bank transfer: the ISP\'s accounts, the amount, the invoice numbers for the note, where to confirm', async () => {
  const { db } = stack.c;
  const dewiInvoices = await db('invoices').where({ customer_id: dewi.customerId }).orderBy('due_date').pluck('invoice_number');
  const BCA = { bank: 'BCA', number: '123 456 7890', holder: 'PT NetDesa Sejahtera' };
  await setBillingSettings(db, { bankAccounts: [BCA, { bank: 'Bank Mandiri', number: '137-00-1234567-8', holder: 'NetDesa' }] });
  await setGatewaysOn(stack, false);
  try {
    const browser = from('127.0.0.4');
    const page = await browser.get('/portal/captive');
    assert.equal(page.status, 200);
    const html = page.body;
    assert.doesNotMatch(html, /name="provider"|data-pay-amount/, 'no Pay button without a gateway');
    assert.match(html, /<section class="card captive-bank" data-bank-transfer>\s*<h2>Bayar lewat transfer bank <span class="amount" data-bank-amount>Rp 300\.000<\/span>/);
    assert.match(html, /<strong>BCA<\/strong> <span class="captive-acct-no">123 456 7890<\/span><br><span class="muted">atas nama PT NetDesa Sejahtera<\/span>/);
    assert.match(html, /<strong>Bank Mandiri<\/strong> <span class="captive-acct-no">137-00-1234567-8<\/span>/);
    assert.match(html, new RegExp(`Tulis di berita transfer: <strong data-bank-reference>${dewiInvoices.join(', ')}</strong>`));
    assert.match(html, /<a class="button" href="https:\/\/wa\.me\/6281234567890" data-bank-confirm>Konfirmasi via WhatsApp<\/a>/);
    assertNoInternalIds(html);
    assert.match((await browser.get('/portal/captive', { 'Accept-Language': 'en' })).body, /Pay by bank transfer <span class="amount" data-bank-amount>Rp 300\.000[\s\S]*Write in the transfer note:/);

    // No account set either: pay at the office, with the same invoice numbers.
    await setBillingSettings(db, { bankAccounts: [] });
    const office = (await browser.get('/portal/captive')).body;
    assert.match(office, /Silakan bayar di kantor kami, dan sebutkan: <strong data-bank-reference>/);
    assert.doesNotMatch(office, /data-bank-account/);
  } finally {
    await setGatewaysOn(stack, true);
  }
  // A gateway on and an account set: the Pay buttons first, the transfer as a second way.
  await setBillingSettings(db, { bankAccounts: [BCA] });
  const both = (await from('127.0.0.4').get('/portal/captive')).body;
  assert.match(both, /data-pay-amount>Rp 300\.000<[\s\S]*name="provider" value="midtrans"[\s\S]*<h2>Atau bayar lewat transfer bank<\/h2>[\s\S]*data-bank-amount>Rp 300\.000</);
  await setBillingSettings(db, { bankAccounts: [] });
  assert.doesNotMatch((await from('127.0.0.4').get('/portal/captive')).body, /data-bank-transfer/, 'no account, a gateway on: only the Pay buttons');
});

test('the help card is never empty: the ISP\'s contact with a WhatsApp link, or a default text in both languages', async () => {
  const filled = (await from('127.0.0.4').get('/portal/captive')).body;
  const card = /<section class="card captive-contact" data-contact>[\s\S]*?<\/section>/.exec(filled)?.[0] ?? '';
  assert.match(card, /<a href="tel:081234567890">0812-3456-7890<\/a>/);
  assert.match(card, /WhatsApp: <a href="https:\/\/wa\.me\/6281234567890">Chat dengan kami<\/a>/);
  assert.match(card, /cs@netdesa\.example[\s\S]*Jl\. Kenanga No\. 5, Sleman/);
  assert.doesNotMatch(card, /data-contact-default/);

  // The settings as a fresh install has them.
  await stack.c.db('settings').where({ key: 'billing' }).delete();
  try {
    for (const [ip, lang, text] of [['127.0.0.4', 'id', 'Hubungi kantor penyedia internet Anda'], ['127.0.0.9', 'en', 'Contact your internet provider']] as const) {
      const body = (await from(ip).get('/portal/captive', { 'Accept-Language': lang })).body;
      const empty = /<section class="card captive-contact" data-contact>[\s\S]*?<\/section>/.exec(body)?.[0] ?? '';
      assert.match(empty, /<strong>ISP<\/strong>/, `${ip}: the default name`);
      assert.match(empty, new RegExp(`<p data-contact-default>${text}`), `${ip}: the default text`);
      assert.doesNotMatch(empty, /<ul>/, `${ip}: no empty list`);
    }
  } finally {
    await setCompany(stack);
  }
});
