/**
 * Everything an invoice shows, in one value: the staff console's invoice page, its print page,
 * the PDF (invoice-pdf.ts) and the customer portal all read it from here, so they never disagree.
 * Money is integer rupiah; dates are local dates 'YYYY-MM-DD' (the ISP time zone) except the
 * instants (paidAt, voidedAt, payments' receivedAt), which are Dates.
 */
import type { Knex } from '../../lib/db.js';
import { customerAllocations, receiptNumber } from '../ledger/payment-allocations.js';
import { loadBillingSettings } from '../settings/billing-settings.js';

export type InvoiceStatus = 'draft' | 'open' | 'partially_paid' | 'paid' | 'void' | 'overdue';

export interface InvoiceDocumentLine {
  position: number;
  kind: 'plan' | 'proration' | 'one_off' | 'discount' | 'late_fee';
  description: string;
  quantity: number;
  /** Rupiah per unit (negative for a discount). */
  unitPrice: number;
  /** Rupiah: quantity × unit price as billed. */
  amount: number;
}

export interface InvoiceDocumentPayment {
  paymentId: number;
  receiptNumber: string;
  /** Rupiah of this payment allocated to this invoice. */
  amount: number;
  /** The whole payment (it may also have paid other invoices). */
  paymentAmount: number;
  method: 'cash' | 'bank_transfer' | 'midtrans' | 'xendit';
  receivedAt: Date | null;
  reference: string | null;
}

export interface InvoiceDocument {
  id: number;
  /** Null only for a draft. */
  invoiceNumber: string | null;
  status: InvoiceStatus;
  kind: 'recurring' | 'one_off';
  issueDate: string | null;
  dueDate: string | null;
  /** The billed period: first day and last day (both included); null for a one-off without one. */
  period: { start: string; end: string } | null;
  customer: {
    id: number;
    number: string;
    name: string;
    address: string | null;
    phone: string | null;
    email: string | null;
    locale: 'id' | 'en';
  };
  lines: InvoiceDocumentLine[];
  subtotal: number;
  /** Tax rate of this invoice in basis points (1100 = 11 %), as it was billed. */
  taxBasisPoints: number;
  tax: number;
  total: number;
  amountPaid: number;
  /** What is still owed: total − paid; 0 for a paid, void or draft invoice. */
  amountDue: number;
  paidAt: Date | null;
  voidedAt: Date | null;
  voidReason: string | null;
  /** Settled payments whose money this invoice received, oldest first. */
  payments: InvoiceDocumentPayment[];
  /** The ISP as the billing settings name it now (taxBasisPoints: the rate configured now). */
  company: {
    name: string;
    phone: string;
    email: string;
    address: string;
    taxBasisPoints: number;
  };
}

function addDaysIso(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Loads invoice `invoiceId`, or null when there is none. */
export async function loadInvoiceDocument(db: Knex | Knex.Transaction, invoiceId: number): Promise<InvoiceDocument | null> {
  if (!Number.isSafeInteger(invoiceId) || invoiceId <= 0) return null;
  const inv = await db('invoices as i')
    .join('customers as c', 'c.id', 'i.customer_id')
    .where('i.id', invoiceId)
    .first(
      'i.id', 'i.invoice_number', 'i.status', 'i.kind', 'i.issue_date', 'i.due_date', 'i.period_start', 'i.period_end',
      'i.subtotal', 'i.tax_basis_points', 'i.tax_amount', 'i.total', 'i.amount_paid', 'i.paid_at', 'i.voided_at', 'i.void_reason',
      'c.id as customer_id', 'c.customer_number', 'c.name as customer_name', 'c.address', 'c.phone', 'c.email', 'c.locale',
    );
  if (!inv) return null;
  const customerId = Number(inv.customer_id);
  const [lines, settings, allocations] = await Promise.all([
    db('invoice_lines').where({ invoice_id: invoiceId }).orderBy('position').select('position', 'kind', 'description', 'quantity', 'unit_amount', 'amount'),
    loadBillingSettings(db),
    customerAllocations(db, customerId),
  ]);
  const mine = allocations.filter((a) => a.invoiceId === invoiceId && a.paymentId !== null);
  const payments = mine.length
    ? ((await db('payments')
        .whereIn('id', mine.map((a) => a.paymentId!))
        .select('id', 'amount', 'method', 'settled_at', 'reference', 'gateway_order_id',
          db.raw(`to_char(settled_at AT TIME ZONE isp_time_zone(), 'YYYY-MM-DD') AS received_on`))) as Array<{
        id: number; amount: number; method: InvoiceDocumentPayment['method']; settled_at: Date | null; reference: string | null; gateway_order_id: string | null; received_on: string | null;
      }>)
    : [];
  const byId = new Map(payments.map((p) => [Number(p.id), p]));
  const status = inv.status as InvoiceStatus;
  const total = Number(inv.total);
  const amountPaid = Number(inv.amount_paid);
  return {
    id: Number(inv.id),
    invoiceNumber: inv.invoice_number,
    status,
    kind: inv.kind,
    issueDate: inv.issue_date,
    dueDate: inv.due_date,
    period: inv.period_start
      ? { start: inv.period_start, end: inv.period_end ? addDaysIso(inv.period_end, -1) : inv.period_start }
      : null,
    customer: {
      id: customerId,
      number: inv.customer_number,
      name: inv.customer_name,
      address: inv.address,
      phone: inv.phone,
      email: inv.email,
      locale: inv.locale === 'en' ? 'en' : 'id',
    },
    lines: (lines as Array<{ position: number; kind: InvoiceDocumentLine['kind']; description: string; quantity: number; unit_amount: number; amount: number }>).map((l) => ({
      position: l.position, kind: l.kind, description: l.description, quantity: l.quantity, unitPrice: Number(l.unit_amount), amount: Number(l.amount),
    })),
    subtotal: Number(inv.subtotal),
    taxBasisPoints: Number(inv.tax_basis_points),
    tax: Number(inv.tax_amount),
    total,
    amountPaid,
    amountDue: status === 'open' || status === 'partially_paid' || status === 'overdue' ? Math.max(0, total - amountPaid) : 0,
    paidAt: inv.paid_at,
    voidedAt: inv.voided_at,
    voidReason: inv.void_reason,
    payments: mine
      .filter((a) => byId.has(a.paymentId!))
      .map((a) => {
        const p = byId.get(a.paymentId!)!;
        return {
          paymentId: Number(p.id),
          receiptNumber: receiptNumber(Number(p.id), p.received_on),
          amount: a.amount,
          paymentAmount: Number(p.amount),
          method: p.method,
          receivedAt: p.settled_at,
          reference: p.reference ?? p.gateway_order_id,
        };
      })
      .sort((a, b) => (a.receivedAt?.getTime() ?? 0) - (b.receivedAt?.getTime() ?? 0) || a.paymentId - b.paymentId),
    company: {
      name: settings.companyName,
      phone: settings.companyPhone,
      email: settings.companyEmail,
      address: settings.companyAddress,
      taxBasisPoints: settings.taxBasisPoints,
    },
  };
}
