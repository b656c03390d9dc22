/**
 * The invoice run: invoices every subscription (not terminated) whose next billing period starts
 * within `leadDays` (and a new subscription's first period, prorated from its start), exactly once per period even when the run runs twice or on two workers at
 * once (the unique index on subscription + period start; the losing insert does nothing).
 *
 * Set-based, in batches of 1,000 subscriptions per transaction:
 * 1. lock the subscriptions' unbilled pending charges (one-off fees, discounts);
 * 2. insert the invoices (ON CONFLICT DO NOTHING) with their totals: plan charge (prorated for a
 *    first, partial period), pending charges, tax (PPN in basis points, when configured);
 * 3. reserve gapless numbers for exactly the invoices inserted, and number them;
 * 4. insert lines and ledger entries (−total), mark the pending charges billed;
 * 5. apply credit where the customer holds some (prepaid renewals from balance);
 * 6. queue "invoice issued" messages.
 *
 * Periods: billing/plans/billing-period.ts, in the ISP time zone. Postpaid invoices fall due
 * `postpaidDueDays` after the period starts; prepaid ones when it starts.
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { basisPoints, prorate } from '../../lib/money.js';
import type { Effects } from '../effects.js';
import { settleOpenInvoices } from '../ledger/settle-open-invoices.js';
import type { CustomerMessage, Notifier } from '../notifier.js';
import { addDays, daysBetween, localDate, periodContaining, type BillingCycle } from '../plans/billing-period.js';
import { loadBillingSettings, type BillingSettings } from '../settings/billing-settings.js';
import { applyPaidInvoices } from '../subscriptions/apply-paid-invoices.js';
import { invoicePrefix, reserveInvoiceNumbers } from './invoice-number.js';

const BATCH = 1000;

export interface InvoiceRunDeps {
  db: Knex;
  clock: Clock;
  timeZone: string;
  notifier: Notifier;
  effects: Effects;
  log: Logger;
  /** The pay link for an invoice (in messages). */
  payUrl(invoiceId: number): string;
}

export interface InvoiceRunResult {
  candidates: number;
  created: number;
  paidFromBalance: number;
}

interface SubscriptionRow {
  id: number;
  customer_id: number;
  billing_type: 'postpaid' | 'prepaid';
  anchor_day: number;
  start_date: string;
  plan_id: number;
  plan_name: string;
  price: number;
  billing_cycle: BillingCycle;
  cycle_days: number | null;
  next_plan_id: number | null;
  next_plan_effective: string | null;
  next_name: string | null;
  next_price: number | null;
  next_cycle: BillingCycle | null;
  next_cycle_days: number | null;
}

interface Candidate {
  subscriptionId: number;
  customerId: number;
  planId: number;
  planName: string;
  /** First billed day (the period start, or the subscription start for a first partial period). */
  start: string;
  /** First day after the period. */
  end: string;
  dueDate: string;
  /** Plan charge for [start, end), rupiah (prorated when the period is partial). */
  charge: number;
  fullPrice: number;
}

