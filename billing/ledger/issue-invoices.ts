/**
 * Issuing invoices, written once for every invoice billing issues: the invoice run's
 * (billing/invoices/generate-invoices.ts), a new subscription's first period
 * (billing/subscriptions/create-subscription.ts), a plan upgrade's (change-plan.ts) and a
 * termination's final invoice (terminate-subscription.ts). Set-based, so the invoice run issues
 * 1,000 invoices in a handful of statements:
 * 1. insert the invoices with their totals: subtotal = max(0, Σ lines), PPN = the subtotal's tax
 *    rate in basis points, half up to whole rupiah (lib/money.ts `basisPoints`), total = both; a
 *    total of 0 is paid at once. A recurring invoice exists at most once per subscription and
 *    period start (unique index invoices_subscription_period): a losing insert does nothing, and
 *    that draft is not issued (the invoice run run twice, or on two workers at once);
 * 2. reserve gapless numbers for exactly the invoices inserted, in id order (invoice-number.ts);
 * 3. insert their lines (position 1, 2, … in draft order) and one ledger entry of −total each
 *    (`Tagihan <number>`); none for a total of 0;
 * 4. allocate: customers holding money not yet allocated (credit) pay the new invoices from it at
 *    once, customers in id order (allocate-credit.ts: prepaid renewals from balance);
 * 5. with `announce`: queue "invoice issued" for each invoice still owed after that, asking for what is owed.
 * Money is integer rupiah throughout.
 */
import type { Knex } from '../../lib/db.js';
import { basisPoints } from '../../lib/money.js';
import { recordEvents } from '../../lib/outbound-events.js';
import { invoicesIssued } from '../events/event-data.js';
import type { CustomerMessage, Notifier } from '../notifications/notifier.js';
import type { BillingSettings } from '../settings/billing-settings.js';
import type { Effects } from '../use-case/effects.js';
import { allocateCredit } from './allocate-credit.js';
import { customersWithCredit } from './customer-balance.js';
import { invoicePrefix, reserveInvoiceNumbers } from './invoice-number.js';

/** The tables an invoice run writes (for analyzeAfterBulk after a big run). */
export const ISSUE_TABLES = ['invoices', 'invoice_lines', 'ledger_entries'] as const;

export interface InvoiceLineDraft {
  kind: 'plan' | 'proration' | 'one_off' | 'discount';
  description: string;
  /** Rupiah (quantity 1); negative for a credit line (a discount, the unused part of a plan). */
  amount: number;
  planId?: number | null;
  /** [start, end) local dates the line covers, when it covers days. */
  periodStart?: string | null;
  periodEnd?: string | null;
}

export interface InvoiceDraft {
  customerId: number;
  /** The subscription billed: at most one draft per subscription in one call. */
  subscriptionId: number;
  kind: 'recurring' | 'one_off';
  /** [start, end) local dates the invoice covers (required for `recurring`), or null. */
  periodStart: string | null;
  periodEnd: string | null;
  /** Local date YYYY-MM-DD. */
  dueDate: string;
  lines: InvoiceLineDraft[];
  /** PPN rate of this invoice in basis points (1100 = 11 %); default the settings' current rate. */
  taxBasisPoints?: number;
  /** Appended to the ledger entry's description `Tagihan <number>`, e.g. ` (ganti paket)`. */
  ledgerNote?: string;
  /** The plan named in the "invoice issued" message. */
  planName?: string;
}

export interface IssuedInvoice<D extends InvoiceDraft = InvoiceDraft> {
  draft: D;
  id: number;
  invoiceNumber: string;
  /** Rupiah. */
  subtotal: number;
  total: number;
  /** What is still owed after the customer's credit was allocated (0: paid). */
  owed: number;
}

export interface IssueContext {
  /** Local date of issue (the number's month, the status of what stays open). */
  today: string;
  now: Date;
  settings: Pick<BillingSettings, 'taxBasisPoints' | 'invoicePrefix'>;
  effects: Effects;
  /** Queue "invoice issued" for what is still owed, with the invoice's pay link. */
  announce?: { notifier: Notifier; payUrl(invoiceId: number): string };
}

/**
 * Issues the drafts (see the module comment); returns the invoices issued in id order and how
 * many invoices (new or older) the customers' credit paid in full.
 */
