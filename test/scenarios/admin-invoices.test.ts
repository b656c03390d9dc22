/**
 * The console's invoice screens over HTTP, against the real database and Redis: the list's
 * search, filters, sort and CSV; the invoice page, its print page and PDF; voiding (admin only,
 * reason required, refused once money was applied, the balance on the customer page given back)
 * and sending again (admin and cashier; the message lands in notification_outbox).
 *
 * Data: three customers since 1 Oct 2026, billed by the real invoice run on 24 Nov (December,
 * due 11 Dec) and 25 Dec (January, due 11 Jan); today is 26 Dec 2026 (Jakarta).
 * Budi Santoso (Rumahan 150,000) has paid nothing; Sari Dewi (Bisnis 300,000) paid December;
 * Joko Widodo (Rumahan) paid 50,000 of December.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationChannel } from '../../billing/notifications/channel.js';
import { settableClock } from '../../lib/clock.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { nineAm } from '../helpers/billing-fixtures.js';
import { createPlan, createStaff } from '../helpers/factories.js';
import { billedCustomer, binaryGetter, decodeHtml, parseCsv, pdfText, rowKeys } from '../helpers/invoices-fixtures.js';
import { openBrowser, pathOf, screenshot, signInToConsole, text, until } from '../helpers/browser.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const clock = settableClock(nineAm('2026-11-24'));
let w: WebServer;
const never = (name: 'whatsapp' | 'email'): NotificationChannel => ({ name, send: () => Promise.reject(new Error('route tests never dispatch the outbox')) });

type Billed = Awaited<ReturnType<typeof billedCustomer>>;
let budi: Billed;
let sari: Billed;
let joko: Billed;
let bisnisId: number;
/** Invoice numbers: [December, January] per customer. */
const numbers = (c: Billed): string[] => c.invoices.map((i) => i.invoice_number);

before(async () => {
  w = await startWebServer({ clock, channels: { whatsapp: never('whatsapp'), email: never('email') } });
  const db = w.c.db;
  const rumahan = await createPlan(db, { name: 'Rumahan', price: 150_000 });
  bisnisId = (await createPlan(db, { name: 'Bisnis', price: 300_000 })).id;
  budi = await billedCustomer(db, w.engine, { planId: rumahan.id, startDate: '2026-10-01', name: 'Budi Santoso' });
  sari = await billedCustomer(db, w.engine, { planId: bisnisId, startDate: '2026-10-01', name: 'Sari Dewi' });
  joko = await billedCustomer(db, w.engine, { planId: rumahan.id, startDate: '2026-10-01', name: 'Joko Widodo' });
  await db('customers').where({ id: budi.customerId }).update({ email: 'budi@example.id' });
  await w.engine.recordStaffPayment({ customerId: sari.customerId, amount: 300_000, method: 'bank_transfer', receivedBy: null });
  await w.engine.recordStaffPayment({ customerId: joko.customerId, amount: 50_000, method: 'cash', receivedBy: null });
  clock.set(nineAm('2026-12-25'));
  await w.engine.generateInvoices();
  clock.set(nineAm('2026-12-26'));
  for (const c of [budi, sari, joko]) {
    c.invoices = (await db('invoices').where({ customer_id: c.customerId }).orderBy('id').select('id', 'invoice_number', 'total', 'status'))
      .map((i) => ({ ...i, id: Number(i.id), total: Number(i.total) }));
    assert.equal(c.invoices.length, 2, 'December and January');
  }
});
after(() => w.stop());

