/**
 * Changing a subscription's plan mid-period (the common ISP rule, as in Splynx):
 * - upgrade (a dearer plan): now. The customer is credited the unused part of the old plan and
 *   charged the rest of the period on the new one, both prorated by days, on an invoice issued
 *   at once; the router gets the new rate through nas-control.
 * - downgrade (same price or cheaper): at the end of the current period, when the invoice run
 *   already bills the new plan; nothing is refunded.
 * `quotePlanChange` computes the same without writing anything, for the staff's preview.
 */
import type { Clock } from '../../lib/clock.js';
import type { Knex } from '../../lib/db.js';
import { AppError } from '../../lib/errors.js';
import { basisPoints, prorate } from '../../lib/money.js';
import type { Effects } from '../effects.js';
import { invoicePrefix, reserveInvoiceNumbers } from '../invoices/invoice-number.js';
import { settleOpenInvoices } from '../ledger/settle-open-invoices.js';
import { addDays, daysBetween, localDate, periodContaining, type BillingCycle } from '../plans/billing-period.js';
import { loadBillingSettings } from '../settings/billing-settings.js';
import { applyPaidInvoices } from './apply-paid-invoices.js';

export interface PlanQuote {
  kind: 'upgrade' | 'downgrade';
  /** Local date the change takes effect. */
  effective: string;
  /** Prorated lines (upgrade only): credit for the old plan (negative), charge for the new. */
  lines: Array<{ description: string; amount: number }>;
  /** Σ lines (rupiah), before tax. */
  amount: number;
}

interface PlanRow { id: number; name: string; price: number; billing_cycle: BillingCycle; cycle_days: number | null }

/** The quote for moving from `from` to `to` on `today` within `period` [start, end). */
export function quotePlanChange(from: PlanRow, to: PlanRow, period: { start: string; end: string }, today: string): PlanQuote {
  if (to.price <= from.price) return { kind: 'downgrade', effective: period.end, lines: [], amount: 0 };
  const left = daysBetween(today, period.end);
  const total = daysBetween(period.start, period.end);
  const lines = [
    { description: `Sisa paket ${from.name} / Unused ${from.name} (${left}/${total} hari)`, amount: -prorate(from.price, left, total) },
    { description: `Paket ${to.name} (${left}/${total} hari)`, amount: prorate(to.price, left, total) },
  ];
  return { kind: 'upgrade', effective: today, lines, amount: lines[0]!.amount + lines[1]!.amount };
}

async function load(db: Knex | Knex.Transaction, subscriptionId: number, planId: number, timeZone: string) {
  const sub = await db('subscriptions')
    .where({ id: subscriptionId })
    .first('id', 'customer_id', 'plan_id', 'status', 'billing_type', 'anchor_day', db.raw(`to_char(started_at AT TIME ZONE ?, 'YYYY-MM-DD') AS start_date`, [timeZone]));
  if (!sub || sub.status === 'terminated') throw new AppError('subscription_not_found', 'no such active subscription', 404);
  const plans = (await db('plans').whereIn('id', [sub.plan_id, planId]).select('id', 'name', 'price', 'billing_cycle', 'cycle_days', 'is_active')) as Array<PlanRow & { is_active: boolean }>;
  const from = plans.find((p) => p.id === sub.plan_id)!;
  const to = plans.find((p) => p.id === planId);
  if (!to || !to.is_active) throw new AppError('plan_not_found', 'no such plan on sale', 404);
  if (to.id === from.id) throw new AppError('same_plan', 'the subscription is already on that plan', 409);
  return { sub, from, to };
}

/** The quote for a subscription moving to `planId` now. */
export async function previewPlanChange(deps: { db: Knex; clock: Clock; timeZone: string }, subscriptionId: number, planId: number): Promise<PlanQuote> {
  const { sub, from, to } = await load(deps.db, subscriptionId, planId, deps.timeZone);
  const today = localDate(deps.clock.now(), deps.timeZone);
  return quotePlanChange(from, to, periodContaining(today, from.billing_cycle, sub.anchor_day, sub.start_date, from.cycle_days), today);
}

/**
 * Changes the plan: an upgrade now (with its prorated invoice; returns its id), a downgrade
 * scheduled for the period end. @throws AppError for an unknown subscription or plan, or the same plan.
 */
export async function changePlan(
  deps: { db: Knex; clock: Clock; timeZone: string; effects: Effects },
  subscriptionId: number,
  planId: number,
): Promise<PlanQuote & { invoiceId: number | null }> {
  const now = deps.clock.now();
  const today = localDate(now, deps.timeZone);
  return deps.db.transaction(async (trx) => {
    await trx.raw('SELECT id FROM subscriptions WHERE id = ? FOR UPDATE', [subscriptionId]);
    const { sub, from, to } = await load(trx, subscriptionId, planId, deps.timeZone);
    const period = periodContaining(today, from.billing_cycle, sub.anchor_day, sub.start_date, from.cycle_days);
    const quote = quotePlanChange(from, to, period, today);
    if (quote.kind === 'downgrade') {
      await trx('subscriptions').where({ id: subscriptionId }).update({ next_plan_id: to.id, next_plan_effective: quote.effective, version: trx.raw('version + 1') });
      return { ...quote, invoiceId: null };
    }
    const settings = await loadBillingSettings(trx);
    const subtotal = Math.max(0, quote.amount);
    const tax = settings.taxBasisPoints && subtotal > 0 ? basisPoints(subtotal, settings.taxBasisPoints) : 0;
    const [number] = await reserveInvoiceNumbers(trx, invoicePrefix(settings.invoicePrefix, today), 1);
    const [inv] = await trx('invoices')
      .insert({
        invoice_number: number, customer_id: sub.customer_id, subscription_id: subscriptionId, kind: 'one_off',
        issue_date: today, due_date: sub.billing_type === 'prepaid' ? today : addDays(today, settings.postpaidDueDays),
        status: subtotal + tax === 0 ? 'paid' : 'open', subtotal, tax_basis_points: settings.taxBasisPoints, tax_amount: tax,
        total: subtotal + tax, paid_at: subtotal + tax === 0 ? now : null,
      })
      .returning('id');
    const invoiceId = Number(inv.id);
    await trx('invoice_lines').insert(
      quote.lines.map((l, i) => ({
        invoice_id: invoiceId, position: i + 1, kind: 'proration', description: l.description, quantity: 1,
        unit_amount: l.amount, amount: l.amount, plan_id: i === 0 ? from.id : to.id, period_start: today, period_end: period.end,
      })),
    );
    if (subtotal + tax > 0) {
      await trx('ledger_entries').insert({ customer_id: sub.customer_id, entry_type: 'invoice', amount: -(subtotal + tax), invoice_id: invoiceId, description: `Tagihan ${number} (ganti paket)` });
    }
    const [changed] = await trx('subscriptions')
      .where({ id: subscriptionId })
      .update({ plan_id: to.id, next_plan_id: null, next_plan_effective: null, version: trx.raw('version + 1') })
      .returning('version');
    deps.effects.accessChanged({ subscriptionId, reason: 'plan_changed' }, `v${changed.version}`);
    const paid = await settleOpenInvoices(trx, sub.customer_id, today, now);
    await applyPaidInvoices(trx, paid, { today, now, effects: deps.effects });
    return { ...quote, invoiceId };
  });
}
