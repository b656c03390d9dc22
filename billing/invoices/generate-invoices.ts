/**
 * The invoice run: invoices every subscription (not terminated) for each period from where its
 * billing stands up to the one that starts within `leadDays` (see candidatesFor: a new
 * subscription's first period prorated, periods a stopped worker missed caught up, imports billed
 * from their next period), exactly once per period even when the run runs twice or on two
 * workers at once (the unique index on subscription + period start; the losing insert does nothing).
 *
 * Set-based, in batches of 1,000 subscriptions per transaction:
 * 1. lock the subscriptions' unbilled pending charges (one-off fees, discounts);
 * 2. insert the invoices (ON CONFLICT DO NOTHING) with their totals: plan charge (prorated for a
 *    first, partial period), pending charges, tax (PPN in basis points, when configured);
 * 3. reserve gapless numbers for exactly the invoices inserted, and number them;
 * 4. insert lines and ledger entries (−total), mark the pending charges billed;
 * 5. apply credit where the customer holds some (prepaid renewals from balance), customers in id order;
 * 6. queue "invoice issued" messages for what is still owed.
 *
 * Periods: billing/plans/billing-period.ts, in the ISP time zone.
 */
import { analyzeAfterBulk } from '../../lib/analyze-after-bulk.js';
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
  prepaid: boolean;
}

