/**
 * Which payment paid which invoice. The schema keeps no allocation rows: a payment credits the
 * ledger and allocateToOpenInvoices (allocate-credit.ts) allocates the customer's unallocated
 * money to open invoices, the payment's own invoice first, then oldest due first;
 * invoices.amount_paid is the result. This module replays the customer's ledger in entry order
 * with the same rule to say which payment's money went where:
 * - an invoice entry (−total) opens the invoice; a late fee (−fee) adds to what it owes;
 * - a payment entry (+amount) adds a credit source and allocates it, its own invoice first;
 * - a void entry closes the invoice (money the replay had put there goes back to its sources);
 * - a positive adjustment adds credit with no payment; a refund or negative adjustment takes
 *   the newest unallocated credit away.
 * Credit is allocated eagerly here, where billing allocates it when the next payment or invoice
 * comes; the order is the same, so the replay names the payments behind amount_paid.
 * Invoices show amount_paid from their row (the truth); allocations only attribute it.
 */
import type { Knex } from '../../lib/db.js';

export interface Allocation {
  /** null: credit that came from an adjustment, not a payment. */
  paymentId: number | null;
  invoiceId: number;
  /** Rupiah of that payment allocated to that invoice. */
  amount: number;
}

interface LedgerRow {
  entry_type: 'invoice' | 'payment' | 'late_fee' | 'adjustment' | 'refund' | 'void';
  amount: number;
  invoice_id: number | null;
  payment_id: number | null;
}

interface OpenInvoice {
  id: number;
  dueDate: string | null;
  owed: number;
}

/** Pure replay of ledger rows (in entry order); `dueDates` and `paymentInvoice` describe the invoices and payments named. */
export function replayAllocations(
  entries: readonly LedgerRow[],
  dueDates: ReadonlyMap<number, string | null>,
  paymentInvoice: ReadonlyMap<number, number | null>,
): Allocation[] {
  const open = new Map<number, OpenInvoice>();
  const pool: Array<{ paymentId: number | null; remaining: number }> = [];
  // invoice id → (source index → amount), so a void can give money back to where it came from.
  const allocated = new Map<number, Map<number, number>>();

  const allocate = (prefer: number | null): void => {
    const order = [...open.values()].sort((a, b) => {
      if ((a.id === prefer) !== (b.id === prefer)) return a.id === prefer ? -1 : 1;
      if (a.dueDate !== b.dueDate) {
        if (a.dueDate === null) return 1;
        if (b.dueDate === null) return -1;
        return a.dueDate < b.dueDate ? -1 : 1;
      }
      return a.id - b.id;
    });
    for (const inv of order) {
      for (let s = 0; s < pool.length && inv.owed > 0; s++) {
        const src = pool[s]!;
        if (src.remaining <= 0) continue;
        const take = Math.min(src.remaining, inv.owed);
        src.remaining -= take;
        inv.owed -= take;
        const per = allocated.get(inv.id) ?? new Map<number, number>();
        per.set(s, (per.get(s) ?? 0) + take);
        allocated.set(inv.id, per);
      }
      if (inv.owed === 0) open.delete(inv.id);
    }
  };
  const takeCredit = (amount: number, paymentId: number | null): void => {
    // The refunded payment's own unallocated money first, then the newest credit.
    let left = amount;
    const indexes = pool.map((_, i) => i).reverse();
    indexes.sort((a, b) => Number(pool[b]!.paymentId === paymentId && paymentId !== null) - Number(pool[a]!.paymentId === paymentId && paymentId !== null));
    for (const i of indexes) {
      if (left <= 0) break;
      const take = Math.min(pool[i]!.remaining, left);
      pool[i]!.remaining -= take;
      left -= take;
    }
  };

  for (const e of entries) {
    const amount = Number(e.amount);
    const invoiceId = e.invoice_id === null ? null : Number(e.invoice_id);
    const paymentId = e.payment_id === null ? null : Number(e.payment_id);
    switch (e.entry_type) {
      case 'invoice':
      case 'late_fee': {
        if (invoiceId === null || amount >= 0) break;
        const inv = open.get(invoiceId) ?? { id: invoiceId, dueDate: dueDates.get(invoiceId) ?? null, owed: 0 };
        inv.owed += -amount;
        open.set(invoiceId, inv);
        allocate(null);
        break;
      }
      case 'payment':
        if (amount <= 0) break;
        pool.push({ paymentId, remaining: amount });
        allocate(paymentId === null ? null : (paymentInvoice.get(paymentId) ?? null));
        break;
      case 'void': {
        if (invoiceId === null) break;
        open.delete(invoiceId);
        for (const [s, amt] of allocated.get(invoiceId) ?? []) pool[s]!.remaining += amt;
        allocated.delete(invoiceId);
        allocate(null);
        break;
      }
      case 'adjustment':
      case 'refund':
        if (amount > 0) {
          pool.push({ paymentId: null, remaining: amount });
          allocate(null);
        } else {
          takeCredit(-amount, paymentId);
        }
        break;
    }
  }

  const out: Allocation[] = [];
  for (const [invoiceId, per] of allocated) {
    for (const [s, amount] of per) if (amount > 0) out.push({ paymentId: pool[s]!.paymentId, invoiceId, amount });
  }
  return out.sort((a, b) => (a.paymentId ?? 0) - (b.paymentId ?? 0) || a.invoiceId - b.invoiceId);
}

/** The allocations of every payment of customer `customerId` (a few hundred ledger rows at most per customer). */
export async function customerAllocations(db: Knex | Knex.Transaction, customerId: number): Promise<Allocation[]> {
  const [entries, invoices, payments] = await Promise.all([
    db('ledger_entries').where({ customer_id: customerId }).orderBy('id').select('entry_type', 'amount', 'invoice_id', 'payment_id') as Promise<LedgerRow[]>,
    db('invoices').where({ customer_id: customerId }).select('id', 'due_date') as Promise<Array<{ id: number; due_date: string | null }>>,
    db('payments').where({ customer_id: customerId }).whereNotNull('settled_at').select('id', 'invoice_id') as Promise<Array<{ id: number; invoice_id: number | null }>>,
  ]);
  return replayAllocations(
    entries,
    new Map(invoices.map((i) => [Number(i.id), i.due_date])),
    new Map(payments.map((p) => [Number(p.id), p.invoice_id === null ? null : Number(p.invoice_id)])),
  );
}

/** Receipt number of a payment: KWT/YYYY/MM/000123 (the month it was received, in the ISP time zone; its id). */
export function receiptNumber(paymentId: number, receivedOn: string | null): string {
  const ym = receivedOn ? `${receivedOn.slice(0, 4)}/${receivedOn.slice(5, 7)}/` : '';
  return `KWT/${ym}${String(paymentId).padStart(6, '0')}`;
}
