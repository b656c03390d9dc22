/**
 * A payment receipt as a PDF (A5, standard Helvetica): the ISP, the receipt number, the customer,
 * the amount in rupiah, method and references, when it arrived (ISP time zone) and who received
 * it, and the invoices it paid; labels from `receipt_pdf.*` (views/locales/admin/payments).
 * Shares the text helpers of invoice-pdf.ts.
 */
import PDFDocument from 'pdfkit';
import { t, type Locale } from '../../lib/i18n.js';
import { formatRupiah } from '../../lib/money.js';
import { formatLocalDate } from '../notifications/outbox-notifier.js';
import { formatInstant, pdfSafe } from '../invoices/invoice-pdf.js';
import type { ReceiptDocument } from './receipt-document.js';

const MARGIN = 36;
const GREY = '#555555';
const LIGHT = '#dddddd';

/** Renders `doc` as a PDF. */
export async function renderReceiptPdf(doc: ReceiptDocument, opts: { locale: Locale; timeZone: string }): Promise<Buffer> {
  const L = (key: string): string => t(opts.locale, `receipt_pdf.${key}`);
  const pdf = new PDFDocument({
    size: 'A5',
    margin: MARGIN,
    info: { Title: pdfSafe(`${L('title')} ${doc.receiptNumber}`), Author: pdfSafe(doc.company.name), Creator: pdfSafe(doc.company.name) },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const left = MARGIN;
  const width = pdf.page.width - MARGIN * 2;
  const right = left + width;
  const s = pdfSafe;

  const top = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(13).fillColor('black').text(s(doc.company.name), left, top, { width: width * 0.55 });
  pdf.font('Helvetica').fontSize(8).fillColor(GREY);
  for (const line of [doc.company.address, doc.company.phone, doc.company.email]) if (line) pdf.text(s(line), { width: width * 0.55 });
  const leftBottom = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(15).fillColor('black').text(L('title'), left + width * 0.55, top, { width: width * 0.45, align: 'right' });
  pdf.font('Helvetica').fontSize(9).text(s(doc.receiptNumber), { width: width * 0.45, align: 'right' });
  pdf.y = Math.max(pdf.y, leftBottom) + 10;
  pdf.moveTo(left, pdf.y).lineTo(right, pdf.y).strokeColor(LIGHT).stroke();
  pdf.y += 10;

  const when = doc.receivedAt ? formatInstant(doc.receivedAt, opts.locale, opts.timeZone) : '—';
  const facts: Array<[string, string]> = [
    [L('received_from'), `${doc.customer.name} (${doc.customer.number})`],
    [L('amount'), formatRupiah(doc.amount)],
    [L('method'), t(opts.locale, `receipt_pdf.method.${doc.method}`) + (doc.gatewayPaymentType ? ` · ${doc.gatewayPaymentType}` : '')],
    [L('received_at'), when],
  ];
  if (doc.receivedBy) facts.push([L('received_by'), doc.receivedBy.name]);
  if (doc.reference) facts.push([L('reference'), doc.reference]);
  if (doc.gatewayOrderId) facts.push([L('order_id'), doc.gatewayOrderId]);
  if (doc.status !== 'settled') facts.push([L('status'), t(opts.locale, `payments.status.${doc.status}`)]);
  for (const [label, value] of facts) {
    const y = pdf.y;
    pdf.font('Helvetica').fontSize(9).fillColor(GREY).text(label, left, y, { width: width * 0.32 });
    const strong = label === L('amount');
    pdf.font(strong ? 'Helvetica-Bold' : 'Helvetica').fontSize(strong ? 12 : 9).fillColor('black').text(s(value), left + width * 0.34, y, { width: width * 0.66 });
    pdf.y += 4;
  }

  if (doc.allocations.length || doc.unallocated) {
    pdf.y += 8;
    pdf.font('Helvetica-Bold').fontSize(9).fillColor('black').text(L('applied_to'), left, pdf.y, { width });
    pdf.y += 3;
    for (const a of doc.allocations) {
      const y = pdf.y;
      const period = a.period ? ` (${formatLocalDate(a.period.start, opts.locale)} – ${formatLocalDate(a.period.end, opts.locale)})` : '';
      const label = s(`${a.invoiceNumber ?? `#${a.invoiceId}`}${period}`);
      pdf.font('Helvetica').fontSize(9);
      const h = pdf.heightOfString(label, { width: width * 0.7 });
      pdf.text(label, left, y, { width: width * 0.7 });
      pdf.text(formatRupiah(a.amount), left + width * 0.7, y, { width: width * 0.3, align: 'right' });
      pdf.y = y + h + 3;
    }
    if (doc.unallocated) {
      const y = pdf.y;
      pdf.font('Helvetica').fontSize(9).text(L('credit'), left, y, { width: width * 0.7 });
      pdf.text(formatRupiah(doc.unallocated), left + width * 0.7, y, { width: width * 0.3, align: 'right' });
    }
  }

  pdf.y += 14;
  pdf.font('Helvetica').fontSize(8).fillColor(GREY).text(L('thanks'), left, pdf.y, { width, align: 'center' });
  pdf.end();
  return done;
}
