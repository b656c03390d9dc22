/**
 * What the portal shows of bank transfer for one invoice of the signed-in customer (ARCHITECTURE.md,
 * "Payment channels"): the open unique code, if any, and the receipts uploaded for it with their
 * state. Every query names the customer id as well as the invoice id (account-kit.ts, "Scoping").
 * Amounts are whole rupiah; times are timestamptz (shown in the ISP's time zone by the views).
 */
import type { Knex } from '../../lib/db.js';

export interface OpenTransferCode {
  /** What to transfer: invoice amount + unique code, rupiah. */
  amount: number;
  invoiceAmount: number;
  /** 1–999: the last three digits of `amount`. */
  uniqueCode: number;
  expiresAt: Date;
}

export interface ReceiptState {
  status: 'pending' | 'approved' | 'rejected';
  amount: number;
  createdAt: Date;
  reviewedAt: Date | null;
  /** Why staff refused it (rejected only). */
  reason: string | null;
}

/**
 * The customer's open, unexpired code for what is owed now on the invoice (`owed` rupiah), or
 * null. A code for another amount (the invoice was partly paid since) is not shown: asking again
 * issues one for the new amount (issue-transfer-code.ts).
 */
export async function openTransferCode(db: Knex, customerId: number, invoiceId: number, owed: number, now: Date): Promise<OpenTransferCode | null> {
  const row = await db('bank_transfer_codes')
    .where({ customer_id: customerId, invoice_id: invoiceId, invoice_amount: owed, status: 'open' })
    .where('expires_at', '>', now).orderBy('id', 'desc').first('amount', 'invoice_amount', 'unique_code', 'expires_at');
  return row ? { amount: Number(row.amount), invoiceAmount: Number(row.invoice_amount), uniqueCode: Number(row.unique_code), expiresAt: new Date(row.expires_at) } : null;
}

/** The receipts this customer uploaded for the invoice, newest first (at most 20; no content). */
export async function receiptsOfInvoice(db: Knex, customerId: number, invoiceId: number): Promise<ReceiptState[]> {
  const rows = await db('transfer_receipts').where({ customer_id: customerId, invoice_id: invoiceId })
    .orderBy('id', 'desc').limit(20).select('status', 'amount', 'created_at', 'reviewed_at', 'reject_reason');
  return rows.map((r) => ({
    status: r.status, amount: Number(r.amount), createdAt: r.created_at, reviewedAt: r.reviewed_at ?? null, reason: r.reject_reason ?? null,
  }));
}

/** The code's amount as the bank's form wants it and as the eye reads it: the last three digits apart. */
export function splitAmount(amount: number): { head: string; tail: string } {
  const grouped = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }).format(amount);
  return { head: grouped.slice(0, -3), tail: grouped.slice(-3) };
}
