/**
 * The invoice PDF, read back as text from the bytes served (test/helpers/invoices-fixtures.ts
 * pdfText inflates pdfkit's streams): the number, the customer, rupiah amounts, dates in words,
 * Indonesian and English labels, the void stamp, and text the standard fonts cannot print.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pdfText } from '../../test/helpers/invoices-fixtures.js';
import type { InvoiceDocument } from './invoice-document.js';
import { formatInstant, pdfSafe, renderInvoicePdf } from './invoice-pdf.js';

const doc: InvoiceDocument = {
  id: 7, invoiceNumber: 'INV/2026/11/000123', status: 'partially_paid', kind: 'recurring', issueDate: '2026-11-24', dueDate: '2026-12-11',
  period: { start: '2026-12-01', end: '2026-12-31' },
  customer: { id: 1, number: 'CUST0042', name: 'Budi Santoso', address: 'Jl. Merdeka 1, Bandung', phone: '081234567890', email: null, locale: 'id' },
  lines: [
    { position: 1, kind: 'plan', description: 'Rumahan 20M (01/12/2026 – 31/12/2026)', quantity: 1, unitPrice: 150_000, amount: 150_000 },
    { position: 2, kind: 'discount', description: 'Diskon pelanggan setia', quantity: 1, unitPrice: -10_000, amount: -10_000 },
  ],
  subtotal: 140_000, taxBasisPoints: 1100, tax: 15_400, total: 155_400, amountPaid: 50_000, amountDue: 105_400,
  paidAt: null, voidedAt: null, voidReason: null,
  payments: [{ paymentId: 5, receiptNumber: 'KWT/2026/11/000005', amount: 50_000, paymentAmount: 50_000, method: 'cash', receivedAt: new Date('2026-11-30T03:15:00Z'), reference: null }],
  company: { name: 'NetKita', phone: '021-555-0101', email: 'tagihan@netkita.id', address: 'Jl. Sudirman 5, Jakarta', taxBasisPoints: 1100 },
};

test('an Indonesian invoice PDF shows the number, customer, lines, tax, what is paid and due', async () => {
  const pdf = await renderInvoicePdf(doc, { locale: 'id', timeZone: 'Asia/Jakarta' });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.match(pdf.subarray(-8).toString(), /%%EOF/);
  const text = pdfText(pdf).join('\n');
  for (const s of ['FAKTUR', 'INV/2026/11/000123', 'NetKita', 'Budi Santoso', 'No. pelanggan: CUST0042', 'Rumahan 20M (01/12/2026 – 31/12/2026)',
    'Rp 150.000', '-Rp 10.000', 'PPN 11%', 'Rp 15.400', 'Rp 155.400', 'Rp 50.000', 'Rp 105.400', '24 November 2026', '11 Desember 2026',
    'KWT/2026/11/000005', 'Mohon lunasi sebelum 11 Desember 2026.']) {
    assert.ok(text.includes(s), `shows ${s}\n--- text:\n${text}`);
  }
  assert.ok(text.includes('30 November 2026 pukul 10.15') || text.includes('30 November 2026 10.15'), 'the payment time in Jakarta (UTC+7)');
});

test('in English, and a void invoice carries the stamp and the reason', async () => {
  const pdf = await renderInvoicePdf({ ...doc, status: 'void', amountPaid: 0, amountDue: 0, payments: [], voidedAt: new Date('2026-11-25T02:00:00Z'), voidReason: 'Billed twice' },
    { locale: 'en', timeZone: 'Asia/Jakarta' });
  const text = pdfText(pdf).join('\n');
  for (const s of ['INVOICE', 'INV/2026/11/000123', 'Bill to'.toUpperCase(), 'Due date', '11 December 2026', 'VAT 11%', 'VOID', 'This invoice was voided', 'Billed twice']) {
    assert.ok(text.includes(s), `shows ${s}\n--- text:\n${text}`);
  }
  assert.ok(!text.includes('Please pay before'), 'nothing to pay on a void invoice');
});

test('text the standard fonts cannot print becomes ?, the rest is kept', () => {
  assert.equal(pdfSafe('Warung Bu Siti 🙂 – “Café”'), 'Warung Bu Siti ? – “Café”');
  assert.equal(formatInstant(new Date('2026-11-30T17:30:00Z'), 'en', 'Asia/Jakarta'), '1 December 2026 at 00:30');
});
