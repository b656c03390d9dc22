/**
 * The day's income (closing the till): the payments settled on one local day of the ISP time zone
 * ([00:00, next 00:00) local, so 23:30 WIB belongs to that day and 00:30 to the next), each with
 * the invoices its money paid (allocations replayed from the ledger, payment-allocations.ts), and
 * their totals by method and by who recorded them. Gateway payments (Midtrans, Xendit) were
 * recorded by nobody: they are grouped as "online". Amounts are integer rupiah.
 *
 * Cost: one range read of payments_settled (migration 20261122000500) for the day, one ledger
 * replay per customer who paid that day (at most 4 at a time).
 */
import pLimit from 'p-limit';
import { customerAllocations, receiptNumber } from '../ledger/payment-allocations.js';
import type { Knex } from '../../lib/db.js';

export type PaymentMethod = 'cash' | 'bank_transfer' | 'midtrans' | 'xendit';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['cash', 'bank_transfer', 'midtrans', 'xendit'];
/** Methods a staff member takes by hand and hands over (setoran). */
export const HANDED_METHODS: readonly PaymentMethod[] = ['cash', 'bank_transfer'];
const ONLINE: readonly PaymentMethod[] = ['midtrans', 'xendit'];

export interface DailyPayment {
  id: number;
  receiptNumber: string;
  /** Local time of day `HH:MM` (ISP time zone). */
  time: string;
  customerNumber: string;
  customerName: string;
  /** Invoice numbers the payment's money went to (the invoice it named when nothing was applied yet). */
  invoices: string[];
  amount: number;
  method: PaymentMethod;
  /** Who recorded it; null for a gateway payment (online), or a staff account since deleted. */
  staffId: number | null;
  staffName: string | null;
}

/** `staff`: a staff member's id, 'online' for gateway payments, 'unknown' for a deleted account. */
export interface StaffTotal { staff: number | 'online' | 'unknown'; name: string | null; payments: number; amount: number }
export interface MethodTotal { method: PaymentMethod; payments: number; amount: number }

export interface DailyIncome {
  /** YYYY-MM-DD, local. */
  day: string;
  payments: DailyPayment[];
  /** Every method, zero when none, in PAYMENT_METHODS order. */
  byMethod: MethodTotal[];
  /** Staff by name, then online, then unknown. */
  byStaff: StaffTotal[];
  total: number;
}

export interface DailyFilter {
  /** Only payments this staff member recorded. */
  staffId?: number;
  methods?: readonly PaymentMethod[];
}

interface Row {
  id: number; amount: number; method: PaymentMethod; received_by: number | null; staff_name: string | null; invoice_id: number | null;
  invoice_number: string | null; customer_id: number; customer_number: string; customer_name: string; local_time: string;
}

/** The invoice numbers each payment's money went to, by payment id. */
async function paidInvoices(db: Knex, rows: readonly Row[]): Promise<Map<number, string[]>> {
  const ids = new Set(rows.map((r) => r.id));
  const limit = pLimit(4);
  const allocations = (await Promise.all([...new Set(rows.map((r) => r.customer_id))].map((c) => limit(() => customerAllocations(db, c)))))
    .flat().filter((a) => a.paymentId !== null && ids.has(a.paymentId));
  const numbers = new Map<number, string | null>();
  const invoiceIds = [...new Set(allocations.map((a) => a.invoiceId))];
  if (invoiceIds.length) {
    for (const i of (await db('invoices').whereIn('id', invoiceIds).select('id', 'invoice_number')) as Array<{ id: number; invoice_number: string | null }>) {
      numbers.set(Number(i.id), i.invoice_number);
    }
  }
  const out = new Map<number, string[]>();
  for (const a of allocations) {
    const list = out.get(a.paymentId!) ?? [];
    const n = numbers.get(a.invoiceId) ?? `#${a.invoiceId}`;
    if (!list.includes(n)) list.push(n);
    out.set(a.paymentId!, list);
  }
  return out;
}

/**
 * The payments settled on local day `day` (YYYY-MM-DD) in `timeZone` (the ISP's), oldest first,
 * with their totals; `filter` narrows them to one staff member and/or some methods.
 */
export async function dailyIncome(db: Knex, day: string, timeZone: string, filter: DailyFilter = {}): Promise<DailyIncome> {
  const q = db('payments as p')
    .join('customers as c', 'c.id', 'p.customer_id')
    .leftJoin('staff_users as u', 'u.id', 'p.received_by')
    .leftJoin('invoices as i', 'i.id', 'p.invoice_id')
    .where('p.status', 'settled')
    .whereRaw('p.settled_at >= (?::date)::timestamp AT TIME ZONE ?', [day, timeZone])
    .whereRaw('p.settled_at < ((?::date) + 1)::timestamp AT TIME ZONE ?', [day, timeZone])
    .select('p.id', 'p.amount', 'p.method', 'p.received_by', 'u.name as staff_name', 'p.invoice_id', 'i.invoice_number',
      'p.customer_id', 'c.customer_number', 'c.name as customer_name',
      db.raw(`to_char(p.settled_at AT TIME ZONE ?, 'HH24:MI') AS local_time`, [timeZone]))
    .orderBy([{ column: 'p.settled_at' }, { column: 'p.id' }]);
  if (filter.staffId !== undefined) q.where('p.received_by', filter.staffId);
  if (filter.methods) q.whereIn('p.method', filter.methods);
  const rows = ((await q) as Row[]).map((r) => ({
    ...r, id: Number(r.id), amount: Number(r.amount), customer_id: Number(r.customer_id), received_by: r.received_by === null ? null : Number(r.received_by),
  }));
  const invoices = await paidInvoices(db, rows);
  const payments: DailyPayment[] = rows.map((r) => ({
    id: r.id, receiptNumber: receiptNumber(r.id, day), time: r.local_time, customerNumber: r.customer_number, customerName: r.customer_name,
    invoices: invoices.get(r.id) ?? (r.invoice_number ? [r.invoice_number] : []), amount: r.amount, method: r.method,
    staffId: r.received_by, staffName: r.staff_name,
  }));

  const byMethod = PAYMENT_METHODS.filter((m) => !filter.methods || filter.methods.includes(m)).map((method) => {
    const of = payments.filter((p) => p.method === method);
    return { method, payments: of.length, amount: of.reduce((s, p) => s + p.amount, 0) };
  });
  const staff = new Map<string, StaffTotal>();
  for (const p of payments) {
    const key = ONLINE.includes(p.method) ? 'online' : p.staffId ?? 'unknown';
    const t = staff.get(String(key)) ?? { staff: key, name: typeof key === 'number' ? p.staffName : null, payments: 0, amount: 0 };
    t.payments += 1;
    t.amount += p.amount;
    staff.set(String(key), t);
  }
  const rank = (t: StaffTotal): number => (t.staff === 'online' ? 1 : t.staff === 'unknown' ? 2 : 0);
  const byStaff = [...staff.values()].sort((a, b) => rank(a) - rank(b) || (a.name ?? '').localeCompare(b.name ?? '') || Number(a.staff) - Number(b.staff));
  return { day, payments, byMethod, byStaff, total: payments.reduce((s, p) => s + p.amount, 0) };
}
