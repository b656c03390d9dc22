/**
 * The notification template editor against the real database and the real outbox dispatcher:
 * placeholders listed, a live preview with sample data, unknown placeholders and broken syntax
 * refused with the input kept, a saved edit changing the text of the next outbox message (for
 * every channel, or one channel only), stale edits refused, reset after a confirmation, audit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Knex } from '../../lib/db.js';
import { createCustomer } from '../helpers/factories.js';
import { auditRows, capturingChannel, decodeHtml, formVersion, startConsoleServer, type ConsoleServer } from '../helpers/settings-fixtures.js';

let s: ConsoleServer;
const sms = capturingChannel('sms');
const email = capturingChannel('email');
const EDIT = '/admin/templates/payment_reminder/id/all';

before(async () => {
  s = await startConsoleServer({ gateways: {}, channels: { sms, email } });
});
after(() => s.stop());

/** Queues a payment reminder for `customerId` and sends the outbox; what each channel got. */
async function remind(db: Knex, customerId: number, key: string): Promise<{ sms: string; email: { subject: string; text: string } | undefined }> {
  const before = { sms: sms.sent.length, email: email.sent.length };
  await db.transaction((trx) => s.engine.notifier.customers(trx, [{
    customerId, template: 'payment_reminder', idempotencyKey: key,
    data: { invoiceNumber: 'INV/2026/11/000777', amount: 150_000, dueDate: '2026-11-30' },
  }]));
  await s.engine.dispatchNotifications();
  const mail = email.sent[before.email];
  return { sms: sms.sent[before.sms]?.text ?? '', email: mail && { subject: mail.subject, text: mail.text } };
}

test('the list shows every template by language and channel; the editor lists the placeholders and previews the built-in text', async () => {
  const admin = await s.signedIn('admin');
  const list = await admin.get('/admin/templates');
  assert.equal(list.status, 200);
  assert.match(list.text, /data-template="payment_reminder\/id"/);
  assert.match(list.text, /href="\/admin\/templates\/payment_reminder\/en\/sms"/);
  const page = await admin.get(EDIT);
  assert.equal(page.status, 200);
  const shown = decodeHtml(page.text);
  for (const p of ['{{customerName}}', '{{invoiceNumber}}', '{{amount}}', '{{dueDate}}', '{{payUrl}}']) assert.ok(shown.includes(p), p);
  assert.match(shown, /data-preview-text>Yth. Bapak\/Ibu Budi Santoso,/, 'the built-in text with sample data');
  assert.match(page.text, /data-source="built_in"/);
  assert.equal((await admin.get('/admin/templates/no_such/id/all')).status, 404);
  assert.equal((await admin.get('/admin/templates/payment_reminder/fr/all')).status, 404);
});

test('the live preview renders what is typed with sample data, and says what is wrong', async () => {
  const admin = await s.signedIn('admin');
  await admin.get(EDIT);
  const hx = { 'HX-Request': 'true' };
  const ok = await admin.post('/admin/templates/preview', { template: 'payment_reminder', locale: 'id', channel: 'sms', subject: 'x', body: 'Halo {{customerName}}, tagihan {{amount}}{{#if payUrl}} bayar: {{payUrl}}{{/if}}' }, hx);
  assert.equal(ok.status, 200);
  assert.doesNotMatch(ok.text, /<html/, 'a fragment');
  assert.match(decodeHtml(ok.text), /Halo Budi Santoso, tagihan Rp 150.000 bayar: https:\/\/billing.contoh.id\/pay\/abc123/);
  assert.match(decodeHtml(ok.text), /Not used \(the message may miss it\):[\s\S]*{{invoiceNumber}}/);
  const broken = await admin.post('/admin/templates/preview', { template: 'payment_reminder', locale: 'id', channel: 'all', subject: 'x', body: 'Halo {{#if customerName}}' }, hx);
  assert.match(broken.text, /data-preview="error"/);
});

test('an unknown placeholder or broken syntax is a field error (422) with the text kept; nothing is saved', async () => {
  const admin = await s.signedIn('admin');
  const page = await admin.get(EDIT);
  const version = formVersion(page.text, EDIT);
  const unknown = await admin.post(EDIT, { version, subject: 'Tagihan {{invoiceNumber}}', body: 'Halo {{customerName}}, saldo {{balance}} dan {{ nama }}' });
  assert.equal(unknown.status, 422);
  assert.match(decodeHtml(unknown.text), /data-error="body">Unknown placeholder: <code>{{balance}}, {{nama}}<\/code>/);
  assert.match(decodeHtml(unknown.text), /<textarea name="body"[^>]*>Halo {{customerName}}, saldo {{balance}} dan {{ nama }}<\/textarea>/);
  const syntax = await admin.post(EDIT, { version, subject: 'Tagihan {{invoiceNumber', body: 'Halo {{lookup . "x"}}' });
  assert.equal(syntax.status, 422);
  assert.match(syntax.text, /data-error="subject">The text cannot be read/);
  assert.match(syntax.text, /data-error="body">Only placeholders/);
  const empty = await admin.post(EDIT, { version, subject: '', body: ' ' });
  assert.equal(empty.status, 422);
  assert.equal((await s.c.db('message_templates').count({ n: '*' }).first())!.n, 0);
});

