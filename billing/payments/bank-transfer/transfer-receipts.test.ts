/**
 * Transfer receipts against a real database: the file's type is decided by its first bytes (a
 * text file named .png is refused), the size is limited, staff approve one (the invoice paid once,
 * however often the button is pressed) or reject one with a reason the customer is sent.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createStaff } from '../../../test/helpers/factories.js';
import { ledgerSum, withOneInvoice } from '../../../test/helpers/billing-fixtures.js';
import { MAX_RECEIPT_BYTES, receiptTypeOf } from './receipt-file.js';
import { decideTransferReceipt, submitTransferReceipt } from './transfer-receipts.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR....')]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);

test('receipt types come from the bytes, not the name', () => {
  assert.deepEqual([PNG, JPEG, PDF, WEBP].map(receiptTypeOf), ['image/png', 'image/jpeg', 'application/pdf', 'image/webp']);
  for (const bad of [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), Buffer.from('GIF89a'), Buffer.from('PK\u0003\u0004'), Buffer.alloc(0), Buffer.from([0xff, 0xd8])]) {
    assert.equal(receiptTypeOf(bad), null);
  }
});

async function setup(t: TestContext) {
  const s = await withOneInvoice(t);
  const staff = await createStaff(s.b.db, { username: 'kasir-ani', role: 'cashier' });
  const actor = { staffUserId: staff.id, username: 'kasir-ani', ip: '127.0.0.1' };
  return { ...s, staffId: staff.id, actor };
}

test('a receipt that is not an image or PDF, too large, or for another customer’s invoice is refused', async (t) => {
  const { b, sub, invoice } = await setup(t);
  const deps = { db: b.db, clock: b.clock };
  const base = { customerId: sub.customerId, invoiceId: invoice.id, amount: 150_000 };
  await assert.rejects(submitTransferReceipt(deps, { ...base, content: Buffer.from('not really a png') }), { code: 'receipt_type' });
  await assert.rejects(submitTransferReceipt(deps, { ...base, content: Buffer.concat([PNG, Buffer.alloc(MAX_RECEIPT_BYTES)]) }), { code: 'receipt_too_large' });
  await assert.rejects(submitTransferReceipt(deps, { ...base, customerId: sub.customerId + 999, content: PNG }), { code: 'invoice_not_open' });
  await assert.rejects(submitTransferReceipt(deps, { ...base, amount: 1.5, content: PNG }), { code: 'invalid_amount' });
  assert.equal(Number((await b.db('transfer_receipts').count<Array<{ count: string }>>('* as count'))[0]!.count), 0);
});

test('approved: one settled bank_transfer payment, the invoice paid; approving again changes nothing', async (t) => {
  const { b, sub, invoice, staffId, actor } = await setup(t);
  const id = await submitTransferReceipt({ db: b.db, clock: b.clock }, { customerId: sub.customerId, invoiceId: invoice.id, amount: 150_000, content: PDF });
  assert.equal((await b.db('transfer_receipts').where({ id }).first('content_type')).content_type, 'application/pdf');
  const paymentId = await b.engine.run((d) => decideTransferReceipt(d, { receiptId: id, decision: { approve: true }, staffId, actor, channels: ['sms'] }));
  assert.ok(paymentId);
  await assert.rejects(b.engine.run((d) => decideTransferReceipt(d, { receiptId: id, decision: { approve: true }, staffId, actor, channels: ['sms'] })), { code: 'receipt_not_pending' });
  assert.deepEqual(await b.db('invoices').where({ id: invoice.id }).first('status', 'amount_paid'), { status: 'paid', amount_paid: 150_000 });
  assert.deepEqual(await b.db('payments').where({ customer_id: sub.customerId }).select('id', 'method', 'status', 'amount'), [{ id: paymentId, method: 'bank_transfer', status: 'settled', amount: 150_000 }]);
  assert.equal(await ledgerSum(b.db, sub.customerId), 0);
});

test('rejected with a reason: nothing credited, the customer told why in their language', async (t) => {
  const { b, sub, invoice, staffId, actor } = await setup(t);
  const id = await submitTransferReceipt({ db: b.db, clock: b.clock }, { customerId: sub.customerId, invoiceId: invoice.id, amount: 150_000, content: JPEG });
  await assert.rejects(b.engine.run((d) => decideTransferReceipt(d, { receiptId: id, decision: { approve: false, reason: '  ' }, staffId, actor, channels: ['sms'] })), { code: 'reason_required' });
  const r = await b.engine.run((d) => decideTransferReceipt(d, { receiptId: id, decision: { approve: false, reason: 'Nominal di bukti tidak terbaca' }, staffId, actor, channels: ['sms'] }));
  assert.equal(r, null);
  assert.deepEqual(await b.db('transfer_receipts').where({ id }).first('status', 'reject_reason'), { status: 'rejected', reject_reason: 'Nominal di bukti tidak terbaca' });
  assert.equal(await b.db('payments').where({ customer_id: sub.customerId }).first(), undefined);
  const sent = await b.db('notification_outbox').where({ customer_id: sub.customerId, template: 'broadcast' }).select('channel', 'locale', 'payload');
  assert.equal(sent.length, 1);
  assert.equal(sent[0].channel, 'sms');
  assert.match(sent[0].payload.text, /tidak diterima: Nominal di bukti tidak terbaca/);
  assert.ok(sent[0].payload.text.includes(invoice.invoice_number));
});
