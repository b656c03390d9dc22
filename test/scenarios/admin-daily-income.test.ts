/**
 * The daily income report and the per-cashier deposit (setoran) over HTTP against the real
 * database: two cashiers record payments at the counter (the console's own form, the settable
 * clock at the moment of each payment) and one payment arrives online, on Saturday 21 November
 * 2026 in Jakarta (UTC+7), with payments at 23:30 the evening before and 00:30 the morning after
 * (local day bounds). Totals by method and by who recorded them, the payment list and the CSV,
 * the printable deposit of one cashier (only their cash and transfers, their total, signature
 * lines, the print button the CSP allows), and who may see what: a cashier opens their own
 * deposit but not another's, an admin everyone's, a viewer neither report nor deposit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { receiptNumber } from '../../billing/ledger/payment-allocations.js';
import { settableClock } from '../../lib/clock.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { createCustomer, createStaff } from '../helpers/factories.js';
import { decodeHtml } from '../helpers/invoices-fixtures.js';
import { insertInvoice, rowCells } from '../helpers/reports-fixtures.js';
import { startWebServer, type WebServer } from '../helpers/web-server.js';

// 17:00 in Jakarta on Saturday 21 November 2026.
const NOON_AFTER = '2026-11-21T10:00:00Z';
const clock = settableClock(NOON_AFTER);
let web: WebServer;

interface Staff { id: number; username: string; password: string; client: AdminClient }
let ani: Staff;
let budi: Staff;
let admin: AdminClient;
let viewer: AdminClient;
const ids: Record<string, number> = {};
type Customer = { id: number; customerNumber: string };
let customers: [Customer, Customer, Customer];
let inv1: string;
let inv2: string;
let inv3: string;

async function signedIn(role: 'admin' | 'cashier' | 'viewer', over: { name?: string; locale?: 'id' | 'en' } = {}): Promise<Staff> {
  const staff = await createStaff(web.c.db, { role, locale: over.locale ?? 'en', name: over.name });
  const client = adminClient(web.baseUrl);
  assert.equal((await client.signIn(staff.username, staff.password)).status, 302, `sign-in as ${role}`);
  return { ...staff, client };
}

/** `who` records a payment at the counter at instant `at`; the new payment's id. */
async function record(who: Staff, at: string, customerId: number, form: Record<string, string>): Promise<number> {
  clock.set(at);
  await who.client.get(`/admin/customers/${customerId}`);
  const res = await who.client.post(`/admin/customers/${customerId}/payments`, form);
  assert.equal(res.status, 302);
  const id = /payment=(\d+)/.exec(res.location ?? '')?.[1];
  assert.ok(id, `payment recorded: ${res.location}`);
  return Number(id);
}

const invoiceNumber = async (id: number): Promise<string> => (await web.c.db('invoices').where({ id }).first('invoice_number')).invoice_number;
const csvLines = (text: string): string[] => text.replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/);
const paymentRows = (html: string): number[] => [...html.matchAll(/<tr data-payment="(\d+)"/g)].map((m) => Number(m[1]));

before(async () => {
  web = await startWebServer({ clock });
  ani = await signedIn('cashier', { name: 'Kasir Ani', locale: 'id' });
  budi = await signedIn('cashier', { name: 'Kasir Budi' });
  admin = (await signedIn('admin')).client;
  viewer = (await signedIn('viewer')).client;
  customers = [
    await createCustomer(web.c.db, { name: 'Harian Citra' }),
    await createCustomer(web.c.db, { name: 'Harian Dedi' }),
    await createCustomer(web.c.db, { name: 'Harian Eka' }),
  ];
  const [c1, c2, c3] = customers;
  const i1 = await insertInvoice(web.c.db, { customerId: c1.id, issueDate: '2026-11-01', lines: [{ amount: 150_000 }] });
  const i2 = await insertInvoice(web.c.db, { customerId: c2.id, issueDate: '2026-11-01', lines: [{ amount: 100_000 }] });
  const i3 = await insertInvoice(web.c.db, { customerId: c2.id, issueDate: '2026-11-02', lines: [{ amount: 75_000 }] });
  [inv1, inv2, inv3] = [await invoiceNumber(i1.id), await invoiceNumber(i2.id), await invoiceNumber(i3.id)];
  // Issuing an invoice debits the customer's ledger (what the payments' allocations are replayed from).
  for (const [customerId, i] of [[c1.id, i1], [c2.id, i2], [c2.id, i3]] as const) {
    await web.c.db('ledger_entries').insert({ customer_id: customerId, entry_type: 'invoice', amount: -i.total, invoice_id: i.id, description: 'Tagihan' });
  }

  // Friday 20 November 23:30 WIB: the day before.
  ids.before = await record(ani, '2026-11-20T16:30:00Z', c3.id, { amount: '30.000', method: 'cash' });
  // Saturday 21 November: 09:00, 12:00, online at 15:00, 23:30.
  ids.ani1 = await record(ani, '2026-11-21T02:00:00Z', c1.id, { amount: '150.000', method: 'cash', invoice_id: String(i1.id) });
  ids.budi1 = await record(budi, '2026-11-21T05:00:00Z', c2.id, { amount: '100000', method: 'cash', invoice_id: String(i2.id) });
  const [online] = await web.c.db('payments').insert({
    customer_id: c3.id, amount: 200_000, method: 'midtrans', status: 'settled', gateway_order_id: 'ORDER-DAILY-1',
    settled_at: '2026-11-21T08:00:00Z', created_at: '2026-11-21T07:55:00Z',
  }).returning('id');
  ids.online = Number(online.id);
  ids.ani2 = await record(ani, '2026-11-21T16:30:00Z', c2.id, { amount: '75.000', method: 'bank_transfer' });
  // Sunday 22 November 00:30 WIB (still the 21st in UTC): the next day.
  ids.after = await record(budi, '2026-11-21T17:30:00Z', c1.id, { amount: '50.000', method: 'cash' });
  clock.set(NOON_AFTER);
});
after(async () => {
  await web.stop();
});