export async function issueInvoices<D extends InvoiceDraft>(
  trx: Knex.Transaction,
  drafts: readonly D[],
  ctx: IssueContext,
): Promise<{ issued: IssuedInvoice<D>[]; paidInFull: number }> {
  if (new Set(drafts.map((d) => d.subscriptionId)).size !== drafts.length) throw new Error('issueInvoices: one draft per subscription');
  const priced = drafts.map((draft) => {
    const rate = draft.taxBasisPoints ?? ctx.settings.taxBasisPoints;
    const subtotal = Math.max(0, draft.lines.reduce((sum, l) => sum + l.amount, 0));
    const tax = rate && subtotal > 0 ? basisPoints(subtotal, rate) : 0;
    return { draft, rate, subtotal, tax, total: subtotal + tax };
  });
  if (!priced.length) return { issued: [], paidInFull: 0 };

  const { rows: inserted } = await trx.raw(
    `INSERT INTO invoices (customer_id, subscription_id, kind, period_start, period_end, issue_date, due_date, status,
                           subtotal, tax_basis_points, tax_amount, total, paid_at)
     SELECT customer_id, subscription_id, kind, period_start, period_end, ?::date, due_date, status,
            subtotal, tax_basis_points, tax_amount, total, CASE WHEN status = 'paid' THEN ?::timestamptz END
       FROM json_to_recordset(?::json) AS t(customer_id bigint, subscription_id bigint, kind text, period_start date, period_end date,
                                            due_date date, status text, subtotal bigint, tax_basis_points int, tax_amount bigint, total bigint)
     ON CONFLICT (subscription_id, period_start) WHERE kind = 'recurring' AND status <> 'void' DO NOTHING
     RETURNING id, subscription_id`,
    [
      ctx.today,
      ctx.now,
      JSON.stringify(priced.map((p) => ({
        customer_id: p.draft.customerId, subscription_id: p.draft.subscriptionId, kind: p.draft.kind,
        period_start: p.draft.periodStart, period_end: p.draft.periodEnd, due_date: p.draft.dueDate,
        status: p.total === 0 ? 'paid' : 'open', subtotal: p.subtotal, tax_basis_points: p.rate, tax_amount: p.tax, total: p.total,
      }))),
    ],
  );
  const ids = new Map((inserted as Array<{ id: number | string; subscription_id: number | string }>).map((r) => [Number(r.subscription_id), Number(r.id)]));
  const made = priced
    .filter((p) => ids.has(p.draft.subscriptionId))
    .map((p) => ({ ...p, id: ids.get(p.draft.subscriptionId)! }))
    .sort((a, b) => a.id - b.id);
  if (!made.length) return { issued: [], paidInFull: 0 };

  const numbers = await reserveInvoiceNumbers(trx, invoicePrefix(ctx.settings.invoicePrefix, ctx.today), made.length);
  await trx.raw(
    `UPDATE invoices SET invoice_number = t.number FROM json_to_recordset(?::json) AS t(id bigint, number text) WHERE invoices.id = t.id`,
    [JSON.stringify(made.map((m, i) => ({ id: m.id, number: numbers[i] })))],
  );
  const lines = made.flatMap((m) => m.draft.lines.map((l, j) => ({
    invoice_id: m.id, position: j + 1, kind: l.kind, description: l.description, unit_amount: l.amount, amount: l.amount,
    plan_id: l.planId ?? null, period_start: l.periodStart ?? null, period_end: l.periodEnd ?? null,
  })));
  await trx.raw(
    `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity, unit_amount, amount, plan_id, period_start, period_end)
     SELECT invoice_id, position, kind, description, 1, unit_amount, amount, plan_id, period_start, period_end
       FROM json_to_recordset(?::json) AS t(invoice_id bigint, position int, kind text, description text, unit_amount bigint,
                                            amount bigint, plan_id bigint, period_start date, period_end date)`,
    [JSON.stringify(lines)],
  );
  const entries = made
    .map((m, i) => ({ m, number: numbers[i]! }))
    .filter(({ m }) => m.total > 0)
    .map(({ m, number }) => ({
      customer_id: m.draft.customerId, entry_type: 'invoice', amount: -m.total, invoice_id: m.id, description: `Tagihan ${number}${m.draft.ledgerNote ?? ''}`,
    }));
  if (entries.length) await trx('ledger_entries').insert(entries);

  // Credit the customer already holds pays the new invoices now (prepaid renewal from balance).
  const withCredit = await customersWithCredit(trx, [...new Set(made.map((m) => m.draft.customerId))]);
  let paidInFull = 0;
  for (const customerId of withCredit) paidInFull += (await allocateCredit(trx, customerId, ctx)).paid.length;
  // What is still owed after credit: the message asks for that (nothing when credit paid it all).
  const owed = new Map(made.map((m) => [m.id, m.total]));
  if (withCredit.length) {
    const { rows: after } = await trx.raw('SELECT id, total - amount_paid AS owed FROM invoices WHERE id = ANY(?::bigint[])', [[...owed.keys()]]);
    for (const r of after as Array<{ id: number | string; owed: number | string }>) owed.set(Number(r.id), Number(r.owed));
  }
  const issued = made.map((m, i): IssuedInvoice<D> => ({ draft: m.draft, id: m.id, invoiceNumber: numbers[i]!, subtotal: m.subtotal, total: m.total, owed: owed.get(m.id)! }));
  await recordEvents(trx, invoicesIssued(issued)); // `invoice.issued` webhooks (README.md, "Webhooks")

  if (ctx.announce) {
    const { notifier, payUrl } = ctx.announce;
    const messages: CustomerMessage[] = issued
      .filter((inv) => inv.owed > 0)
      .map((inv) => ({
        customerId: inv.draft.customerId,
        template: 'invoice_issued' as const,
        idempotencyKey: `invoice_issued:${inv.id}`,
        data: { invoiceNumber: inv.invoiceNumber, amount: inv.owed, dueDate: inv.draft.dueDate, planName: inv.draft.planName, payUrl: payUrl(inv.id) },
      }));
    if (messages.length && (await notifier.customers(trx, messages)) > 0) ctx.effects.notificationsQueued();
  }
  return { issued, paidInFull };
}

/** Issues one invoice (issueInvoices); null when its recurring period was already invoiced. */
export async function issueInvoice<D extends InvoiceDraft>(trx: Knex.Transaction, draft: D, ctx: IssueContext): Promise<IssuedInvoice<D> | null> {
  return (await issueInvoices(trx, [draft], ctx)).issued[0] ?? null;
}