async function signedIn(role: 'admin' | 'cashier' | 'technician' | 'viewer'): Promise<{ client: AdminClient; username: string; password: string }> {
  const staff = await createStaff(w.c.db, { role, locale: 'en' });
  const client = adminClient(w.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
  await client.get('/admin');
  return { client, username: staff.username, password: staff.password };
}

test('the invoice list searches by number and customer, filters by status, overdue, plan and issue date, and sorts', async () => {
  const { client } = await signedIn('viewer');
  const list = async (qs: string) => {
    const res = await client.get(`/admin/invoices?${qs}`);
    assert.equal(res.status, 200, qs);
    return rowKeys(res.text, 'data-invoice');
  };
  const all = await list('');
  assert.equal(all.length, 6);
  assert.deepEqual(all.slice(0, 3).sort(), [budi, sari, joko].map((c) => numbers(c)[1]!).sort(), 'newest issued first: the January ones');
  assert.deepEqual((await list('q=budi')).sort(), numbers(budi).sort(), 'customer name, any case');
  const budiNumber = (await w.c.db('customers').where({ id: budi.customerId }).first('customer_number')).customer_number;
  assert.deepEqual((await list(`q=${budiNumber}`)).sort(), numbers(budi).sort(), 'customer number');
  assert.deepEqual(await list(`q=${encodeURIComponent(numbers(sari)[0]!.slice(-8))}`), [numbers(sari)[0]], 'an invoice number fragment');
  assert.deepEqual(await list('status=paid'), [numbers(sari)[0]]);
  assert.deepEqual(await list('status=partially_paid'), [numbers(joko)[0]]);
  assert.equal((await list('status=open')).length, 5, 'every unpaid invoice');
  assert.deepEqual((await list('overdue=1')).sort(), [numbers(budi)[0], numbers(joko)[0]].sort(), 'unpaid and due 11 Dec');
  assert.deepEqual((await list(`plan=${bisnisId}`)).sort(), numbers(sari).sort());
  assert.deepEqual((await list('from=2026-12-01')).sort(), [budi, sari, joko].map((c) => numbers(c)[1]!).sort(), 'issued from 1 Dec');
  assert.deepEqual((await list('to=2026-11-30')).sort(), [budi, sari, joko].map((c) => numbers(c)[0]!).sort(), 'issued up to 30 Nov');
  assert.deepEqual(await list('q=budi&overdue=1'), [numbers(budi)[0]], 'filters combine');
  assert.deepEqual((await list('sort=total&dir=desc')).slice(0, 2).sort(), numbers(sari).sort(), 'the 300,000 invoices first');
  assert.deepEqual(await list('q=nobody-here'), []);

  const page = await client.get('/admin/invoices?overdue=1');
  assert.match(page.text, /<strong data-total>2<\/strong>/);
  assert.match(decodeHtml(page.text), /Budi Santoso/);
  const fragment = await client.get('/admin/invoices?q=sari', { 'HX-Request': 'true' });
  assert.ok(fragment.text.trimStart().startsWith('<div id="invoice-results">'), 'htmx gets the results alone');
  assert.ok(!fragment.text.includes('<html'), 'no layout');
});

test('the CSV holds the whole filtered list', async () => {
  const { client } = await signedIn('viewer');
  const res = await client.get(`/admin/invoices.csv?plan=${bisnisId}&page=1`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="invoices-2026-12-26\.csv"/);
  const rows = parseCsv(res.text);
  assert.deepEqual(rows[0], ['invoice_number', 'customer_number', 'customer_name', 'plan', 'status', 'overdue', 'issue_date', 'due_date', 'total', 'amount_paid', 'owed']);
  assert.deepEqual(rows.slice(1).map((r) => [r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]]), [
    [numbers(sari)[1], 'Sari Dewi', 'Bisnis', 'open', 'no', '2026-12-25', '2027-01-11', '300000', '0', '300000'],
    [numbers(sari)[0], 'Sari Dewi', 'Bisnis', 'paid', 'no', '2026-11-24', '2026-12-11', '300000', '300000', '0'],
  ]);
  const overdue = parseCsv((await client.get('/admin/invoices.csv?overdue=1')).text);
  assert.deepEqual(overdue.slice(1).map((r) => [r[0], r[5], r[10]]).sort(), [[numbers(budi)[0], 'yes', '150000'], [numbers(joko)[0], 'yes', '100000']].sort());
});

