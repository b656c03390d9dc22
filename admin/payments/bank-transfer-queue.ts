/**
 * What the bank-transfer screen lists: statement lines the automatic match left (unmatched or
 * ambiguous), with the codes that fit an ambiguous one, and receipts waiting for approval.
 * Parameterised SQL only; amounts are integer rupiah (a line's sen shown as rupiah when whole).
 */
import type { Knex } from '../../lib/db.js';

export interface OpenLine {
  id: number;
  bank: string;
  posted_on: string;
  description: string;
  amount_sen: number;
  status: 'unmatched' | 'ambiguous';
  /** BCA, BRI, … */
  bank_label: string;
  /** Whole rupiah, or null when the line has cents. */
  amount: number | null;
}

export interface PendingReceipt {
  id: number;
  customer_id: number;
  customer_number: string;
  customer_name: string;
  invoice_id: number;
  invoice_number: string | null;
  amount: number;
  content_type: string;
  created_at: Date;
}

/** The oldest 200 lines still waiting for staff. */
export async function openStatementLines(db: Knex): Promise<OpenLine[]> {
  const rows = await db('bank_statement_lines').whereIn('status', ['unmatched', 'ambiguous']).orderBy('posted_on').orderBy('id').limit(200)
    .select('id', 'bank', db.raw(`to_char(posted_on, 'YYYY-MM-DD') AS posted_on`), 'description', 'amount_sen', 'status');
  return rows.map((r) => {
    const sen = Number(r.amount_sen);
    return { ...r, id: Number(r.id), bank_label: String(r.bank).toUpperCase(), amount_sen: sen, amount: sen % 100 === 0 ? sen / 100 : null };
  });
}

/** Receipts waiting for approval, oldest first (without their content). */
export async function pendingReceipts(db: Knex): Promise<PendingReceipt[]> {
  const rows = await db('transfer_receipts as r').join('customers as c', 'c.id', 'r.customer_id').join('invoices as i', 'i.id', 'r.invoice_id')
    .where('r.status', 'pending').orderBy('r.created_at').limit(200)
    .select('r.id', 'r.customer_id', 'c.customer_number', 'c.name as customer_name', 'r.invoice_id', 'i.invoice_number', 'r.amount', 'r.content_type', 'r.created_at');
  return rows.map((r) => ({ ...r, id: Number(r.id), customer_id: Number(r.customer_id), invoice_id: Number(r.invoice_id), amount: Number(r.amount) }));
}

/** A customer by their number (what staff type), or null. */
export async function customerByNumber(db: Knex, customerNumber: string): Promise<{ id: number } | null> {
  const c = await db('customers').where({ customer_number: customerNumber.trim() }).first('id');
  return c ? { id: Number(c.id) } : null;
}

/** An invoice of `customerId` by its number, or null. */
export async function invoiceByNumber(db: Knex, customerId: number, invoiceNumber: string): Promise<{ id: number } | null> {
  const i = await db('invoices').where({ customer_id: customerId, invoice_number: invoiceNumber.trim() }).first('id');
  return i ? { id: Number(i.id) } : null;
}
