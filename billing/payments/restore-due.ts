/**
 * What a restricted subscriber (walled garden, soft limit, prepaid time run out) pays online to
 * get the full service back, in one payment, and what the customer owes in all.
 *
 * The rule follows how money lands: a payment credits the ledger and is allocated
 * (billing/ledger/allocate-credit.ts) to the payment's own invoice first, then to the customer's
 * open invoices oldest due first; paid invoices (billing/ledger/paid-access.ts) lift a dunning
 * restriction once none of the subscription's invoices is past due (due date before today) and
 * unpaid, and restore an expired prepaid subscription when its next period is paid. So the
 * payment that restores access covers the customer's open invoices in allocation order up to and including the last past-due one (for a prepaid subscription, at
 * least its first unpaid period): asking for exactly that sum makes the allocation pay exactly
 * those invoices, whatever other subscriptions or one-off charges the customer has.
 */
import type { Knex } from '../../lib/db.js';

export interface OpenInvoice {
  id: number;
  invoiceNumber: string;
  subscriptionId: number | null;
  kind: 'recurring' | 'one_off';
  /** Local date (ISP time zone) `YYYY-MM-DD`, or null. */
  dueDate: string | null;
  /** What is still owed on it (total − amount_paid), rupiah. */
  owed: number;
}

/** What restores access (not a plan-change quote: that is billing/subscriptions/change-plan.ts `PlanQuote`). */
export interface RestoreDue {
  /** The customer's open invoices in allocation order, each marked past due or not. */
  invoices: Array<OpenInvoice & { pastDue: boolean }>;
  /** Σ owed over all of them, rupiah. */
  totalOwed: number;
  /**
   * The one payment that restores access: the open invoices up to and including
   * `throughInvoiceId` in allocation order (createPaymentLink with `andEarlier`). When nothing is
   * past due (a restriction staff set), the oldest open invoice. Null when nothing is owed.
   */
  payNow: { throughInvoiceId: number; amount: number; invoiceCount: number } | null;
}

/**
 * The customer's open invoices in the order an allocation (billing/ledger/allocate-credit.ts) pays
 * them when no invoice is preferred: oldest due date first, undated last, then by id.
 */
export async function openInvoicesInAllocationOrder(db: Knex | Knex.Transaction, customerId: number): Promise<OpenInvoice[]> {
  const { rows } = await db.raw(
    `SELECT id, invoice_number AS "invoiceNumber", subscription_id AS "subscriptionId", kind, due_date AS "dueDate",
            total - amount_paid AS owed
       FROM invoices
      WHERE customer_id = ? AND status IN ('open', 'partially_paid', 'overdue')
      ORDER BY due_date NULLS LAST, id`,
    [customerId],
  );
  return (rows as OpenInvoice[]).map((r) => ({ ...r, id: Number(r.id), subscriptionId: r.subscriptionId === null ? null : Number(r.subscriptionId) }));
}

/** What restores access, from the open invoices (allocation order) on local date `today`. Pure. */
export function restoreDueFrom(
  open: OpenInvoice[],
  subscription: { id: number; billingType: 'postpaid' | 'prepaid' },
  today: string,
): RestoreDue {
  const invoices = open.map((i) => ({ ...i, pastDue: i.dueDate !== null && i.dueDate < today }));
  let through = invoices.findLastIndex((i) => i.pastDue);
  if (subscription.billingType === 'prepaid') {
    through = Math.max(through, invoices.findIndex((i) => i.subscriptionId === subscription.id && i.kind === 'recurring'));
  }
  if (through < 0 && invoices.length) through = 0;
  const covered = invoices.slice(0, through + 1);
  return {
    invoices,
    totalOwed: invoices.reduce((sum, i) => sum + i.owed, 0),
    payNow: covered.length
      ? { throughInvoiceId: covered[covered.length - 1]!.id, amount: covered.reduce((sum, i) => sum + i.owed, 0), invoiceCount: covered.length }
      : null,
  };
}

/** Reads the customer's open invoices and says what restores access (see the module comment). */
export async function restoreDue(
  db: Knex | Knex.Transaction,
  subscription: { id: number; customerId: number; billingType: 'postpaid' | 'prepaid' },
  today: string,
): Promise<RestoreDue> {
  return restoreDueFrom(await openInvoicesInAllocationOrder(db, subscription.customerId), subscription, today);
}
