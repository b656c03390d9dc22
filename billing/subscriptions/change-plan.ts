/**
 * Changing a subscription's plan mid-period (the common ISP rule, as in Splynx):
 * - upgrade (a dearer plan): now. The customer is credited the unused part of the old plan and
 *   charged the rest of the period on the new one, both prorated by days, on an invoice issued
 *   at once; the router gets the new rate through nas-control.
 * - downgrade (same price or cheaper): at the end of the current period, when the invoice run
 *   already bills the new plan; nothing is refunded.
 * A period the invoice run already billed ahead (it bills up to `leadDays` before a period
 * starts) was billed on the old plan: an upgrade also charges the difference for it, a downgrade
 * waits until it ends.
 * `quotePlanChange` computes the same without writing anything, for the staff's preview.
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { AppError } from '../../lib/errors.js';
import { prorate } from '../../lib/money.js';
import type { Effects } from '../use-case/effects.js';
import { lineText } from '../invoices/line-text.js';
import { lockCustomer } from '../ledger/customer-balance.js';
import { issueInvoice } from '../ledger/issue-invoices.js';
import { addDays, daysBetween, localDate, periodContaining, periodSpan, type BillingCycle } from '../plans/billing-period.js';
import { loadBillingSettings } from '../settings/billing-settings.js';

export interface PlanQuote {
  kind: 'upgrade' | 'downgrade';
  /** Local date the change takes effect. */
  effective: string;
  /**
   * Upgrade only: credit for the unused part of the old plan (negative) and charge for the new,
   * prorated by days; then, per period already billed ahead, its plan charge credited and the
   * new plan's price charged.
   */
  lines: Array<{ description: string; amount: number }>;
  /** Σ lines (rupiah), before tax. */
  amount: number;
}

interface PlanRow { id: number; name: string; price: number; billing_cycle: BillingCycle; cycle_days: number | null }

/** A later period the invoice run already billed (lead window): its span and its plan line. */
export interface BilledAhead {
  /** [start, end) local dates. */
  start: string;
  end: string;
  planId: number | null;
  planName: string;
  /** What its plan line charged, rupiah. */
  amount: number;
}

interface QuoteLine { description: string; amount: number; planId: number | null; periodStart: string; periodEnd: string }

function quote(from: PlanRow, to: PlanRow, period: { start: string; end: string }, today: string, ahead: BilledAhead[], locale: string): Omit<PlanQuote, 'lines'> & { lines: QuoteLine[] } {
  const text = lineText(locale);
  if (to.price <= from.price) {
    // The periods already invoiced stay as billed: the new plan starts after the last of them.
    const effective = ahead.reduce((end, a) => (a.end > end ? a.end : end), period.end);
    return { kind: 'downgrade', effective, lines: [], amount: 0 };
  }
  const left = daysBetween(today, period.end);
  const total = daysBetween(period.start, period.end);
  const lines: QuoteLine[] = [
    { description: text.unused(from.name, left, total), amount: -prorate(from.price, left, total), planId: from.id, periodStart: today, periodEnd: period.end },
    { description: text.plan(to.name, left, total), amount: prorate(to.price, left, total), planId: to.id, periodStart: today, periodEnd: period.end },
  ];
  for (const a of ahead) {
    const span = periodSpan(a.start, a.end);
    lines.push(
      { description: text.alreadyBilled(a.planName, span), amount: -a.amount, planId: a.planId, periodStart: a.start, periodEnd: a.end },
      { description: text.planPeriod(to.name, span), amount: to.price, planId: to.id, periodStart: a.start, periodEnd: a.end },
    );
  }
  return { kind: 'upgrade', effective: today, lines, amount: lines.reduce((sum, l) => sum + l.amount, 0) };
}

/**
 * The quote for moving from `from` to `to` on `today` within `period` [start, end), with the
 * later periods already invoiced (`ahead`, see billedAhead).
 */
export function quotePlanChange(from: PlanRow, to: PlanRow, period: { start: string; end: string }, today: string, ahead: BilledAhead[] = [], locale = 'id'): PlanQuote {
  return shown(quote(from, to, period, today, ahead, locale));
}

/** A quote as staff see it (the lines without their plan and period). */
function shown(q: ReturnType<typeof quote>): PlanQuote {
  return { ...q, lines: q.lines.map((l) => ({ description: l.description, amount: l.amount })) };
}

/** The subscription's live recurring invoices for periods starting on or after `from`, with their plan line. */
async function billedAhead(db: Knex | Knex.Transaction, subscriptionId: number, from: string): Promise<BilledAhead[]> {
  const { rows } = await db.raw(
    `SELECT i.period_start AS start, i.period_end AS "end", l.plan_id AS "planId", coalesce(p.name, l.description) AS "planName", l.amount
       FROM invoices i
       JOIN invoice_lines l ON l.invoice_id = i.id AND l.position = 1
       LEFT JOIN plans p ON p.id = l.plan_id
      WHERE i.subscription_id = ? AND i.kind = 'recurring' AND i.status <> 'void' AND i.period_start >= ?::date
      ORDER BY i.period_start`,
    [subscriptionId, from],
  );
  return rows as BilledAhead[];
}