test('daily income: the day\'s payments in Jakarta time, totals by method and by who recorded them, the list and the CSV', async () => {
  const res = await admin.get('/admin/reports/daily?day=2026-11-21');
  assert.equal(res.status, 200);
  const method = (m: string): string[] => rowCells(res.text, `data-method="${m}"`);
  assert.deepEqual(method('cash'), ['Cash', '2', 'Rp 250.000']);
  assert.deepEqual(method('bank_transfer'), ['Bank transfer', '1', 'Rp 75.000']);
  assert.deepEqual(method('midtrans'), ['Midtrans', '1', 'Rp 200.000']);
  assert.deepEqual(method('xendit'), ['Xendit', '0', 'Rp 0']);
  assert.deepEqual(method('total'), ['Total', '4', 'Rp 525.000']);
  const staff = [...res.text.matchAll(/<tr data-staff="(\w+)"/g)].map((m) => [m[1], ...rowCells(res.text, `data-staff="${m[1]}"`)]);
  assert.deepEqual(staff, [
    [String(ani.id), 'Kasir Ani', '2', 'Rp 225.000', 'Deposit (print)'],
    [String(budi.id), 'Kasir Budi', '1', 'Rp 100.000', 'Deposit (print)'],
    ['online', 'Online', '1', 'Rp 200.000', ''],
  ]);
  assert.ok(decodeHtml(res.text).includes(`href="/admin/reports/daily/deposit?staff=${budi.id}&day=2026-11-21"`), 'a link to each cashier\'s deposit');

  assert.deepEqual(paymentRows(res.text), [ids.ani1, ids.budi1, ids.online, ids.ani2], 'the day\'s payments, oldest first; 23:30 the day before and 00:30 after left out');
  const [c1, c2, c3] = customers;
  assert.deepEqual(rowCells(res.text, `data-payment="${ids.ani2}"`),
    ['23:30', receiptNumber(ids.ani2!, '2026-11-21'), `${c2.customerNumber} Harian Dedi`, inv3, 'Rp 75.000', 'Bank transfer', 'Kasir Ani']);
  assert.deepEqual(rowCells(res.text, `data-payment="${ids.online}"`),
    ['15:00', receiptNumber(ids.online!, '2026-11-21'), `${c3.customerNumber} Harian Eka`, '', 'Rp 200.000', 'Midtrans', 'Online']);

  const csv = await admin.get('/admin/reports/daily.csv?day=2026-11-21');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="daily-income-2026-11-21\.csv"/);
  assert.deepEqual(csvLines(csv.text), [
    'time,receipt_number,customer_number,customer_name,invoices,amount,method,recorded_by',
    `2026-11-21 09:00,${receiptNumber(ids.ani1!, '2026-11-21')},${c1.customerNumber},Harian Citra,${inv1},150000,cash,Kasir Ani`,
    `2026-11-21 12:00,${receiptNumber(ids.budi1!, '2026-11-21')},${c2.customerNumber},Harian Dedi,${inv2},100000,cash,Kasir Budi`,
    `2026-11-21 15:00,${receiptNumber(ids.online!, '2026-11-21')},${c3.customerNumber},Harian Eka,,200000,midtrans,online`,
    `2026-11-21 23:30,${receiptNumber(ids.ani2!, '2026-11-21')},${c2.customerNumber},Harian Dedi,${inv3},75000,bank_transfer,Kasir Ani`,
  ]);

  // The neighbouring days hold the 23:30 and 00:30 payments; no day given is today (the clock's).
  assert.deepEqual(paymentRows((await admin.get('/admin/reports/daily?day=2026-11-20')).text), [ids.before]);
  const next = await admin.get('/admin/reports/daily?day=2026-11-22');
  assert.deepEqual(paymentRows(next.text), [ids.after]);
  assert.deepEqual(rowCells(next.text, `data-payment="${ids.after}"`).slice(0, 1), ['00:30']);
  const today = await admin.get('/admin/reports/daily');
  assert.match(today.text, /name="day" value="2026-11-21"/);
  assert.deepEqual(paymentRows(today.text), [ids.ani1, ids.budi1, ids.online, ids.ani2]);
  assert.match((await admin.get('/admin/reports')).text, /href="\/admin\/reports\/daily"/, 'in the reports menu');
});

