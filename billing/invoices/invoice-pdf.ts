/**
 * The invoice as a PDF (A4, the standard Helvetica fonts, no font files): the ISP's name and
 * contact, the customer, the dates, the lines, subtotal / tax / total, what was paid and what is
 * still due, the payments that paid it, and a VOID stamp for a voided invoice. Rupiah through
 * lib/money.ts, local dates as a person reads them (`21 November 2026`), instants in the ISP time
 * zone, labels from the locale catalog (views/locales/admin/invoices/{id,en}.json, `invoice_pdf.*`).
 *
 * Standard PDF fonts cover Windows-1252 only: text outside it (an emoji in a customer's name) is
 * replaced by '?' rather than printed as garbage.
 */
import PDFDocument from 'pdfkit';
import { t, type Locale } from '../../lib/i18n.js';
import { formatRupiah } from '../../lib/money.js';
import { formatLocalDate } from '../notifications/outbox-notifier.js';
import type { InvoiceDocument } from './invoice-document.js';

export interface PdfOptions {
  locale: Locale;
  /** The ISP time zone (IANA name): instants such as a payment's time are shown in it. */
  timeZone: string;
}

// Windows-1252 beyond Latin-1: the characters Helvetica (WinAnsiEncoding) can print above 0x7F.
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text the standard fonts can print: Windows-1252 kept, anything else '?'. */
export function pdfSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.has(ch)) out += ch;
    else if (ch === '\t') out += ' ';
    else if (code >= 0x20) out += '?';
  }
  return out;
}

/** A date-time in the ISP time zone: `21 November 2026 14.05` / `21 November 2026 14:05`. */
export function formatInstant(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', {
    day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone,
  }).format(at);
}

const PAGE_MARGIN = 50;
const GREY = '#555555';
const LIGHT = '#dddddd';

