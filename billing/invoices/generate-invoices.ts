/**
 * The invoice run: invoices every subscription (not terminated) for each period from where its
 * billing stands up to the one that starts within `leadDays` (see candidatesFor: a new
 * subscription's first period prorated, periods a stopped worker missed caught up, imports billed
 * from their next period), exactly once per period even when the run runs twice or on two
 * workers at once (the unique index on subscription + period start; the losing insert does nothing).
 *
 * Set-based, in batches of 1,000 subscriptions per transaction (invoiceBatch): the periods to bill
 * (periods-to-bill.ts), each subscription's unbilled pending charges (one-off fees, discounts)
 * locked and billed on its invoice, the invoices issued by the ledger (billing/ledger/issue-invoices.ts:
 * gapless numbers, lines, PPN, ledger entries, credit the customer holds allocated to them, "invoice
 * issued" queued for what is still owed).
 *
 * Periods: billing/plans/billing-period.ts, in the ISP time zone.
 */
import { analyzeAfterBulk } from '../../lib/analyze-after-bulk.js';
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import type { Logger } from '../../lib/logger.js';
import { issueInvoices, ISSUE_TABLES } from '../ledger/issue-invoices.js';
import type { Notifier } from '../notifications/notifier.js';
import { localDate } from '../plans/billing-period.js';
import { loadBillingSettings, type BillingSettings } from '../settings/billing-settings.js';
import type { Effects } from '../use-case/effects.js';
import { candidatesFor, periodInvoice, type Candidate, type SubscriptionRow } from './periods-to-bill.js';

const BATCH = 1000;

interface PendingCharge { id: number; subscription_id: number; kind: 'one_off' | 'discount'; description: string; amount: number }

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
  await analyzeAfterBulk(db, ISSUE_TABLES, created);
  if (created) log.info({ today, created, paidFromBalance, candidates: count }, 'invoice run');
  return { candidates: count, created, paidFromBalance };
}

/**
 * One batch in one transaction: locks the subscriptions' unbilled pending charges, issues the
 * invoices with them (billing/ledger/issue-invoices.ts: numbers, lines, PPN, ledger, credit
 * allocated, "invoice issued" queued), and marks the charges billed on the invoices issued.
 */
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
  const charges = new Map<number, PendingCharge[]>();
  for (const ch of chargeRows as PendingCharge[]) {
    const list = charges.get(Number(ch.subscription_id)) ?? [];
    list.push(ch);
    charges.set(Number(ch.subscription_id), list);
  }
  const drafts = batch.map((c) => {
    const extra = charges.get(c.subscriptionId) ?? [];
    return { ...periodInvoice(c, extra.map((x) => ({ kind: x.kind, description: x.description, amount: Number(x.amount) }))), chargeIds: extra.map((x) => Number(x.id)) };
  });
  const { issued, paidInFull } = await issueInvoices(trx, drafts, {
    today, now, settings, effects: deps.effects, announce: { notifier: deps.notifier, payUrl: deps.payUrl },
  });
  const billed = issued.flatMap((inv) => inv.draft.chargeIds.map((id) => ({ id, invoice_id: inv.id })));
  if (billed.length) {
    await trx.raw(
      `UPDATE pending_charges SET invoice_id = t.invoice_id FROM json_to_recordset(?::json) AS t(id bigint, invoice_id bigint) WHERE pending_charges.id = t.id`,
      [JSON.stringify(billed)],
    );
  }
  return { created: issued.length, paid: paidInFull };
}