function ddmmyyyy(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/** The period to invoice for one subscription on local date `today`, or null. */
export function candidateFor(s: SubscriptionRow, today: string, settings: BillingSettings): Candidate | null {
  const target = addDays(today, settings.leadDays);
  let plan = { id: s.plan_id, name: s.plan_name, price: s.price, cycle: s.billing_cycle, days: s.cycle_days };
  let period = periodContaining(target, plan.cycle, s.anchor_day, s.start_date, plan.days);
  // A scheduled downgrade in force by then bills the new plan.
  if (s.next_plan_id !== null && s.next_plan_effective !== null && s.next_plan_effective <= period.start && s.next_price !== null && s.next_cycle !== null) {
    plan = { id: s.next_plan_id, name: s.next_name ?? s.plan_name, price: s.next_price, cycle: s.next_cycle, days: s.next_cycle_days };
    period = periodContaining(target, plan.cycle, s.anchor_day, s.start_date, plan.days);
  }
  if (period.end <= s.start_date) return null;
  // A period that began before today is billed only as a new subscription's first period; an
  // older subscription's current period was billed before (or predates this system). One that
  // begins today is billed today (a lead time of 0 days).
  if (period.start < today && s.start_date < period.start) return null;
  const start = period.start < s.start_date ? s.start_date : period.start;
  const charge = start === period.start ? plan.price : prorate(plan.price, daysBetween(start, period.end), daysBetween(period.start, period.end));
  const dueDate = s.billing_type === 'prepaid' ? start : addDays(start, settings.postpaidDueDays);
  return {
    subscriptionId: s.id, customerId: s.customer_id, planId: plan.id, planName: plan.name,
    start, end: period.end, dueDate, charge, fullPrice: plan.price,
  };
}

/** Runs the invoice run for the local date of `clock.now()`. */
export async function generateInvoices(deps: InvoiceRunDeps): Promise<InvoiceRunResult> {
  const { db, log } = deps;
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  const settings = await loadBillingSettings(db);

  const { rows } = await db.raw(
    `SELECT s.id, s.customer_id, s.billing_type, s.anchor_day,
            to_char(s.started_at AT TIME ZONE ?, 'YYYY-MM-DD') AS start_date,
            p.id AS plan_id, p.name AS plan_name, p.price, p.billing_cycle, p.cycle_days,
            s.next_plan_id, to_char(s.next_plan_effective, 'YYYY-MM-DD') AS next_plan_effective,
            np.name AS next_name, np.price AS next_price, np.billing_cycle AS next_cycle, np.cycle_days AS next_cycle_days
       FROM subscriptions s
       JOIN plans p ON p.id = s.plan_id
       LEFT JOIN plans np ON np.id = s.next_plan_id
      WHERE s.status <> 'terminated'`,
    [deps.timeZone],
  );
  const candidates: Candidate[] = [];
  for (const s of rows as SubscriptionRow[]) {
    const c = candidateFor(s, today, settings);
    if (c) candidates.push(c);
  }
  if (!candidates.length) return { candidates: 0, created: 0, paidFromBalance: 0 };

  // Skip what is already invoiced (the unique index still guarantees it under a race).
  const earliest = candidates.reduce((m, c) => (c.start < m ? c.start : m), candidates[0]!.start);
  const { rows: existing } = await db.raw(
    `SELECT subscription_id, to_char(period_start, 'YYYY-MM-DD') AS period_start FROM invoices
      WHERE kind = 'recurring' AND status <> 'void' AND period_start >= ?`,
    [earliest],
  );
  const done = new Set((existing as Array<{ subscription_id: number; period_start: string }>).map((r) => `${r.subscription_id}:${r.period_start}`));
  const todo = candidates.filter((c) => !done.has(`${c.subscriptionId}:${c.start}`));

  let created = 0;
  let paidFromBalance = 0;
  for (let i = 0; i < todo.length; i += BATCH) {
    const r = await db.transaction((trx) => invoiceBatch(trx, todo.slice(i, i + BATCH), settings, today, now, deps));
    created += r.created;
    paidFromBalance += r.paid;
  }
  if (created) log.info({ today, created, paidFromBalance, candidates: candidates.length }, 'invoice run');
  return { candidates: candidates.length, created, paidFromBalance };
}

async function invoiceBatch(
  trx: Knex.Transaction,
  batch: Candidate[],
  settings: BillingSettings,
  today: string,
  now: Date,
  deps: InvoiceRunDeps,
): Promise<{ created: number; paid: number }> {
  const { rows: chargeRows } = await trx.raw(
    `SELECT id, subscription_id, kind, description, amount FROM pending_charges
      WHERE subscription_id = ANY(?::bigint[]) AND invoice_id IS NULL ORDER BY id FOR UPDATE`,
    [batch.map((c) => c.subscriptionId)],
  );
  const charges = new Map<number, Array<{ id: number; kind: 'one_off' | 'discount'; description: string; amount: number }>>();
  for (const ch of chargeRows as Array<{ id: number; subscription_id: number; kind: 'one_off' | 'discount'; description: string; amount: number }>) {
    const list = charges.get(ch.subscription_id) ?? [];
    list.push(ch);
    charges.set(ch.subscription_id, list);
  }

  const drafts = batch.map((c) => {
    const extra = charges.get(c.subscriptionId) ?? [];
    const subtotal = Math.max(0, c.charge + extra.reduce((s, x) => s + x.amount, 0));
    const tax = settings.taxBasisPoints && subtotal > 0 ? basisPoints(subtotal, settings.taxBasisPoints) : 0;
    return { c, extra, subtotal, tax, total: subtotal + tax };
  });

  const { rows: inserted } = await trx.raw(
    `INSERT INTO invoices (customer_id, subscription_id, kind, period_start, period_end, issue_date, due_date, status,
                           subtotal, tax_basis_points, tax_amount, total, paid_at)
     SELECT customer_id, subscription_id, 'recurring', period_start, period_end, ?::date, due_date, status,
            subtotal, ?, tax_amount, total, CASE WHEN status = 'paid' THEN ?::timestamptz END
       FROM json_to_recordset(?::json) AS t(customer_id bigint, subscription_id bigint, period_start date, period_end date,
                                            due_date date, status text, subtotal bigint, tax_amount bigint, total bigint)
     ON CONFLICT (subscription_id, period_start) WHERE kind = 'recurring' AND status <> 'void' DO NOTHING
     RETURNING id, subscription_id`,
    [
      today,
      settings.taxBasisPoints,
      now,
      JSON.stringify(drafts.map((d) => ({
        customer_id: d.c.customerId, subscription_id: d.c.subscriptionId, period_start: d.c.start, period_end: d.c.end,
        due_date: d.c.dueDate, status: d.total === 0 ? 'paid' : 'open', subtotal: d.subtotal, tax_amount: d.tax, total: d.total,
      }))),
    ],
  );
  const ids = new Map((inserted as Array<{ id: number; subscription_id: number }>).map((r) => [r.subscription_id, r.id]));
  const made = drafts.filter((d) => ids.has(d.c.subscriptionId)).sort((a, b) => ids.get(a.c.subscriptionId)! - ids.get(b.c.subscriptionId)!);
  if (!made.length) return { created: 0, paid: 0 };

  const numbers = await reserveInvoiceNumbers(trx, invoicePrefix(settings.invoicePrefix, today), made.length);
  const lines: Array<Record<string, unknown>> = [];
  const ledger: Array<Record<string, unknown>> = [];
  const billedCharges: Array<{ id: number; invoice_id: number }> = [];
  made.forEach((d, i) => {
    const invoiceId = ids.get(d.c.subscriptionId)!;
    const period = `${ddmmyyyy(d.c.start)} – ${ddmmyyyy(addDays(d.c.end, -1))}`;
    const prorated = d.c.charge !== d.c.fullPrice;
    lines.push({
      invoice_id: invoiceId, position: 1, kind: prorated ? 'proration' : 'plan',
      description: `${d.c.planName} (${period})${prorated ? ' prorata' : ''}`,
      unit_amount: d.c.charge, amount: d.c.charge, plan_id: d.c.planId, period_start: d.c.start, period_end: d.c.end,
    });
    d.extra.forEach((x, j) => {
      lines.push({ invoice_id: invoiceId, position: 2 + j, kind: x.kind, description: x.description, unit_amount: x.amount, amount: x.amount, plan_id: null, period_start: null, period_end: null });
      billedCharges.push({ id: x.id, invoice_id: invoiceId });
    });
    if (d.total > 0) ledger.push({ customer_id: d.c.customerId, entry_type: 'invoice', amount: -d.total, invoice_id: invoiceId, description: `Tagihan ${numbers[i]}` });
  });
  await trx.raw(
    `UPDATE invoices SET invoice_number = t.number FROM json_to_recordset(?::json) AS t(id bigint, number text) WHERE invoices.id = t.id`,
    [JSON.stringify(made.map((d, i) => ({ id: ids.get(d.c.subscriptionId), number: numbers[i] })))],
  );
  await trx.raw(
    `INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity, unit_amount, amount, plan_id, period_start, period_end)
     SELECT invoice_id, position, kind, description, 1, unit_amount, amount, plan_id, period_start, period_end
       FROM json_to_recordset(?::json) AS t(invoice_id bigint, position int, kind text, description text, unit_amount bigint,
                                            amount bigint, plan_id bigint, period_start date, period_end date)`,
    [JSON.stringify(lines)],
  );
  if (billedCharges.length) {
    await trx.raw(
      `UPDATE pending_charges SET invoice_id = t.invoice_id FROM json_to_recordset(?::json) AS t(id bigint, invoice_id bigint) WHERE pending_charges.id = t.id`,
      [JSON.stringify(billedCharges)],
    );
  }
  if (ledger.length) await trx('ledger_entries').insert(ledger);

  // Credit the customer already holds pays the new invoice now (prepaid renewal from balance).
  const { rows: withCredit } = await trx.raw(
    `SELECT c.id FROM unnest(?::bigint[]) AS c(id)
      WHERE (SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE customer_id = c.id)
          + (SELECT coalesce(sum(total - amount_paid), 0) FROM invoices
              WHERE customer_id = c.id AND status IN ('open', 'partially_paid', 'overdue')) > 0`,
    [[...new Set(made.map((d) => d.c.customerId))]],
  );
  let paid = 0;
  const paidIds = new Set<number>();
  for (const { id } of withCredit as Array<{ id: number }>) {
    const settled = await settleOpenInvoices(trx, Number(id), today, now);
    for (const p of settled) paidIds.add(p.id);
    paid += settled.length;
    await applyPaidInvoices(trx, settled, { today, now, effects: deps.effects });
  }

  const messages: CustomerMessage[] = made
    .map((d, i) => ({ d, id: ids.get(d.c.subscriptionId)!, number: numbers[i]! }))
    .filter(({ d, id }) => d.total > 0 && !paidIds.has(id))
    .map(({ d, id, number }) => ({
      customerId: d.c.customerId,
      template: 'invoice_issued' as const,
      idempotencyKey: `invoice_issued:${id}`,
      data: { invoiceNumber: number, amount: d.total, dueDate: d.c.dueDate, planName: d.c.planName, payUrl: deps.payUrl(id) },
    }));
  if (messages.length && (await deps.notifier.customers(trx, messages)) > 0) deps.effects.notificationsQueued();
  return { created: made.length, paid };
}
