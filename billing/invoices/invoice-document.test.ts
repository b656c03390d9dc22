/**
 * The invoice document and the receipt document from a real database: lines, totals, the
 * customer and company, the payments that paid it (one payment across two invoices, oldest due
 * first), and the receipt's allocations, credit and who received it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPlan, createStaff } from '../../test/helpers/factories.js';
import { invoicesOfSubscription, setBillingSettings, startBillingTest, subscriber } from '../../test/helpers/billing-fixtures.js';
import { loadReceiptDocument } from '../payments/receipt-document.js';
import { loadInvoiceDocument } from './invoice-document.js';

test('an invoice document and the receipts of the payments that paid it', async (t) => {
  const b = await startBillingTest({ day: '2026-11-24', settings: { taxBasisPoints: 1100, companyName: 'NetKita', companyPhone: '021-555', companyAddress: 'Jl. Sudirman 5' } });
  t.after(() => b.dispose());
  const plan = await createPlan(b.db, { name: 'Rumahan', price: 150_000 });
  const sub = await subscriber(b.db, { planId: plan.id, startDate: '2026-10-01', name: 'Budi Santoso' });
  await b.db('customers').where({ id: sub.customerId }).update({ address: 'Jl. Merdeka 1' });
  await b.engine.generateInvoices();
  b.setDay('2026-12-25');
  await b.engine.generateInvoices();
  const [dec, jan] = await invoicesOfSubscription(b.db, sub.id);
  assert.equal(dec!.total, 166_500, '150,000 + 11 % PPN');
  const cashier = await createStaff(b.db, { username: 'kasir-siti', name: 'Siti', role: 'cashier' });
  // One payment for both and some credit: December (due first) then January, 20,000 left over.
  b.setDay('2026-12-26');
  const pay = await b.engine.recordStaffPayment({ customerId: sub.customerId, amount: 353_000, method: 'cash', receivedBy: cashier.id });
  await setBillingSettings(b.db, { companyEmail: 'tagihan@netkita.id' });

  const doc = (await loadInvoiceDocument(b.db, jan!.id))!;
  assert.equal(doc.invoiceNumber, jan!.invoice_number);
  assert.deepEqual([doc.status, doc.issueDate, doc.dueDate, doc.period], ['paid', '2026-12-25', '2027-01-11', { start: '2027-01-01', end: '2027-01-31' }]);
  assert.deepEqual(doc.customer, { id: sub.customerId, number: doc.customer.number, name: 'Budi Santoso', address: 'Jl. Merdeka 1', phone: '081234567890', email: null, locale: 'id' });
  assert.match(doc.customer.number, /^CUST\d{4,}$/);
  assert.deepEqual(doc.lines.map((l) => [l.kind, l.quantity, l.unitPrice, l.amount]), [['plan', 1, 150_000, 150_000]]);
  assert.deepEqual([doc.subtotal, doc.taxBasisPoints, doc.tax, doc.total, doc.amountPaid, doc.amountDue], [150_000, 1100, 16_500, 166_500, 166_500, 0]);
  assert.deepEqual(doc.payments.map((p) => [p.paymentId, p.amount, p.paymentAmount, p.method]), [[pay.paymentId, 166_500, 353_000, 'cash']]);
  assert.equal(doc.payments[0]!.receiptNumber, `KWT/2026/12/${String(pay.paymentId).padStart(6, '0')}`);
  assert.deepEqual(doc.company, { name: 'NetKita', phone: '021-555', email: 'tagihan@netkita.id', address: 'Jl. Sudirman 5', taxBasisPoints: 1100 });

  const receipt = (await loadReceiptDocument(b.db, pay.paymentId))!;
  assert.deepEqual([receipt.status, receipt.amount, receipt.method, receipt.receivedBy?.name], ['settled', 353_000, 'cash', 'Siti']);
  assert.deepEqual(receipt.allocations.map((a) => [a.invoiceNumber, a.amount]), [[dec!.invoice_number, 166_500], [jan!.invoice_number, 166_500]]);
  assert.equal(receipt.unallocated, 20_000);
  assert.equal(await loadInvoiceDocument(b.db, 999_999), null);
  assert.equal(await loadReceiptDocument(b.db, 999_999), null);
});
