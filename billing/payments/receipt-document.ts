/**
 * Everything a payment's receipt shows, in one value (the console's payment page, its print page
 * and the PDF read it from here): the receipt number (payment-allocations.ts receiptNumber), the
 * amount, method and gateway details, when it arrived and who received it, the customer, the
 * invoices its money paid (allocations replayed from the ledger) and what is left as credit.
 * Money is integer rupiah; receivedAt / createdAt are instants.
 */
import type { Knex } from '../../lib/db.js';
import { loadBillingSettings } from '../settings/billing-settings.js';
import { customerAllocations, receiptNumber } from '../ledger/payment-allocations.js';

export interface ReceiptAllocation {
  invoiceId: number;
  invoiceNumber: string | null;
  /** Rupiah of this payment allocated to the invoice. */
  amount: number;
  invoiceTotal: number;
  invoiceStatus: string;
  period: { start: string; end: string } | null;
}

export interface ReceiptDocument {
  paymentId: number;
  receiptNumber: string;
  status: 'pending' | 'settled' | 'failed' | 'expired' | 'refunded';
  method: 'cash' | 'bank_transfer' | 'midtrans' | 'xendit';
  amount: number;
  /** When the money arrived (settled_at); null while pending. */
  receivedAt: Date | null;
  createdAt: Date;
  /** The staff member who took it (cash, transfer); null for a gateway payment. */
  receivedBy: { id: number; name: string; username: string } | null;
  reference: string | null;
  gatewayOrderId: string | null;
  gatewayReference: string | null;
  gatewayPaymentType: string | null;
  note: string | null;
  flaggedReason: string | null;
  /** The invoice the payer named (a pay link's, or chosen at the counter), if any. */
  invoiceId: number | null;
  customer: { id: number; number: string; name: string; address: string | null; phone: string | null; email: string | null; locale: 'id' | 'en' };
  allocations: ReceiptAllocation[];
  /** Rupiah of this payment not allocated to any invoice (kept as the customer's credit); 0 unless settled. */
  unallocated: number;
  company: { name: string; phone: string; email: string; address: string };
}

function lastDay(periodEnd: string): string {
  const d = new Date(`${periodEnd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Loads payment `paymentId`'s receipt, or null when there is no such payment. */
export async function loadReceiptDocument(db: Knex | Knex.Transaction, paymentId: number): Promise<ReceiptDocument | null> {
  if (!Number.isSafeInteger(paymentId) || paymentId <= 0) return null;
  const p = await db('payments as p')
    .join('customers as c', 'c.id', 'p.customer_id')
    .leftJoin('staff_users as u', 'u.id', 'p.received_by')
    .where('p.id', paymentId)
    .first(
      'p.id', 'p.status', 'p.method', 'p.amount', 'p.settled_at', 'p.created_at', 'p.reference', 'p.gateway_order_id', 'p.gateway_reference',
      'p.gateway_payment_type', 'p.note', 'p.flagged_reason', 'p.invoice_id',
      'u.id as staff_id', 'u.name as staff_name', 'u.username as staff_username',
      'c.id as customer_id', 'c.customer_number', 'c.name as customer_name', 'c.address', 'c.phone', 'c.email', 'c.locale',
      db.raw(`to_char(coalesce(p.settled_at, p.created_at) AT TIME ZONE isp_time_zone(), 'YYYY-MM-DD') AS received_on`),
    );
  if (!p) return null;
  const customerId = Number(p.customer_id);
  const [settings, allocations] = await Promise.all([loadBillingSettings(db), p.status === 'settled' ? customerAllocations(db, customerId) : Promise.resolve([])]);
  const mine = allocations.filter((a) => a.paymentId === paymentId);
  const invoices = mine.length
    ? ((await db('invoices').whereIn('id', mine.map((a) => a.invoiceId)).select('id', 'invoice_number', 'total', 'status', 'period_start', 'period_end')) as Array<{
        id: number; invoice_number: string | null; total: number; status: string; period_start: string | null; period_end: string | null;
      }>)
    : [];
  const byId = new Map(invoices.map((i) => [Number(i.id), i]));
  const amount = Number(p.amount);
  const applied = mine.reduce((s, a) => s + a.amount, 0);
  return {
    paymentId,
    receiptNumber: receiptNumber(paymentId, p.received_on),
    status: p.status,
    method: p.method,
    amount,
    receivedAt: p.settled_at,
    createdAt: p.created_at,
    receivedBy: p.staff_id ? { id: Number(p.staff_id), name: p.staff_name, username: p.staff_username } : null,
    reference: p.reference,
    gatewayOrderId: p.gateway_order_id,
    gatewayReference: p.gateway_reference,
    gatewayPaymentType: p.gateway_payment_type,
    note: p.note,
    flaggedReason: p.flagged_reason,
    invoiceId: p.invoice_id === null ? null : Number(p.invoice_id),
    customer: {
      id: customerId, number: p.customer_number, name: p.customer_name, address: p.address, phone: p.phone, email: p.email,
      locale: p.locale === 'en' ? 'en' : 'id',
    },
    allocations: mine.map((a) => {
      const inv = byId.get(a.invoiceId);
      return {
        invoiceId: a.invoiceId,
        invoiceNumber: inv?.invoice_number ?? null,
        amount: a.amount,
        invoiceTotal: Number(inv?.total ?? 0),
        invoiceStatus: inv?.status ?? 'open',
        period: inv?.period_start ? { start: inv.period_start, end: inv.period_end ? lastDay(inv.period_end) : inv.period_start } : null,
      };
    }),
    unallocated: p.status === 'settled' ? Math.max(0, amount - applied) : 0,
    company: { name: settings.companyName, phone: settings.companyPhone, email: settings.companyEmail, address: settings.companyAddress },
  };
}