test('the invoice page shows lines, payments and ledger; the print page has no console menu; the PDF is a PDF of that invoice', async () => {
  const { client, username, password } = await signedIn('viewer');
  const jokoDec = joko.invoices[0]!;
  const page = await client.get(`/admin/invoices/${jokoDec.id}`);
  assert.equal(page.status, 200);
  const text = decodeHtml(page.text);
  assert.match(text, new RegExp(numbers(joko)[0]!));
  assert.match(text, /Rumahan \(01\/12\/2026 – 31\/12\/2026\)/, 'the plan line');
  assert.match(text, /data-paid>Rp 50\.000</);
  assert.match(text, /data-due>Rp 100\.000</);
  assert.match(text, /<tr data-payment="\d+">[\s\S]*?KWT\/2026\/11\/\d{6}[\s\S]*?Rp 50\.000/, 'the payment that paid part of it, with its receipt number');
  assert.match(text, /data-ledger-net>-Rp 150\.000</, 'the invoice charged 150,000 to the ledger');
  assert.ok(!text.includes('/void"'), 'a viewer has no void form');
  assert.ok(!text.includes('/send"'), 'nor a send button');

  const print = await client.get(`/admin/invoices/${jokoDec.id}/print`);
  assert.equal(print.status, 200);
  assert.match(print.text, /@media print/);
  assert.ok(!print.text.includes('class="top"') && !print.text.includes('href="/admin/customers"'), 'no console header or menu');
  assert.match(decodeHtml(print.text), new RegExp(`data-number>${numbers(joko)[0]}<`));
  assert.match(decodeHtml(print.text), /Joko Widodo/);

  const get = await binaryGetter(w.baseUrl, username, password);
  const pdf = await get(`/admin/invoices/${jokoDec.id}/pdf?download=1`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.type, 'application/pdf');
  assert.match(pdf.disposition ?? '', new RegExp(`attachment; filename="${numbers(joko)[0]!.replace(/\//g, '-')}\\.pdf"`));
  assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
  const shown = pdfText(pdf.body).join('\n');
  for (const s of ['INVOICE', numbers(joko)[0]!, 'Joko Widodo', 'Rp 150.000', 'Rp 100.000', '11 December 2026']) assert.ok(shown.includes(s), `the PDF shows ${s}`);
  assert.equal((await get('/admin/invoices/999999/pdf')).status, 404);
});

test('a technician can neither void nor send; a cashier can send but not void', async () => {
  const id = budi.invoices[0]!.id;
  const tech = (await signedIn('technician')).client;
  const techPage = await tech.get(`/admin/invoices/${id}`);
  assert.equal(techPage.status, 200);
  assert.ok(!techPage.text.includes(`/admin/invoices/${id}/void`) && !techPage.text.includes(`/admin/invoices/${id}/send`), 'no buttons it cannot use');
  assert.equal((await tech.post(`/admin/invoices/${id}/void`, { reason: 'salah' })).status, 403);
  assert.equal((await tech.post(`/admin/invoices/${id}/send`, {})).status, 403);

  const cashier = (await signedIn('cashier')).client;
  const cashierPage = await cashier.get(`/admin/invoices/${id}`);
  assert.ok(cashierPage.text.includes(`/admin/invoices/${id}/send`) && !cashierPage.text.includes(`/admin/invoices/${id}/void`));
  assert.equal((await cashier.post(`/admin/invoices/${id}/void`, { reason: 'salah' })).status, 403);
  assert.equal((await w.c.db('invoices').where({ id }).first('status')).status, 'open', 'nothing voided');
  assert.equal(await w.c.db('audit_log').where({ action: 'invoice_voided' }).first(), undefined);
});

test('send again puts the invoice message in the outbox for each channel and says where it went', async () => {
  const { client } = await signedIn('cashier');
  const inv = budi.invoices[0]!;
  const before = await w.c.db('notification_outbox').where({ customer_id: budi.customerId, template: 'invoice_issued' }).count({ n: '*' }).first();
  await client.get(`/admin/invoices/${inv.id}`);
  const res = await client.post(`/admin/invoices/${inv.id}/send`, {});
  assert.equal(res.status, 302);
  assert.equal(res.location, `/admin/invoices/${inv.id}?sent=whatsapp,email`);
  const rows = await w.c.db('notification_outbox').where('idempotency_key', 'like', `invoice_sent_again:${inv.id}:%`).orderBy('id').select('channel', 'recipient', 'template', 'status', 'payload');
  assert.deepEqual(rows.map((r) => [r.channel, r.recipient, r.template, r.status]), [
    ['whatsapp', '6281234567890', 'invoice_issued', 'pending'],
    ['email', 'budi@example.id', 'invoice_issued', 'pending'],
  ]);
  assert.deepEqual([rows[0].payload.invoiceNumber, rows[0].payload.amount], [inv.invoice_number, 'Rp 150.000']);
  const afterCount = await w.c.db('notification_outbox').where({ customer_id: budi.customerId, template: 'invoice_issued' }).count({ n: '*' }).first();
  assert.equal(Number(afterCount!.n), Number(before!.n) + 2);
  const shown = decodeHtml((await client.get(res.location!)).text);
  assert.match(shown, /Invoice sent again by:\s*<strong>WhatsApp<\/strong> \(0812-3456-7890\), <strong>E-mail<\/strong> \(budi@example\.id\)/);
  assert.match(shown, /sent the invoice again \(WhatsApp, E-mail\)/, 'in the history');

  const paid = sari.invoices[0]!;
  const refused = await client.post(`/admin/invoices/${paid.id}/send`, {});
  assert.equal(refused.location, `/admin/invoices/${paid.id}?send_error=not_open`);
  assert.match((await client.get(refused.location!)).text, /Only an unpaid invoice can be sent again\./);
});