function ddmmyyyy(day: string): string {
  return `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/** A subscription with no invoice that started longer ago than this is an import, billed elsewhere until now. */
const NEW_SUBSCRIPTION_DAYS = 31;
/** At most this many periods per subscription in one run (a worker down for months catches up over several runs). */
const MAX_PERIODS_PER_RUN = 12;

/**
 * The lead time a cycle allows: shorter than its shortest period, so a period is never jumped
 * over (a new subscription on a 7-day plan would otherwise get its first week free).
 */
function leadFor(leadDays: number, cycle: BillingCycle, cycleDays: number | null): number {
  const shortest = cycle === 'days' ? (cycleDays ?? 1) : cycle === 'monthly' ? 28 : cycle === 'quarterly' ? 89 : 365;
  return Math.min(leadDays, shortest - 1);
}

/**
 * The periods to invoice for one subscription on local date `today`, oldest first: every period
 * from where billing stands up to the one that starts within the lead time.
 * - Where billing stands: the end of the last recurring invoice (void ones count: staff cancelled
 *   that period, it is not billed again); with none, the start date of a new subscription (its
 *   first, partial period prorated by days), or for an import (started more than 31 days ago)
 *   the first period that starts today or later; never before paid_until (paid up to then).
 * - So periods whose invoice run was missed (the worker was down) are still billed; except for
 *   prepaid, whose access ended with its last paid period: it renews from the next period.
 * - A scheduled downgrade bills the new plan from its effective date.
 * - Due: when the period starts (prepaid) or `postpaidDueDays` later (postpaid), counted from
 *   today when the period already began, so the customer always gets the usual time to pay.
 * @param billedUntil end (exclusive, local date) of the last recurring invoice, or null.
 * @param paidUntil the local date subscriptions.paid_until falls on, or null.
 */
export function candidatesFor(s: SubscriptionRow, today: string, settings: BillingSettings, billedUntil: string | null, paidUntil: string | null = null): Candidate[] {
  const current = { id: s.plan_id, name: s.plan_name, price: s.price, cycle: s.billing_cycle, days: s.cycle_days };
  const planFrom = (day: string): typeof current =>
    s.next_plan_id !== null && s.next_plan_effective !== null && s.next_plan_effective <= day && s.next_price !== null && s.next_cycle !== null
      ? { id: s.next_plan_id, name: s.next_name ?? s.plan_name, price: s.next_price, cycle: s.next_cycle, days: s.next_cycle_days }
      : current;
  const target = addDays(today, leadFor(settings.leadDays, current.cycle, current.days));
  const nextBoundary = (): string => {
    const p = periodContaining(today, current.cycle, s.anchor_day, s.start_date, current.days);
    return p.start === today ? today : p.end;
  };
  let from: string;
  if (billedUntil !== null) from = billedUntil > s.start_date ? billedUntil : s.start_date;
  else if (s.start_date >= addDays(today, -NEW_SUBSCRIPTION_DAYS)) from = s.start_date;
  else from = nextBoundary();
  if (paidUntil !== null && paidUntil > from) from = paidUntil;
  if (s.billing_type === 'prepaid' && billedUntil !== null && from < today) from = nextBoundary();
  const out: Candidate[] = [];
  while (from <= target && out.length < MAX_PERIODS_PER_RUN) {
    const plan = planFrom(from);
    const period = periodContaining(from, plan.cycle, s.anchor_day, s.start_date, plan.days);
    const charge = from === period.start ? plan.price : prorate(plan.price, daysBetween(from, period.end), daysBetween(period.start, period.end));
    const dueFrom = from < today ? today : from;
    out.push({
      subscriptionId: s.id, customerId: s.customer_id, planId: plan.id, planName: plan.name, start: from, end: period.end,
      dueDate: s.billing_type === 'prepaid' ? dueFrom : addDays(dueFrom, settings.postpaidDueDays),
      charge, fullPrice: plan.price, prepaid: s.billing_type === 'prepaid',
    });
    from = period.end;
  }
  return out;
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
            np.name AS next_name, np.price AS next_price, np.billing_cycle AS next_cycle, np.cycle_days AS next_cycle_days,
            to_char(b.billed_until, 'YYYY-MM-DD') AS billed_until, b.unpaid,
            to_char(s.paid_until AT TIME ZONE ?, 'YYYY-MM-DD') AS paid_until_date
       FROM subscriptions s
       JOIN plans p ON p.id = s.plan_id
       LEFT JOIN plans np ON np.id = s.next_plan_id
       LEFT JOIN (SELECT subscription_id, max(period_end) AS billed_until,
                         bool_or(status IN ('open', 'partially_paid', 'overdue')) AS unpaid
                    FROM invoices WHERE kind = 'recurring' GROUP BY subscription_id) b ON b.subscription_id = s.id
      WHERE s.status <> 'terminated'
      ORDER BY s.id`,
    [deps.timeZone, deps.timeZone],
  );
  // Rank k holds each subscription's k-th period: a batch never holds one subscription twice.
  const ranks: Candidate[][] = [];
  let count = 0;
  for (const s of rows as Array<SubscriptionRow & { billed_until: string | null; unpaid: boolean | null; paid_until_date: string | null }>) {
    let periods = candidatesFor(s, today, settings, s.billed_until, s.paid_until_date);
    // Prepaid: one renewal at a time, and none while one is unpaid (its access has ended; it is
    // reminded, not run into debt period after period).
    if (s.billing_type === 'prepaid') periods = s.unpaid ? [] : periods.slice(0, 1);
    periods.forEach((c, k) => (ranks[k] ??= []).push(c));
    count += periods.length;
  }

  let created = 0;
  let paidFromBalance = 0;
  for (const rank of ranks) {
    for (let i = 0; i < rank.length; i += BATCH) {
      const r = await deps.effects.transaction(db, (trx) => invoiceBatch(trx, rank.slice(i, i + BATCH), settings, today, now, deps));
      created += r.created;
      paidFromBalance += r.paid;
    }
  }
  await analyzeAfterBulk(db, ['invoices', 'invoice_lines', 'ledger_entries'], created);
  if (created) log.info({ today, created, paidFromBalance, candidates: count }, 'invoice run');
  return { candidates: count, created, paidFromBalance };
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
              WHERE customer_id = c.id AND status IN ('open', 'partially_paid', 'overdue')) > 0
      ORDER BY c.id`,
    [[...new Set(made.map((d) => d.c.customerId))]],
  );
  let paid = 0;
  for (const { id } of withCredit as Array<{ id: number }>) {
    const settled = await settleOpenInvoices(trx, Number(id), today, now);
    paid += settled.length;
    await applyPaidInvoices(trx, settled, { today, now, effects: deps.effects });
  }
  // What is still owed after credit: the message asks for that (nothing when credit paid it all).
  const owed = new Map(made.map((d) => [ids.get(d.c.subscriptionId)!, d.total]));
  if (withCredit.length) {
    const { rows: after } = await trx.raw('SELECT id, total - amount_paid AS owed FROM invoices WHERE id = ANY(?::bigint[])', [[...owed.keys()]]);
    for (const r of after as Array<{ id: number; owed: number }>) owed.set(Number(r.id), Number(r.owed));
  }

  const messages: CustomerMessage[] = made
    .map((d, i) => ({ d, id: ids.get(d.c.subscriptionId)!, number: numbers[i]! }))
    .filter(({ id }) => owed.get(id)! > 0)
    .map(({ d, id, number }) => ({
      customerId: d.c.customerId,
      template: 'invoice_issued' as const,
      idempotencyKey: `invoice_issued:${id}`,
      data: { invoiceNumber: number, amount: owed.get(id)!, dueDate: d.c.dueDate, planName: d.c.planName, payUrl: deps.payUrl(id) },
    }));
  if (messages.length && (await deps.notifier.customers(trx, messages)) > 0) deps.effects.notificationsQueued();
  return { created: made.length, paid };
}
