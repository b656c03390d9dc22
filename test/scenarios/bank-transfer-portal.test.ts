/**
 * Paying by bank transfer in the self-service portal (issue 14, item 4), against the web role, a
 * real database and Redis: staff switch it on in Settings; a customer chooses "Bank transfer" on
 * an open invoice and is shown the total with its unique code, the ISP's account and the expiry in
 * the ISP's time zone; uploads a PNG receipt (multipart); staff see it in the bank-transfer queue
 * and approve it, and the invoice is paid. Refused with a message and nothing stored: a file over
 * 5 MB, a file that is not an image or PDF, a second receipt while one waits, no CSRF token,
 * another customer's invoice. Switched off, the portal offers no bank transfer at all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RECEIPT_BYTES } from '../../billing/payments/bank-transfer/receipt-file.js';
import { PNG, saveBankTransfer, signedInPhone } from '../helpers/bank-transfer-portal.js';
import { portalCustomer } from '../helpers/portal-fixtures.js';
import { decodeHtml, startConsoleServer, type ConsoleServer } from '../helpers/settings-fixtures.js';
import type { AdminClient } from '../helpers/admin-client.js';
import { api, tokenFor } from '../helpers/api-client.js';

let s: ConsoleServer;
let admin: AdminClient;
const ON = { enabled: 'on', codeHours: '48', acct0Bank: 'bca', acct0Number: '123 456 7890', acct0Holder: 'PT Net Desa' };

before(async () => {
  s = await startConsoleServer({ start: '2026-11-21T02:00:00Z' });
  admin = await s.signedIn('admin');
});
after(async () => s?.stop());

const receipts = async (invoiceId: number) => s.c.db('transfer_receipts').where({ invoice_id: invoiceId }).orderBy('id').select('id', 'status', 'amount', 'content_type');

test('bank transfer from the portal: code shown, receipt uploaded, approved by staff, invoice paid', async () => {
  assert.equal((await saveBankTransfer(admin, ON)).status, 302);
  const a = await portalCustomer(s.c.db, { phone: '0812-7000-0001', password: 'sandi rumah 123', prefix: 'BTA' });
  const inv = a.invoices.at(-1)!;
  const phone = await signedInPhone(s.baseUrl, '081270000001', 'sandi rumah 123');
  const base = `/portal/account/invoices/${encodeURIComponent(inv.number)}`;

  const invoicePage = await phone.get(base);
  assert.equal(invoicePage.status, 200);
  assert.match(invoicePage.text, /data-bank-transfer-choice/, 'the invoice offers bank transfer');
  const before = await phone.get(`${base}/bank-transfer`);
  assert.match(before.text, /Get my transfer code/);
  assert.equal((await phone.post(`${base}/bank-transfer`, {})).status, 302);
  const shown = decodeHtml((await phone.get(`${base}/bank-transfer`)).text);
  const code = await s.c.db('bank_transfer_codes').where({ invoice_id: inv.id }).first('amount', 'unique_code');
  assert.equal(Number(code.amount), 150_000 + code.unique_code);
  assert.match(shown, new RegExp(`data-transfer-amount="${code.amount}"`));
  assert.match(shown, new RegExp(`Rp 150\\.<mark data-unique-code>${String(code.unique_code).padStart(3, '0')}</mark>`), 'the total, the code highlighted');
  assert.match(shown, /BCA<\/strong> 1234567890/);
  assert.match(shown, /PT Net Desa/);
  assert.match(shown, /23\/11\/2026,? 09\.00/, '48 hours from 02:00 UTC, shown in Asia/Jakarta');
  assert.equal((await phone.post(`${base}/bank-transfer`, {})).status, 302);
  assert.equal(await s.c.db('bank_transfer_codes').where({ invoice_id: inv.id }).count('* as n').first().then((r) => Number(r!.n)), 1, 'asking again keeps the same code');

  const big = await phone.upload(`${base}/bank-transfer/receipt`, { amount: String(code.amount) }, { field: 'receipt', name: 'big.png', type: 'image/png', content: Buffer.concat([PNG, Buffer.alloc(MAX_RECEIPT_BYTES)]) });
  assert.equal(big.status, 413);
  assert.match(big.text, /larger than 5 MB/);
  const text = await phone.upload(`${base}/bank-transfer/receipt`, { amount: String(code.amount) }, { field: 'receipt', name: 'bukti.png', type: 'image/png', content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
  assert.equal(text.status, 415);
  assert.match(text.text, /Only a JPEG, PNG or WebP photo or a PDF/);
  const noToken = await phone.upload(`${base}/bank-transfer/receipt`, { _csrf: '', amount: String(code.amount) }, { field: 'receipt', name: 'bukti.png', type: 'image/png', content: PNG });
  assert.equal(noToken.status, 403);
  assert.deepEqual(await receipts(inv.id), [], 'nothing stored for any refusal');

  const sent = await phone.upload(`${base}/bank-transfer/receipt`, { amount: String(code.amount) }, { field: 'receipt', name: 'bukti.png', type: 'image/png', content: PNG });
  assert.equal(sent.status, 302);
  assert.equal(sent.location, `${base}/bank-transfer?sent=1`);
  const waiting = await phone.get(sent.location!);
  assert.match(waiting.text, /data-receipt-status="pending"/);
  assert.match(waiting.text, /Waiting for checking/);
  const again = await phone.upload(`${base}/bank-transfer/receipt`, { amount: String(code.amount) }, { field: 'receipt', name: 'b2.png', type: 'image/png', content: PNG });
  assert.equal(again.status, 409);
  assert.match(again.text, /already waiting for checking/);
  const stored = await receipts(inv.id);
  assert.deepEqual(stored.map((r) => [r.status, Number(r.amount), r.content_type]), [['pending', Number(code.amount), 'image/png']]);

  const queue = await admin.get('/admin/bank-transfers');
  assert.match(queue.text, new RegExp(`data-receipt="${stored[0]!.id}"`), 'the staff queue shows the receipt');
  assert.match(queue.text, new RegExp(a.customerNumber));
  const approved = await admin.post(`/admin/bank-transfers/receipts/${stored[0]!.id}`, { decision: 'approve' });
  assert.equal(approved.status, 200);
  assert.equal((await s.c.db('invoices').where({ id: inv.id }).first('status')).status, 'paid');
  const after = await phone.get(`${base}/bank-transfer`);
  assert.match(after.text, /data-receipt-status="approved"/);
  assert.doesNotMatch(after.text, /data-receipt-form/, 'nothing left to pay: no upload form');
  assert.doesNotMatch((await phone.get(base)).text, /data-bank-transfer-choice/);
});

test('a rejected receipt shows its reason, and another may be sent', async () => {
  assert.equal((await saveBankTransfer(admin, ON)).status, 302);
  const c = await portalCustomer(s.c.db, { phone: '0812-7000-0003', password: 'sandi rumah 123', prefix: 'BTC' });
  const inv = c.invoices.at(-1)!;
  const phone = await signedInPhone(s.baseUrl, '081270000003', 'sandi rumah 123');
  const base = `/portal/account/invoices/${encodeURIComponent(inv.number)}`;
  await phone.get(`${base}/bank-transfer`);
  assert.equal((await phone.upload(`${base}/bank-transfer/receipt`, { amount: '150.000' }, { field: 'receipt', name: 'x.png', type: 'image/png', content: PNG })).status, 302);
  const [r] = await receipts(inv.id);
  assert.equal(Number(r!.amount), 150_000, '150.000 typed the Indonesian way');
  await admin.get('/admin/bank-transfers');
  assert.equal((await admin.post(`/admin/bank-transfers/receipts/${r!.id}`, { decision: 'reject', reason: 'Nominal tidak terbaca' })).status, 200);
  const page = decodeHtml((await phone.get(`${base}/bank-transfer`)).text);
  assert.match(page, /data-receipt-status="rejected"/);
  assert.match(page, /Reason: Nominal tidak terbaca/);
  assert.match(page, /data-receipt-form/, 'a new receipt may be sent');
});

test('another customer’s invoice is not found, and nothing is stored for it', async () => {
  assert.equal((await saveBankTransfer(admin, ON)).status, 302);
  const a = await portalCustomer(s.c.db, { phone: '0812-7000-0004', password: 'sandi rumah 123', prefix: 'BTD' });
  await portalCustomer(s.c.db, { phone: '0812-7000-0005', password: 'sandi rumah 456', prefix: 'BTE' });
  const inv = a.invoices.at(-1)!;
  const other = await signedInPhone(s.baseUrl, '081270000005', 'sandi rumah 456');
  const base = `/portal/account/invoices/${encodeURIComponent(inv.number)}`;
  await other.get('/portal/account');
  assert.equal((await other.get(`${base}/bank-transfer`)).status, 404);
  assert.equal((await other.post(`${base}/bank-transfer`, {})).status, 404);
  assert.equal((await other.upload(`${base}/bank-transfer/receipt`, { amount: '150000' }, { field: 'receipt', name: 'x.png', type: 'image/png', content: PNG })).status, 404);
  assert.deepEqual(await receipts(inv.id), []);
  assert.equal(Number((await s.c.db('bank_transfer_codes').where({ invoice_id: inv.id }).count('* as n'))[0]!.n), 0);
});

test('settings: on needs an account, each change is audited, and switched off the portal offers no bank transfer', async () => {
  const none = await saveBankTransfer(admin, { enabled: 'on', codeHours: '48' });
  assert.equal(none.status, 422);
  assert.match(none.text, /Add at least one account/);
  const badHours = await saveBankTransfer(admin, { ...ON, codeHours: '500' });
  assert.equal(badHours.status, 422);
  const cashier = await s.signedIn('cashier');
  assert.equal((await cashier.get('/admin/settings/bank-transfer')).status, 403, 'settings.manage only');

  assert.equal((await saveBankTransfer(admin, ON)).status, 302);
  const b = await portalCustomer(s.c.db, { phone: '0812-7000-0002', password: 'sandi rumah 123', prefix: 'BTB' });
  const inv = b.invoices.at(-1)!;
  const phone = await signedInPhone(s.baseUrl, '081270000002', 'sandi rumah 123');
  const base = `/portal/account/invoices/${encodeURIComponent(inv.number)}`;
  assert.match((await phone.get(base)).text, /data-bank-transfer-choice/);

  const off = await saveBankTransfer(admin, { ...ON, enabled: 'off' });
  assert.equal(off.status, 302);
  const form = await admin.get('/admin/settings/bank-transfer');
  assert.match(form.text, /<option value="off" selected>/);
  assert.match(form.text, /value="1234567890"/, 'the accounts are kept while it is off');
  const audit = await s.c.db('audit_log').where({ object_type: 'settings', object_id: 'bank_transfer' }).orderBy('id').select('action', 'after');
  assert.deepEqual(audit.at(-1), { action: 'settings_updated', after: { enabled: false, codeHours: 48, accounts: [{ bank: 'bca', number: '1234567890', holder: 'PT Net Desa' }] } });

  assert.doesNotMatch((await phone.get(base)).text, /data-bank-transfer-choice/, 'no bank transfer offered');
  assert.equal((await phone.get(`${base}/bank-transfer`)).status, 404);
  assert.equal((await phone.post(`${base}/bank-transfer`, {})).status, 404);
  assert.equal((await phone.upload(`${base}/bank-transfer/receipt`, { amount: '150000' }, { field: 'receipt', name: 'x.png', type: 'image/png', content: PNG })).status, 404);
  assert.deepEqual(await receipts(inv.id), []);
});

test('the REST API lists Tripay and Duitku payments and filters by them (api/resources/payments.ts METHODS)', async () => {
  const c = await portalCustomer(s.c.db, { phone: '0812-7000-0006', prefix: 'BTF' });
  const inv = c.invoices.at(-1)!;
  for (const method of ['tripay', 'duitku']) {
    await s.c.db('payments').insert({ customer_id: c.id, invoice_id: inv.id, amount: 10_000, method, status: 'pending', gateway_order_id: `${method}-${inv.id}` });
  }
  const t = await tokenFor(s.c.db, 'admin');
  for (const method of ['tripay', 'duitku', 'bank_transfer']) {
    const res = await api(s.baseUrl, t.token, 'GET', `/payments?method=${method}&customer_id=${c.id}`);
    assert.equal(res.status, 200, `method=${method}`);
    assert.ok((res.json.data as Array<{ method: string }>).every((p) => p.method === method));
    if (method !== 'bank_transfer') assert.equal(res.json.data.length, 1);
  }
});