test('deposit: one cashier\'s cash and transfers of the day with their total, printable with signature lines', async () => {
  const res = await admin.get(`/admin/reports/daily/deposit?staff=${ani.id}&day=2026-11-21`);
  assert.equal(res.status, 200);
  assert.deepEqual(paymentRows(res.text), [ids.ani1, ids.ani2], 'only Ani\'s payments of the day');
  assert.deepEqual(rowCells(res.text, 'data-method="cash"'), ['Cash (1)', 'Rp 150.000']);
  assert.deepEqual(rowCells(res.text, 'data-method="bank_transfer"'), ['Bank transfer (1)', 'Rp 75.000']);
  assert.deepEqual(rowCells(res.text, 'data-method="total"'), ['Total to hand over', 'Rp 225.000']);
  assert.match(res.text, /Handed over by<div class="line">Kasir Ani<\/div>/);
  assert.match(res.text, /Received by<div class="line">/);
  assert.match(res.text, /<button type="button" onclick="window\.print\(\)">/, 'the print button the CSP allows by its hash');
  assert.doesNotMatch(res.text, /<script/, 'no inline script');
  assert.doesNotMatch(res.text, /<nav/, 'no console chrome');

  // Ani (Indonesian) opens her own deposit, with or without naming herself.
  const own = await ani.client.get('/admin/reports/daily/deposit?day=2026-11-21');
  assert.equal(own.status, 200);
  assert.deepEqual(paymentRows(own.text), [ids.ani1, ids.ani2]);
  assert.match(own.text, /Diserahkan oleh/);
  assert.match(own.text, /Diterima oleh/);
  assert.match(own.text, /Rp 225\.000/);
  assert.equal((await ani.client.get(`/admin/reports/daily/deposit?staff=${ani.id}&day=2026-11-21`)).status, 200);

  const budiDeposit = await admin.get(`/admin/reports/daily/deposit?staff=${budi.id}&day=2026-11-21`);
  assert.deepEqual(paymentRows(budiDeposit.text), [ids.budi1]);
  assert.deepEqual(rowCells(budiDeposit.text, 'data-method="total"'), ['Total to hand over', 'Rp 100.000']);
});

test('who may see: a cashier not another cashier\'s deposit (nor its link), a viewer neither the report nor a deposit', async () => {
  assert.equal((await ani.client.get(`/admin/reports/daily/deposit?staff=${budi.id}&day=2026-11-21`)).status, 403);
  assert.equal((await budi.client.get(`/admin/reports/daily/deposit?staff=${ani.id}&day=2026-11-21`)).status, 403);
  const report = await budi.client.get('/admin/reports/daily?day=2026-11-21');
  assert.equal(report.status, 200, 'the report is for reports.view, cashiers included');
  assert.deepEqual(rowCells(report.text, `data-staff="${ani.id}"`).at(-1), '', 'no deposit link to another cashier');
  assert.deepEqual(rowCells(report.text, `data-staff="${budi.id}"`).at(-1), 'Deposit (print)');
  for (const path of ['/admin/reports/daily', '/admin/reports/daily.csv', `/admin/reports/daily/deposit?staff=${ani.id}`, '/admin/reports/daily/deposit']) {
    assert.equal((await viewer.get(path)).status, 403, `viewer ${path}`);
  }
  assert.equal((await admin.get('/admin/reports/daily/deposit?staff=999999999')).status, 404);
});