test('a saved edit is the text of the next outbox message; a channel text wins for its channel; a stale edit is refused; reset brings the built-in text back', async () => {
  const admin = await s.signedIn('admin');
  const customer = await createCustomer(s.c.db, { name: 'Rina', phone: '081298765432', email: 'rina@example.id' });
  const original = await remind(s.c.db, customer.id, 'tpl-1');
  assert.match(original.sms, /^Yth\. Bapak\/Ibu Rina,/, 'the built-in text before any edit');

  const page = await admin.get(EDIT);
  const version = formVersion(page.text, EDIT);
  const saved = await admin.post(EDIT, { version, subject: 'Tagihan {{invoiceNumber}} belum dibayar', body: 'Halo {{customerName}}, tagihan {{invoiceNumber}} sebesar {{amount}} jatuh tempo {{dueDate}}.' });
  assert.equal(saved.status, 302);
  assert.equal(saved.location, `${EDIT}?saved=1`);
  const edited = await remind(s.c.db, customer.id, 'tpl-2');
  assert.equal(edited.sms, 'Halo Rina, tagihan INV/2026/11/000777 sebesar Rp 150.000 jatuh tempo 30 November 2026.');
  assert.equal(edited.email?.subject, 'Tagihan INV/2026/11/000777 belum dibayar');

  const stale = await admin.post(EDIT, { version, subject: 'Lama', body: 'Halo {{customerName}}' });
  assert.equal(stale.status, 409, 'the form was opened before the save above');
  assert.match(stale.text, /Someone else changed this template/);

  const smsPath = '/admin/templates/payment_reminder/id/sms';
  const smsPage = await admin.get(smsPath);
  assert.match(smsPage.text, /data-source="all_channels"/);
  const short = await admin.post(smsPath, { version: formVersion(smsPage.text, smsPath), subject: '-', body: '{{customerName}}: {{amount}} jt {{dueDate}}' });
  assert.equal(short.status, 302);
  const perChannel = await remind(s.c.db, customer.id, 'tpl-3');
  assert.equal(perChannel.sms, 'Rina: Rp 150.000 jt 30 November 2026', 'SMS has its own text');
  assert.match(perChannel.email?.text ?? '', /^Halo Rina, tagihan/, 'e-mail keeps the every-channel text');

  const current = await admin.get(EDIT);
  assert.match(current.text, /hx-confirm="Throw away this edited text\?/, 'reset asks first');
  const reset = await admin.post(`${EDIT}/reset`, { version: formVersion(current.text, EDIT) });
  assert.equal(reset.status, 302);
  const back = await remind(s.c.db, customer.id, 'tpl-4');
  assert.match(back.email?.text ?? '', /^Yth\. Bapak\/Ibu Rina,/, 'the built-in text again');
  assert.equal(back.sms, 'Rina: Rp 150.000 jt 30 November 2026', 'the SMS text stays until it is reset too');

  const audit = await auditRows(s.c.db, 'message_template');
  assert.deepEqual(audit.map((a) => a.action), ['message_template_updated', 'message_template_updated', 'message_template_reset']);
});

test('in a browser: typing in the editor updates the preview (htmx), and reset asks for confirmation first', async () => {
  const { openBrowser, screenshot, text, until } = await import('../helpers/browser.js');
  const { createStaff } = await import('../helpers/factories.js');
  const staff = await createStaff(s.c.db, { role: 'admin', locale: 'en' });
  const browser = await openBrowser();
  try {
    const j = await browser.journey();
    await j.page.goto(`${s.baseUrl}/admin/login`);
    await j.page.fill('input[name="username"]', staff.username);
    await j.page.fill('input[name="password"]', staff.password);
    await j.page.click('button[type="submit"]');
    await j.page.waitForURL(/\/admin$/);
    await j.page.goto(`${s.baseUrl}/admin/templates/payment_received/en/all`);
    await j.page.fill('textarea[name="body"]', 'Thanks {{customerName}}, we got {{amount}}.');
    await until('the preview shows the typed text', async () => (await text(j.page, '[data-preview-text]')) === 'Thanks Budi Santoso, we got Rp 150.000.');
    await j.page.fill('textarea[name="body"]', 'Thanks {{customerName}}, we got {{total}}.');
    await j.page.click('button[type="submit"]:not(.secondary)');
    await j.page.waitForSelector('[data-error="body"]');
    assert.match(await text(j.page, '[data-error="body"]'), /Unknown placeholder: {{total}}/);
    await j.page.fill('textarea[name="body"]', 'Thanks {{customerName}}, we got {{amount}}.');
    await j.page.click('button[type="submit"]:not(.secondary)');
    await j.page.waitForURL(/saved=1$/);
    await screenshot(j.page, 'admin-template-editor');
    await j.page.click('button.danger');
    await j.page.waitForURL(/saved=reset$/);
    assert.deepEqual(j.dialogs, ['Throw away this edited text? The built-in (or all-channels) text applies again.']);
    assert.match(await text(j.page, '[data-preview-text]'), /^Dear Budi Santoso,/);
    await j.page.goto(`${s.baseUrl}/admin/settings/gateways`);
    await screenshot(j.page, 'admin-settings-gateways');
    assert.deepEqual(j.errors, []);
    await j.close();
  } finally {
    await browser.close();
  }
});
