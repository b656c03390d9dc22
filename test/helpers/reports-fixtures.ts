/**
 * Rows the dashboard and report tests arrange with known dates and amounts, written straight to
 * the tables the product reads (no invoice run or accounting path in between): issued invoices
 * with their lines, payments, accounting sessions, per-day usage, and a subscription's start and
 * termination. Times are instants (ISO with zone); dates are ISP-local YYYY-MM-DD. And `rowCells`,
 * to read a table row of the pages back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from '../../lib/db.js';

export interface InvoiceFixture {
  customerId: number;
  issueDate: string;
  dueDate?: string;
  status?: 'draft' | 'open' | 'partially_paid' | 'paid' | 'void' | 'overdue';
  taxAmount?: number;
  amountPaid?: number;
  /** The invoice's lines; subtotal is their sum. */
  lines: Array<{ amount: number; planId?: number | null; kind?: 'plan' | 'one_off' | 'discount' | 'late_fee' }>;
}

/** A one-off invoice (no period) with its lines; total = subtotal + tax. */
export async function insertInvoice(db: Knex, f: InvoiceFixture): Promise<{ id: number; total: number }> {
  const subtotal = f.lines.reduce((s, l) => s + l.amount, 0);
  const total = subtotal + (f.taxAmount ?? 0);
  const status = f.status ?? 'open';
  const [row] = await db('invoices').insert({
    invoice_number: status === 'draft' ? null : `T/${randomBytes(6).toString('hex')}`,
    customer_id: f.customerId, kind: 'one_off', issue_date: f.issueDate, due_date: f.dueDate ?? f.issueDate, status,
    subtotal, tax_basis_points: f.taxAmount ? 1100 : 0, tax_amount: f.taxAmount ?? 0,
    total, amount_paid: f.amountPaid ?? (status === 'paid' ? total : 0),
  }).returning('id');
  await db('invoice_lines').insert(f.lines.map((l, i) => ({
    invoice_id: row.id, position: i + 1, kind: l.kind ?? (l.planId ? 'plan' : 'one_off'), description: `line ${i + 1}`,
    unit_amount: l.amount, amount: l.amount, plan_id: l.planId ?? null,
  })));
  return { id: Number(row.id), total };
}

/** A cash payment, settled at `settledAt` unless another status is given. */
export async function insertPayment(db: Knex, f: { customerId: number; amount: number; settledAt: string; status?: 'settled' | 'pending' | 'refunded' }): Promise<void> {
  const status = f.status ?? 'settled';
  await db('payments').insert({
    customer_id: f.customerId, amount: f.amount, method: 'cash', status,
    settled_at: status === 'pending' ? null : f.settledAt, created_at: f.settledAt,
  });
}

/** An accounting session; open when `stop` is absent. `update` defaults to the stop, else the start. */
export async function insertSession(db: Knex, f: { nasIp: string; subscriptionId?: number | null; start: string; stop?: string; update?: string }): Promise<void> {
  await db('accounting_sessions').insert({
    session_key: randomUUID(), acct_session_id: randomBytes(4).toString('hex'), username: `u-${randomBytes(3).toString('hex')}`,
    subscription_id: f.subscriptionId ?? null, nas_ip_address: f.nasIp, start_time: f.start,
    update_time: f.update ?? f.stop ?? f.start, stop_time: f.stop ?? null,
  });
}

/** Traffic of one subscription on one local day (bytes). */
export async function insertUsage(db: Knex, subscriptionId: number, day: string, download: number, upload: number): Promise<void> {
  await db('usage_daily').insert({ subscription_id: subscriptionId, day, output_octets: download, input_octets: upload });
}

/** Sets when a subscription started and, when `terminated` is given, terminates it at that instant. */
export async function setLifetime(db: Knex, subscriptionId: number, started: string, terminated?: string): Promise<void> {
  await db('subscriptions').where({ id: subscriptionId }).update({
    started_at: started,
    ...(terminated ? { status: 'terminated', terminated_at: terminated } : {}),
  });
}

/** The text of each cell (td or th, tags inside stripped) of the first `<tr ${attr}…>` in `html`. */
export function rowCells(html: string, attr: string): string[] {
  const row = new RegExp(`<tr ${attr}[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1];
  if (row === undefined) throw new Error(`no row ${attr} on the page`);
  return [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
}
