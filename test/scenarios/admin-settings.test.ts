/**
 * The console's settings screens against the real database: only an admin reaches them;
 * company, tax and invoicing saved with validation, kept input and stale refusal; the time zone
 * shown as the environment sets it; access settings reach the radius role through LISTEN/NOTIFY;
 * a Midtrans key and an SMS gateway saved in the console are used at once (pay link, webhook
 * signature, test message) while the key never shows in a page, an audit row or a log line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBillingSettings } from '../../billing/settings/billing-settings.js';
import { basisPointsToPercent, percentToBasisPoints } from '../../admin/settings/company-settings.js';
import { startFakeMidtrans, type FakeMidtrans } from '../helpers/fake-midtrans.js';
import { startFakeSmsGateway, type FakeProvider } from '../helpers/fake-messaging.js';
import { createCustomer } from '../helpers/factories.js';
import { auditRows, decodeHtml, formVersion, openInvoice, startConsoleServer, type ConsoleServer } from '../helpers/settings-fixtures.js';

const MIDTRANS_KEY = 'SB-Mid-server-console-7f3a9c1e4f2a';
const SMS_TOKEN = 'sms-token-console-5d8e2b7c';

let s: ConsoleServer;
let midtrans: FakeMidtrans;
let sms: FakeProvider;

before(async () => {
  midtrans = await startFakeMidtrans({ serverKey: MIDTRANS_KEY });
  sms = await startFakeSmsGateway({ token: SMS_TOKEN });
  // Only the addresses come from the environment (as for a sandbox); no key at all.
  s = await startConsoleServer({ radius: true, env: { MIDTRANS_API_URL: midtrans.url, MIDTRANS_SNAP_URL: midtrans.url } });
});
after(async () => {
  await s.stop();
  await Promise.all([midtrans.close(), sms.close()]);
});

test('percent ↔ basis points as staff type them', () => {
  assert.equal(percentToBasisPoints('11'), 1100);
  assert.equal(percentToBasisPoints('11,5'), 1150);
  assert.equal(percentToBasisPoints('11.25'), 1125);
  assert.equal(percentToBasisPoints(' 0 '), 0);
  assert.equal(percentToBasisPoints('100'), 10_000);
  for (const bad of ['', 'abc', '101', '11,555', '-1', '1e2']) assert.equal(percentToBasisPoints(bad), null, bad);
  assert.equal(basisPointsToPercent(1150), '11,5');
  assert.equal(basisPointsToPercent(1125), '11,25');
  assert.equal(basisPointsToPercent(1100), '11');
});

test('signed out, every settings, dunning and template route leads to the sign-in page and saves nothing', async () => {
  const { adminClient } = await import('../helpers/admin-client.js');
  const anon = adminClient(s.baseUrl);
  for (const path of ['/admin/settings', '/admin/settings/access', '/admin/settings/gateways', '/admin/settings/channels', '/admin/dunning', '/admin/dunning/1/edit', '/admin/templates', '/admin/templates/payment_reminder/id/all']) {
    assert.match((await anon.get(path)).location ?? '', /^\/admin\/login/, `GET ${path}`);
  }
  for (const path of ['/admin/settings', '/admin/settings/gateways/midtrans', '/admin/settings/channels/sms/test', '/admin/dunning/1/delete', '/admin/templates/preview', '/admin/templates/payment_reminder/id/all/reset']) {
    assert.match((await anon.post(path, { version: '0', _csrf: null })).location ?? '', /^\/admin\/login/, `POST ${path}`);
  }
});

test('a cashier, a technician and a viewer get 403 on every settings, dunning and template screen', async () => {
  for (const role of ['cashier', 'technician', 'viewer'] as const) {
    const client = await s.signedIn(role);
    for (const path of ['/admin/settings', '/admin/settings/access', '/admin/settings/gateways', '/admin/settings/channels', '/admin/dunning', '/admin/dunning/new', '/admin/templates', '/admin/templates/payment_reminder/id/all']) {
      assert.equal((await client.get(path)).status, 403, `${role} GET ${path}`);
    }
    for (const path of ['/admin/settings', '/admin/settings/access', '/admin/settings/gateways/midtrans', '/admin/settings/gateways/midtrans/check', '/admin/settings/channels/sms', '/admin/settings/channels/sms/test', '/admin/dunning', '/admin/templates/payment_reminder/id/all']) {
      assert.equal((await client.post(path, { companyName: 'Hacked', serverKey: 'x', version: '0' })).status, 403, `${role} POST ${path}`);
    }
    assert.doesNotMatch((await client.get('/admin')).text, /href="\/admin\/settings"/, `${role} sees no settings menu`);
  }
  assert.equal((await s.c.db('settings').whereIn('key', ['billing', 'payment_gateways']).count({ n: '*' }).first())!.n, 0, 'nothing was saved');
});

test('company and tax: PPN "11,5" is stored as 1150 basis points; bad input comes back 422 as typed; a stale form is refused; audited', async () => {
  const admin = await s.signedIn('admin');
  const page = await admin.get('/admin/settings');
  assert.equal(page.status, 200);
  assert.match(page.text, /ISP_TIME_ZONE/, 'the time zone says where it comes from');
  assert.match(page.text, /data-time-zone>Asia\/Jakarta</);
  const version = formVersion(page.text, '/admin/settings');
  const form = { version, companyName: 'Net Desa', companyPhone: '0812 3456 7890', companyEmail: 'billing@netdesa.id', companyAddress: 'Jl. Merdeka 1', tax: '11,5', invoicePrefix: 'nd', leadDays: '5', postpaidDueDays: '14' };

  const bad = await admin.post('/admin/settings', { ...form, tax: '11,555', invoicePrefix: 'N1', leadDays: '99', companyName: '' });
  assert.equal(bad.status, 422);
  for (const field of ['tax', 'invoicePrefix', 'leadDays', 'companyName']) assert.match(bad.text, new RegExp(`data-error="${field}"`), field);
  assert.match(bad.text, /name="tax" value="11,555"/, 'what was typed is kept');
  assert.match(bad.text, /name="companyAddress"[^>]*>Jl. Merdeka 1</);
  assert.equal((await s.c.db('settings').where({ key: 'billing' }).first()), undefined, 'nothing saved');

  const ok = await admin.post('/admin/settings', form);
  assert.equal(ok.status, 302);
  assert.equal(ok.location, '/admin/settings?saved=1');
  const saved = await loadBillingSettings(s.c.db);
  assert.equal(saved.taxBasisPoints, 1150);
  assert.equal(saved.invoicePrefix, 'ND');
  assert.deepEqual([saved.companyName, saved.companyPhone, saved.companyEmail, saved.leadDays, saved.postpaidDueDays], ['Net Desa', '0812 3456 7890', 'billing@netdesa.id', 5, 14]);
  assert.match((await admin.get('/admin/settings')).text, /name="tax" value="11,5"/);

  const stale = await admin.post('/admin/settings', { ...form, version, companyName: 'Someone Else' });
  assert.equal(stale.status, 409, 'the form was opened before the save above');
  assert.match(stale.text, /Someone else saved these settings/);
  assert.equal((await loadBillingSettings(s.c.db)).companyName, 'Net Desa');

  const audit = await auditRows(s.c.db, 'settings', 'billing');
  assert.equal(audit.length, 1);
  assert.equal((audit[0]!.after as { taxBasisPoints: number }).taxBasisPoints, 1150);
});

test('access settings: a bad rate limit is refused with the input kept; a saved change reaches the radius role through LISTEN/NOTIFY', async () => {
  const admin = await s.signedIn('admin');
  const page = await admin.get('/admin/settings/access');
  assert.equal(page.status, 200);
  assert.equal(s.radius!.replica.settings.suspendedAction, 'walled_garden');
  const form = {
    version: formVersion(page.text, '/admin/settings/access'), suspendedAction: 'reject', addressList: 'isolir-net', walledGardenRate: '256k/256k', framedPool: '',
    sessionTimeout: '1800', softLimitRate: '2M/2M', msg_rejected: 'Ditolak', msg_terminated: 'Berhenti', msg_suspended: 'Bayar dulu ya', msg_simultaneousUse: 'Sudah login',
  };
  const bad = await admin.post('/admin/settings/access', { ...form, walledGardenRate: 'very fast', sessionTimeout: '5' });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /data-error="walledGardenRate"/);
  assert.match(bad.text, /data-error="sessionTimeout"/);
  assert.match(bad.text, /name="walledGardenRate" value="very fast"/);

  const ok = await admin.post('/admin/settings/access', form);
  assert.equal(ok.status, 302);
  await s.radius!.sync.settled();
  const seen = s.radius!.replica.settings;
  assert.equal(seen.suspendedAction, 'reject');
  assert.equal(seen.walledGarden.addressList, 'isolir-net');
  assert.equal(seen.walledGarden.sessionTimeout, 1800);
  assert.equal(seen.messages.suspended, 'Bayar dulu ya');
  assert.equal((await auditRows(s.c.db, 'settings', 'aaa')).length, 1);
});

test('a Midtrans key saved in the console is used for pay links and webhook signatures at once, and never shown, audited or logged', async () => {
  const admin = await s.signedIn('admin');
  const customer = await createCustomer(s.c.db, { name: 'Sari' });
  const invoiceId = await openInvoice(s.c.db, customer.id, { number: 'INV/2026/11/000900', total: 150_000, dueDate: '2026-11-30' });
  await assert.rejects(s.engine.createPaymentLink(invoiceId), /online payment is not available/, 'no gateway before the key is saved');

  const page = await admin.get('/admin/settings/gateways');
  assert.match(page.text, /id="midtrans"[\s\S]*data-state="off"/);
  const saved = await admin.post('/admin/settings/gateways/midtrans', {
    version: formVersion(page.text, '/admin/settings/gateways/midtrans'), enabled: '', serverKey: MIDTRANS_KEY, clientKey: 'SB-Mid-client-console', production: '',
  });
  assert.equal(saved.status, 302);

  const link = await s.engine.createPaymentLink(invoiceId);
  assert.match(link.url, new RegExp(`^${midtrans.url}`), 'the Snap page of the fake Midtrans');
  assert.ok(midtrans.requests.some((r) => r.authorized), 'Midtrans was called with the saved key');
  assert.equal((await s.c.db('payments').where({ invoice_id: invoiceId }).first()).gateway_order_id, link.orderId);

  midtrans.pay(link.orderId);
  const forged = await midtrans.notify(link.orderId, `${s.baseUrl}/webhooks/midtrans`, { signature_key: 'ab'.repeat(64) });
  assert.equal(forged.status, 401);
  const signed = await midtrans.notify(link.orderId, `${s.baseUrl}/webhooks/midtrans`);
  assert.equal(signed.status, 200, 'the webhook verified the signature with the saved key');

  const check = await admin.post('/admin/settings/gateways/midtrans/check', {}, { 'HX-Request': 'true' });
  assert.equal(check.status, 200);
  assert.match(check.text, /data-result="ok"/);

  const shown = await admin.get('/admin/settings/gateways');
  assert.match(shown.text, /id="midtrans"[\s\S]*data-state="on"/);
  assert.match(decodeHtml(shown.text), /set · ends in …4f2a/);
  // A wrong key: the check shows the gateway's refusal, and still no key.
  const wrong = 'SB-Mid-server-wrong-0000aaaa9999';
  await admin.post('/admin/settings/gateways/midtrans', { version: formVersion(shown.text, '/admin/settings/gateways/midtrans'), enabled: '', serverKey: wrong, clientKey: 'SB-Mid-client-console', production: '' });
  const refused = await admin.post('/admin/settings/gateways/midtrans/check', {}, { 'HX-Request': 'true' });
  assert.match(refused.text, /data-result="error"[\s\S]*HTTP 401/);

  const stored = JSON.stringify((await s.c.db('settings').where({ key: 'payment_gateways' }).first()).value);
  assert.match(stored, /"serverKey":"v1:/, 'sealed at rest');
  const audit = await auditRows(s.c.db, 'settings', 'payment_gateways.midtrans');
  assert.equal(audit.length, 2);
  assert.equal((audit[0]!.after as { serverKey: string }).serverKey, 'changed');
  const everything = [page.text, shown.text, check.text, refused.text, stored, ...audit.map((a) => a.text), ...s.logs].join('\n');
  for (const key of [MIDTRANS_KEY, wrong, Buffer.from(`${MIDTRANS_KEY}:`).toString('base64')]) {
    assert.ok(!everything.includes(key), 'the key is in no page, audit row, stored text or log line');
  }
  assert.ok(s.logs.length > 0, 'the logs were captured');
});

test('an SMS gateway saved in the console carries a test message to the number typed; a bad number is a field error', async () => {
  const admin = await s.signedIn('admin');
  const page = await admin.get('/admin/settings/channels');
  const notSet = await admin.post('/admin/settings/channels/sms/test', { recipient: '081234567890' }, { 'HX-Request': 'true' });
  assert.match(notSet.text, /Not configured/);

  const saved = await admin.post('/admin/settings/channels/sms', { version: formVersion(page.text, '/admin/settings/channels/sms'), enabled: '', url: `${sms.url}/send`, token: SMS_TOKEN });
  assert.equal(saved.status, 302);
  assert.ok(s.engine.channels.sms, 'the engine sends customer messages through it now');

  const bad = await admin.post('/admin/settings/channels/sms/test', { recipient: 'not a number' }, { 'HX-Request': 'true' });
  assert.equal(bad.status, 422);
  assert.equal(sms.delivered.length, 0);
  const sent = await admin.post('/admin/settings/channels/sms/test', { recipient: '0812-3456-7890' }, { 'HX-Request': 'true' });
  assert.equal(sent.status, 200);
  assert.match(sent.text, /data-result="ok"/);
  assert.equal(sms.delivered.length, 1);
  assert.equal((sms.delivered[0]!.body as { to: string }).to, '6281234567890');
  assert.match((sms.delivered[0]!.body as { text: string }).text, /Test message/);

  const bogus = await admin.post('/admin/settings/channels/sms', { version: formVersion((await admin.get('/admin/settings/channels')).text, '/admin/settings/channels/sms'), enabled: '', url: 'ftp://x', token: '' });
  assert.equal(bogus.status, 422);
  assert.match(bogus.text, /data-error="url"/);
  assert.match(bogus.text, /value="ftp:\/\/x"/);
  const shown = await admin.get('/admin/settings/channels');
  assert.ok(!shown.text.includes(SMS_TOKEN));
  for (const a of await auditRows(s.c.db, 'settings', 'notification_channels.sms')) assert.ok(!a.text.includes(SMS_TOKEN));
  assert.ok(!s.logs.join('\n').includes(SMS_TOKEN));
});