async function load(db: Knex | Knex.Transaction, subscriptionId: number, planId: number, timeZone: string) {
  const sub = await db('subscriptions')
    .where({ id: subscriptionId })
    .first('id', 'customer_id', 'plan_id', 'status', 'billing_type', 'anchor_day', 'service_type', db.raw(`to_char(started_at AT TIME ZONE ?, 'YYYY-MM-DD') AS start_date`, [timeZone]),
      // The invoice lines are written in the customer's language (line-text.ts).
      db.raw('(SELECT locale FROM customers c WHERE c.id = subscriptions.customer_id) AS locale'));
  if (!sub || sub.status === 'terminated') throw new AppError('subscription_not_found', 'no such active subscription', 404);
  const plans = (await db('plans').whereIn('id', [sub.plan_id, planId]).select('id', 'name', 'price', 'billing_cycle', 'cycle_days', 'is_active', 'service_type')) as Array<PlanRow & { is_active: boolean; service_type: string }>;
  const from = plans.find((p) => p.id === sub.plan_id)!;
  const to = plans.find((p) => p.id === planId);
  if (!to || !to.is_active) throw new AppError('plan_not_found', 'no such plan on sale', 404);
  if (to.id === from.id) throw new AppError('same_plan', 'the subscription is already on that plan', 409);
  // A PPPoE login cannot move to a hotspot plan, nor the other way: the service is the subscription's.
  if (to.service_type !== sub.service_type) throw new AppError('other_service', 'the plan is for another service type', 409);
  return { sub, from, to };
}

/** The quote for a subscription moving to `planId` now. */
export async function previewPlanChange(deps: { db: Knex; clock: Clock; timeZone: string }, subscriptionId: number, planId: number): Promise<PlanQuote> {
  const { sub, from, to } = await load(deps.db, subscriptionId, planId, deps.timeZone);
  const today = localDate(deps.clock.now(), deps.timeZone);
  const period = periodContaining(today, from.billing_cycle, sub.anchor_day, sub.start_date, from.cycle_days);
  return quotePlanChange(from, to, period, today, await billedAhead(deps.db, subscriptionId, period.end), sub.locale);
}

/**
 * Changes the plan: an upgrade now (with its prorated invoice; returns its id), a downgrade
 * scheduled for the period end. @throws AppError for an unknown subscription or plan, the same plan,
 * or a plan of another service type (`other_service`: PPPoE vs hotspot).
 */
export async function changePlan(
  deps: { db: Knex; clock: Clock; timeZone: string; effects: Effects },
  subscriptionId: number,
  planId: number,
): Promise<PlanQuote & { invoiceId: number | null }> {
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  return deps.effects.transaction(deps.db, async (trx) => {
    // The customer's money lock first, then the subscription: the order every payment takes
    // (a payment locks the customer, then updates the subscription's paid-until), so the two
    // cannot deadlock.
    const owner = await trx('subscriptions').where({ id: subscriptionId }).first('customer_id');
    if (owner) await lockCustomer(trx, Number(owner.customer_id));
    await trx.raw('SELECT id FROM subscriptions WHERE id = ? FOR UPDATE', [subscriptionId]);
    const { sub, from, to } = await load(trx, subscriptionId, planId, deps.timeZone);
    const period = periodContaining(today, from.billing_cycle, sub.anchor_day, sub.start_date, from.cycle_days);
    const detailed = quote(from, to, period, today, await billedAhead(trx, subscriptionId, period.end), sub.locale);
    if (detailed.kind === 'downgrade') {
      await trx('subscriptions').where({ id: subscriptionId }).update({ next_plan_id: to.id, next_plan_effective: detailed.effective, version: trx.raw('version + 1') });
      return { ...shown(detailed), invoiceId: null };
    }
    // The new plan, then its invoice: issuing allocates the customer's credit to it, and what that
    // pays follows the plan change (a dunning restriction lifted is a later version of the row).
    const [changed] = await trx('subscriptions')
      .where({ id: subscriptionId })
      .update({ plan_id: to.id, next_plan_id: null, next_plan_effective: null, version: trx.raw('version + 1') })
      .returning('version');
    deps.effects.accessChanged({ subscriptionId, reason: 'plan_changed' }, `v${changed.version}`);
    const settings = await loadBillingSettings(trx);
    const inv = await issueInvoice(trx, {
      customerId: sub.customer_id, subscriptionId, kind: 'one_off', periodStart: null, periodEnd: null,
      dueDate: sub.billing_type === 'prepaid' ? today : addDays(today, settings.postpaidDueDays),
      lines: detailed.lines.map((l) => ({ kind: 'proration', description: l.description, amount: l.amount, planId: l.planId, periodStart: l.periodStart, periodEnd: l.periodEnd })),
      ledgerNote: ' (ganti paket)',
    }, { today, now, settings, effects: deps.effects });
    const invoiceId = inv!.id; // a one-off invoice is always issued (only recurring ones can meet an existing period)
    return { ...shown(detailed), invoiceId };
  });
}