/** Renders `doc` as a PDF. */
export async function renderInvoicePdf(doc: InvoiceDocument, opts: PdfOptions): Promise<Buffer> {
  const L = (key: string): string => t(opts.locale, `invoice_pdf.${key}`);
  const date = (day: string | null): string => (day ? formatLocalDate(day, opts.locale) : '—');
  const title = `${L('title')} ${doc.invoiceNumber ?? L('draft')}`;
  const pdf = new PDFDocument({
    size: 'A4',
    margin: PAGE_MARGIN,
    info: { Title: pdfSafe(title), Author: pdfSafe(doc.company.name), Creator: pdfSafe(doc.company.name) },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const left = PAGE_MARGIN;
  const width = pdf.page.width - PAGE_MARGIN * 2;
  const right = left + width;
  const text = (s: string): string => pdfSafe(s);

  // Header: the ISP on the left, the document title and number on the right.
  const top = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(16).fillColor('black').text(text(doc.company.name), left, top, { width: width * 0.55 });
  pdf.font('Helvetica').fontSize(9).fillColor(GREY);
  for (const line of [doc.company.address, doc.company.phone, doc.company.email]) {
    if (line) pdf.text(text(line), { width: width * 0.55 });
  }
  const leftBottom = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(20).fillColor('black').text(L('title'), left + width * 0.55, top, { width: width * 0.45, align: 'right' });
  pdf.font('Helvetica').fontSize(11).text(text(doc.invoiceNumber ?? L('draft')), { width: width * 0.45, align: 'right' });
  pdf.fontSize(9).fillColor(GREY).text(`${L('status')}: ${t(opts.locale, `invoice_status.${doc.status}`)}`, { width: width * 0.45, align: 'right' });
  pdf.y = Math.max(pdf.y, leftBottom) + 16;
  pdf.moveTo(left, pdf.y).lineTo(right, pdf.y).strokeColor(LIGHT).stroke();
  pdf.y += 12;

  // Bill to, and the dates.
  const blockTop = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(9).fillColor(GREY).text(L('bill_to'), left, blockTop, { width: width * 0.5 });
  pdf.font('Helvetica-Bold').fontSize(11).fillColor('black').text(text(doc.customer.name), { width: width * 0.5 });
  pdf.font('Helvetica').fontSize(9).text(`${L('customer_number')}: ${text(doc.customer.number)}`, { width: width * 0.5 });
  if (doc.customer.address) pdf.text(text(doc.customer.address), { width: width * 0.5 });
  if (doc.customer.phone) pdf.text(`${L('phone')}: ${text(doc.customer.phone)}`, { width: width * 0.5 });
  const billBottom = pdf.y;
  const facts: Array<[string, string]> = [
    [L('issue_date'), date(doc.issueDate)],
    [L('due_date'), date(doc.dueDate)],
  ];
  if (doc.period) facts.push([L('period'), `${date(doc.period.start)} – ${date(doc.period.end)}`]);
  let fy = blockTop;
  for (const [label, value] of facts) {
    pdf.font('Helvetica').fontSize(9).fillColor(GREY).text(label, left + width * 0.5, fy, { width: width * 0.15 });
    pdf.fillColor('black').text(value, left + width * 0.65, fy, { width: width * 0.35, align: 'right' });
    fy = pdf.y + 2;
  }
  pdf.y = Math.max(billBottom, fy) + 18;

  // Lines.
  const cols = { desc: left, qty: left + width * 0.55, unit: left + width * 0.63, amount: left + width * 0.8 };
  const colW = { desc: width * 0.53, qty: width * 0.08, unit: width * 0.17, amount: width * 0.2 };
  const header = (): void => {
    const y = pdf.y;
    pdf.font('Helvetica-Bold').fontSize(9).fillColor(GREY);
    pdf.text(L('description'), cols.desc, y, { width: colW.desc });
    pdf.text(L('quantity'), cols.qty, y, { width: colW.qty, align: 'right' });
    pdf.text(L('unit_price'), cols.unit, y, { width: colW.unit, align: 'right' });
    pdf.text(L('amount'), cols.amount, y, { width: colW.amount, align: 'right' });
    pdf.y = y + 14;
    pdf.moveTo(left, pdf.y).lineTo(right, pdf.y).strokeColor(LIGHT).stroke();
    pdf.y += 6;
  };
  const bottomLimit = (): number => pdf.page.height - PAGE_MARGIN - 40;
  header();
  for (const line of doc.lines) {
    const h = pdf.font('Helvetica').fontSize(10).heightOfString(text(line.description), { width: colW.desc });
    if (pdf.y + h > bottomLimit()) {
      pdf.addPage();
      header();
    }
    const y = pdf.y;
    pdf.font('Helvetica').fontSize(10).fillColor('black');
    pdf.text(text(line.description), cols.desc, y, { width: colW.desc });
    pdf.text(String(line.quantity), cols.qty, y, { width: colW.qty, align: 'right' });
    pdf.text(formatRupiah(line.unitPrice), cols.unit, y, { width: colW.unit, align: 'right' });
    pdf.text(formatRupiah(line.amount), cols.amount, y, { width: colW.amount, align: 'right' });
    pdf.y = y + Math.max(h, 12) + 6;
  }
  pdf.moveTo(left, pdf.y).lineTo(right, pdf.y).strokeColor(LIGHT).stroke();
  pdf.y += 8;

  // Totals.
  const totals: Array<[string, number, boolean]> = [[L('subtotal'), doc.subtotal, false]];
  if (doc.tax || doc.taxBasisPoints) totals.push([`${L('tax')} ${formatPercent(doc.taxBasisPoints, opts.locale)}`, doc.tax, false]);
  totals.push([L('total'), doc.total, true], [L('amount_paid'), doc.amountPaid, false], [L('amount_due'), doc.amountDue, true]);
  if (pdf.y + totals.length * 16 > bottomLimit()) pdf.addPage();
  for (const [label, amount, strong] of totals) {
    const y = pdf.y;
    pdf.font(strong ? 'Helvetica-Bold' : 'Helvetica').fontSize(strong ? 11 : 10).fillColor('black');
    pdf.text(label, left + width * 0.45, y, { width: width * 0.33, align: 'right' });
    pdf.text(formatRupiah(amount), cols.amount, y, { width: colW.amount, align: 'right' });
    pdf.y = y + 16;
  }

  // Payments that paid it.
  if (doc.payments.length) {
    pdf.y += 10;
    if (pdf.y + 30 + doc.payments.length * 14 > bottomLimit()) pdf.addPage();
    pdf.font('Helvetica-Bold').fontSize(10).fillColor('black').text(L('payments'), left, pdf.y, { width });
    pdf.y += 4;
    for (const p of doc.payments) {
      const y = pdf.y;
      pdf.font('Helvetica').fontSize(9).fillColor('black');
      const when = p.receivedAt ? formatInstant(p.receivedAt, opts.locale, opts.timeZone) : '—';
      const label = `${text(p.receiptNumber)} · ${t(opts.locale, `invoice_pdf.method.${p.method}`)} · ${when}`;
      const h = pdf.heightOfString(label, { width: width * 0.75 });
      pdf.text(label, left, y, { width: width * 0.75 });
      pdf.text(formatRupiah(p.amount), cols.amount, y, { width: colW.amount, align: 'right' });
      pdf.y = y + Math.max(h, 12) + 2;
    }
  }

  if (doc.status === 'void') {
    pdf.y += 12;
    pdf.font('Helvetica-Bold').fontSize(12).fillColor('#b00020').text(L('void_notice'), left, pdf.y, { width });
    const when = doc.voidedAt ? formatInstant(doc.voidedAt, opts.locale, opts.timeZone) : '';
    pdf.font('Helvetica').fontSize(9).text(text([when, doc.voidReason ?? ''].filter(Boolean).join(' — ')), { width });
    // A large diagonal stamp across the page.
    pdf.save();
    pdf.rotate(-30, { origin: [pdf.page.width / 2, pdf.page.height / 2] });
    pdf.font('Helvetica-Bold').fontSize(90).fillColor('#b00020').opacity(0.15)
      .text(L('void_stamp'), 0, pdf.page.height / 2 - 50, { width: pdf.page.width, align: 'center', lineBreak: false });
    pdf.restore();
    pdf.opacity(1);
  } else if (doc.status === 'paid') {
    pdf.y += 12;
    const paidOn = doc.paidAt ? ` ${formatInstant(doc.paidAt, opts.locale, opts.timeZone)}` : '';
    pdf.font('Helvetica-Bold').fontSize(11).fillColor('#1b5e20').text(`${L('paid_notice')}${paidOn}`, left, pdf.y, { width });
  } else if (doc.amountDue > 0) {
    pdf.y += 12;
    pdf.font('Helvetica').fontSize(9).fillColor(GREY).text(`${L('pay_before')} ${date(doc.dueDate)}.`, left, pdf.y, { width });
  }

  // Footer on the last page: the contact line.
  const contact = [doc.company.name, doc.company.phone, doc.company.email].filter(Boolean).join(' · ');
  pdf.font('Helvetica').fontSize(8).fillColor(GREY)
    .text(text(contact), left, pdf.page.height - PAGE_MARGIN - 10, { width, align: 'center', lineBreak: false });

  pdf.end();
  return done;
}

/** 1100 basis points → `11%` (`id`: `11%`, `12,5%`; `en`: `12.5%`). */
export function formatPercent(basisPoints: number, locale: Locale): string {
  const value = basisPoints / 100;
  return `${new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 2 }).format(value)}%`;
}