test('void: refused with a clear message once money was applied; needs a reason; gives the balance back as the customer page shows it', async () => {
  const { client } = await signedIn('admin');
  const jokoDec = joko.invoices[0]!;
  await client.get(`/admin/invoices/${jokoDec.id}`);
  const partly = await client.post(`/admin/invoices/${jokoDec.id}/void`, { reason: 'salah tagih' });
  assert.equal(partly.status, 409);
  assert.match(decodeHtml(partly.text), /This invoice cannot be voided: a payment has already been applied to it\. Paid so far: Rp 50\.000\./);
  assert.equal((await w.c.db('invoices').where({ id: jokoDec.id }).first('status')).status, 'partially_paid');

  const customerPage = async () => decodeHtml((await client.get(`/admin/customers/${budi.customerId}`)).text);
  assert.match(await customerPage(), /data-balance>-Rp 300\.000</, 'Budi owes December and January');
  const jan = budi.invoices[1]!;
  const page = await client.get(`/admin/invoices/${jan.id}`);
  assert.match(page.text, /hx-confirm="Void this invoice\? This cannot be undone\."/, 'the form asks first');
  const noReason = await client.post(`/admin/invoices/${jan.id}/void`, { reason: ' ' });
  assert.equal(noReason.status, 422);
  assert.match(noReason.text, /Give a reason for voiding\./);

  const res = await client.post(`/admin/invoices/${jan.id}/void`, { reason: 'Berhenti sebelum Januari' });
  assert.equal(res.status, 302);
  assert.equal(res.location, `/admin/invoices/${jan.id}?voided=1`);
  const shown = decodeHtml((await client.get(res.location!)).text);
  assert.match(shown, /Invoice voided\./);
  assert.match(shown, /data-void-reason>Berhenti sebelum Januari</);
  assert.match(shown, /data-ledger-net>Rp 0</, 'the invoice charge and its reversal cancel out');
  assert.match(await customerPage(), /data-balance>-Rp 150\.000</, 'only December owed now');
  assert.deepEqual(rowKeys((await client.get('/admin/invoices?status=void')).text, 'data-invoice'), [jan.invoice_number]);
  const audit = await w.c.db('audit_log').where({ action: 'invoice_voided', object_id: String(jan.id) }).first('actor', 'after');
  assert.equal(audit.after.reason, 'Berhenti sebelum Januari');
  assert.equal((await client.post(`/admin/invoices/${jan.id}/void`, { reason: 'lagi' })).status, 409, 'already void');
  assert.equal((await client.post('/admin/invoices/999999/void', { reason: 'x' })).status, 404);
});

test('in a browser: the overdue filter narrows the list as it is ticked; voiding asks first and shows the void invoice; print and PDF open', async () => {
  const { username, password } = await signedIn('admin');
  const browser = await openBrowser();
  try {
    const j = await browser.journey();
    const { page } = j;
    await signInToConsole(page, w.baseUrl, username, password);

    await page.goto(`${w.baseUrl}/admin/invoices`);
    await screenshot(page, 'invoices-list');
    await page.getByLabel('Overdue only').check();
    await until('the list shows the overdue invoices only', async () => (await text(page, '[data-total]')) === '2');
    assert.match(pathOf(page), /overdue=1/, 'the filter is in the address');

    const jan = sari.invoices[1]!;
    await page.goto(`${w.baseUrl}/admin/invoices/${jan.id}`);
    await page.getByLabel('Reason for voiding').fill('Pindah ke paket lain');
    await page.getByRole('button', { name: 'Void invoice' }).click();
    await until('the invoice page shows it void', async () => (await text(page, 'h1 [data-status]')) === 'Void');
    assert.deepEqual(j.dialogs, ['Void this invoice? This cannot be undone.']);
    assert.equal(await text(page, '[data-void-reason]'), 'Pindah ke paket lain');
    await screenshot(page, 'invoice-voided');

    await page.goto(`${w.baseUrl}/admin/invoices/${budi.invoices[0]!.id}/print`);
    assert.equal(await page.locator('header.top').count(), 0, 'no console menu');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.toolbar').isVisible(), false, 'the toolbar is not printed');
    await screenshot(page, 'invoice-print');
    assert.deepEqual(j.errors, []);
    await j.close();
  } finally {
    await browser.close();
  }
});
