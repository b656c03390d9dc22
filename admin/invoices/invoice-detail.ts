/**
 * What the console's invoice page shows beyond the invoice document (billing/invoices/
 * invoice-document.ts): the ledger entries the invoice made (its charge, late fees, a void's
 * reversal), the customer's balance now, and the staff history of the invoice (audit log:
 * voided, sent again).
 */
import type { Knex } from '../../lib/db.js';
import { loadInvoiceDocument, type InvoiceDocument } from '../../billing/invoices/invoice-document.js';

const KNOWN_ACTIONS = ['invoice_voided', 'invoice_sent_again'];

export interface InvoiceLedgerEntry {
  id: number;
  entry_type: string;
  amount: number;
  description: string;
  created_at: Date;
  created_by_name: string | null;
}

export interface InvoiceDetail {
  doc: InvoiceDocument;
  ledger: InvoiceLedgerEntry[];
  /** Σ of the invoice's ledger entries (negative: what it charges; 0 once voided). */
  ledgerNet: number;
  /** The customer's ledger balance now (positive: credit). */
  balance: number;
  /** `actionKey`: the text key of an action this screen knows, else null (shown as recorded). */
  history: Array<{ created_at: Date; actor: string; action: string; actionKey: string | null; after: Record<string, unknown> | null }>;
  /** Unpaid and past its due date on `today`. */
  overdue: boolean;
}

/** The page data of invoice `id`, or null when there is none. `today`: the local date. */
export async function invoiceDetail(db: Knex, id: number, today: string): Promise<InvoiceDetail | null> {
  const doc = await loadInvoiceDocument(db, id);
  if (!doc) return null;
  const [ledger, balanceRow, history] = await Promise.all([
    db('ledger_entries as l').leftJoin('staff_users as u', 'u.id', 'l.created_by')
      // customer_id first: ledger_entries_customer serves it (there is no index on invoice_id alone).
      .where('l.customer_id', doc.customer.id).where('l.invoice_id', id)
      .orderBy('l.id')
      .select('l.id', 'l.entry_type', 'l.amount', 'l.description', 'l.created_at', 'u.name as created_by_name'),
    db('ledger_entries').where({ customer_id: doc.customer.id }).sum({ balance: 'amount' }).first(),
    db('audit_log').where({ object_type: 'invoice', object_id: String(id) }).orderBy('id', 'desc').limit(50)
      .select('created_at', 'actor', 'action', 'after'),
  ]);
  const entries = (ledger as InvoiceLedgerEntry[]).map((e) => ({ ...e, id: Number(e.id), amount: Number(e.amount) }));
  const unpaid = doc.status === 'open' || doc.status === 'partially_paid' || doc.status === 'overdue';
  return {
    doc,
    ledger: entries,
    ledgerNet: entries.reduce((s, e) => s + e.amount, 0),
    balance: Number(balanceRow?.balance ?? 0),
    history: (history as Array<Omit<InvoiceDetail['history'][number], 'actionKey'>>).map((h) => ({
      ...h, actionKey: KNOWN_ACTIONS.includes(h.action) ? `invoices.action.${h.action}` : null,
    })),
    overdue: unpaid && doc.dueDate !== null && doc.dueDate < today,
  };
}
