/**
 * The console's payment screens over HTTP, against the real database and Redis: the list's
 * search (receipt number, reference, order id, customer), filters (method, provider, status, the
 * day the money arrived in the ISP time zone) and CSV; the receipt page with who received the
 * money and which invoices it paid; the print page and PDF; and the receipt link the customer
 * page shows after a cash payment.
 *
 * Data: Budi Santoso (Rumahan 150,000, December invoice issued 24 Nov 2026) pays 100,000 cash at
 * the counter on 24 Nov and 50,000 by bank transfer at 00:30 on 1 Dec Jakarta time (17:30 UTC on
 * 30 Nov); Sari Dewi has a pending Midtrans payment and an expired Xendit one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { settableClock } from '../../lib/clock.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { nineAm } from '../helpers/billing-fixtures.js';
import { createCustomer, createPlan, createStaff } from '../helpers/factories.js';
import { billedCustomer, binaryGetter, decodeHtml, parseCsv, pdfText, rowKeys } from '../helpers/invoices-fixtures.js';
import { openBrowser, screenshot, signInToConsole, text, until } from '../helpers/browser.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

const clock = settableClock(nineAm('2026-11-24'));
let w: WebServer;
let budi: Awaited<ReturnType<typeof billedCustomer>>;
let cashier: { client: AdminClient; id: number; username: string; password: string };
let cashId: number;
let transferId: number;
let midtransId: number;
let xenditId: number;
let sariId: number;
const receipt = (id: number, ym: string): string => `KWT/${ym}/${String(id).padStart(6, '0')}`;

before(async () => {
  w = await startWebServer({ clock });
  const plan = await createPlan(w.c.db, { name: 'Rumahan', price: 150_000 });
  budi = await billedCustomer(w.c.db, w.engine, { planId: plan.id, startDate: '2026-10-01', name: 'Budi Santoso' });
  const staff = await createStaff(w.c.db, { role: 'cashier', name: 'Siti Kasir', locale: 'en' });
  const client = adminClient(w.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302);
  cashier = { client, id: staff.id, username: staff.username, password: staff.password };

  // The cash payment goes through the customer page, as at the counter.
  await client.get(`/admin/customers/${budi.customerId}`);
  const paid = await client.post(`/admin/customers/${budi.customerId}/payments`, { amount: '100.000', method: 'cash', invoice_id: String(budi.invoices[0]!.id), reference: '' });
  assert.equal(paid.status, 302);
  const m = /\?saved=payment&payment=(\d+)$/.exec(paid.location ?? '');
  assert.ok(m, `redirected back with the payment: ${paid.location}`);
  cashId = Number(m[1]);
  clock.set('2026-11-30T17:30:00Z');
  transferId = (await w.engine.recordStaffPayment({ customerId: budi.customerId, amount: 50_000, method: 'bank_transfer', reference: 'BCA 0012', receivedBy: staff.id })).paymentId;

  sariId = (await createCustomer(w.c.db, { name: 'Sari Dewi' })).id;
  const gateway = async (method: 'midtrans' | 'xendit', status: string, orderId: string, created: string) =>
    Number((await w.c.db('payments').insert({ customer_id: sariId, amount: 300_000, method, status, gateway_order_id: orderId, created_at: created }).returning('id'))[0].id);
  midtransId = await gateway('midtrans', 'pending', 'ORD-MT-777', '2026-11-26T03:00:00Z');
  xenditId = await gateway('xendit', 'expired', 'ORD-XD-888', '2026-11-27T03:00:00Z');
  clock.set(nineAm('2026-12-02'));
});
after(() => w.stop());

test('after a cash payment the customer page links its receipt; each settled payment has a receipt link and invoices link to their page', async () => {
  const page = decodeHtml((await cashier.client.get(`/admin/customers/${budi.customerId}?saved=payment&payment=${transferId}`)).text);
  assert.match(page, new RegExp(`data-receipt-notice><a href="/admin/payments/${transferId}/print"`), 'the newest payment: its receipt to print');
  assert.match(page, new RegExp(`<a href="/admin/payments/${cashId}" data-receipt>Receipt</a>`));
  assert.match(page, new RegExp(`<a href="/admin/invoices/${budi.invoices[0]!.id}">${budi.invoices[0]!.invoice_number}</a>`));
});

test('the payment list searches and filters by method, provider, status and the local day the money arrived', async () => {
  const list = async (qs: string) => {
    const res = await cashier.client.get(`/admin/payments?${qs}`);
    assert.equal(res.status, 200, qs);
    return rowKeys(res.text, 'data-payment').map(Number);
  };
  assert.deepEqual(await list(''), [transferId, xenditId, midtransId, cashId], 'newest first');
  assert.deepEqual(await list('method=cash'), [cashId]);
  assert.deepEqual(await list('method=bank_transfer'), [transferId]);
  assert.deepEqual(await list('method=online'), [xenditId, midtransId]);
  assert.deepEqual(await list('provider=midtrans'), [midtransId]);
  assert.deepEqual(await list('status=pending'), [midtransId]);
  assert.deepEqual(await list('status=settled'), [transferId, cashId]);
  assert.deepEqual(await list('from=2026-12-01'), [transferId], '00:30 on 1 Dec in Jakarta');
  assert.deepEqual(await list('to=2026-11-30'), [xenditId, midtransId, cashId]);
  assert.deepEqual(await list('from=2026-11-26&to=2026-11-26'), [midtransId]);
  assert.deepEqual(await list(`q=${encodeURIComponent(receipt(cashId, '2026/11'))}`), [cashId], 'a receipt number');
  assert.deepEqual(await list('q=bca%200012'), [transferId], 'a reference');
  assert.deepEqual(await list('q=ORD-XD'), [xenditId], 'a gateway order id');
  assert.deepEqual(await list('q=sari'), [xenditId, midtransId], 'a customer');
  assert.deepEqual((await list('sort=amount&dir=asc')).slice(0, 2), [transferId, cashId], 'smallest first');
  const text = decodeHtml((await cashier.client.get('/admin/payments?method=cash')).text);
  assert.match(text, new RegExp(`${receipt(cashId, '2026/11')}[\\s\\S]*Budi Santoso[\\s\\S]*Cash[\\s\\S]*Settled[\\s\\S]*Rp 100\\.000[\\s\\S]*Siti Kasir[\\s\\S]*${budi.invoices[0]!.invoice_number}`));
});

test('the payment CSV holds the filtered payments', async () => {
  const res = await cashier.client.get('/admin/payments.csv?status=settled');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  const rows = parseCsv(res.text);
  assert.deepEqual(rows[0], ['receipt_number', 'received_at', 'customer_number', 'customer_name', 'method', 'payment_type', 'status', 'flagged', 'amount', 'received_by', 'reference', 'gateway_order_id', 'invoice_number']);
  assert.deepEqual(rows.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[6], r[8], r[9], r[10], r[12]]), [
    [receipt(transferId, '2026/12'), '2026-12-01 00:30:00', 'Budi Santoso', 'bank_transfer', 'settled', '50000', 'Siti Kasir', 'BCA 0012', ''],
    [receipt(cashId, '2026/11'), '2026-11-24 09:00:00', 'Budi Santoso', 'cash', 'settled', '100000', 'Siti Kasir', '', budi.invoices[0]!.invoice_number],
  ]);
});

test('the receipt page says who received it and which invoice it paid; print and PDF show the receipt; none before it settles', async () => {
  const page = decodeHtml((await cashier.client.get(`/admin/payments/${transferId}`)).text);
  assert.match(page, new RegExp(`Receipt ${receipt(transferId, '2026/12')}`));
  assert.match(page, /data-received-by>Siti Kasir \(/);
  assert.match(page, new RegExp(`<tr data-invoice="${budi.invoices[0]!.invoice_number}">[\\s\\S]*?Paid[\\s\\S]*?Rp 150\\.000[\\s\\S]*?Rp 50\\.000`), 'the rest of December');

  const print = await cashier.client.get(`/admin/payments/${cashId}/print`);
  assert.equal(print.status, 200);
  assert.ok(!print.text.includes('class="top"'), 'no console menu');
  assert.match(print.text, /@media print/);
  const printed = decodeHtml(print.text);
  for (const s of ['RECEIPT', receipt(cashId, '2026/11'), 'Budi Santoso', 'Rp 100.000', 'Siti Kasir', budi.invoices[0]!.invoice_number]) assert.ok(printed.includes(s), `the print page shows ${s}`);

  const get = await binaryGetter(w.baseUrl, cashier.username, cashier.password);
  const pdf = await get(`/admin/payments/${cashId}/pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.type, 'application/pdf');
  assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
  const shown = pdfText(pdf.body).join('\n');
  for (const s of ['RECEIPT', receipt(cashId, '2026/11'), 'Budi Santoso', 'Rp 100.000', 'Cash', 'Siti Kasir', budi.invoices[0]!.invoice_number, '24 November 2026']) {
    assert.ok(shown.includes(s), `the PDF shows ${s}\n${shown}`);
  }
  assert.equal((await cashier.client.get(`/admin/payments/${midtransId}`)).status, 200, 'a pending payment has a page');
  assert.equal((await cashier.client.get(`/admin/payments/${midtransId}/print`)).status, 409, 'but no receipt');
  assert.equal((await get(`/admin/payments/${midtransId}/pdf`)).status, 409);
  assert.equal((await cashier.client.get('/admin/payments/999999')).status, 404);
});

test('in a browser: the payment list and the printed receipt', async () => {
  const browser = await openBrowser();
  try {
    const j = await browser.journey();
    const { page } = j;
    await signInToConsole(page, w.baseUrl, cashier.username, cashier.password);
    await page.goto(`${w.baseUrl}/admin/payments`);
    await page.getByLabel('Method').selectOption('online');
    await until('the online payments only', async () => (await text(page, '[data-total]')) === '2');
    await screenshot(page, 'payments-list');
    await page.goto(`${w.baseUrl}/admin/payments/${transferId}`);
    await screenshot(page, 'payment-page');
    await page.goto(`${w.baseUrl}/admin/payments/${cashId}/print`);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').count(), 0);
    assert.equal(await page.locator('.toolbar').isVisible(), false);
    await screenshot(page, 'receipt-print');
    assert.deepEqual(j.errors, []);
    await j.close();
  } finally {
    await browser.close();
  }
});
