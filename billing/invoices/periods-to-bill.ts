/**
 * Which periods of a subscription to invoice, and the invoice for one (billing/ledger/issue-invoices.ts
 * issues it): the invoice run (generate-invoices.ts) asks for every subscription, a new
 * subscription (billing/subscriptions/create-subscription.ts) for its first period, so both bill
 * it the same way. Periods: billing/plans/billing-period.ts, in the ISP time zone.
 */
import { prorate } from '../../lib/money.js';
import type { InvoiceDraft, InvoiceLineDraft } from '../ledger/issue-invoices.js';
import { addDays, daysBetween, periodContaining, periodSpan, type BillingCycle } from '../plans/billing-period.js';
import type { BillingSettings } from '../settings/billing-settings.js';

/** A subscription with its plan and scheduled plan change, as the invoice run reads it (dates local YYYY-MM-DD). */
export interface SubscriptionRow {
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

export interface Candidate {
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

/**
 * The recurring invoice for one period: the plan line (`Plan (01/12/2026 – 31/12/2026)`, kind
 * `proration` and ` prorata` when the period is partial), then `extra` lines (pending one-off
 * charges and discounts), due when the candidate says.
 */
export function periodInvoice(c: Candidate, extra: InvoiceLineDraft[] = []): InvoiceDraft {
  const prorated = c.charge !== c.fullPrice;
  return {
    customerId: c.customerId,
    subscriptionId: c.subscriptionId,
    kind: 'recurring',
    periodStart: c.start,
    periodEnd: c.end,
    dueDate: c.dueDate,
    planName: c.planName,
    lines: [
      {
        kind: prorated ? 'proration' : 'plan', description: `${c.planName} (${periodSpan(c.start, c.end)})${prorated ? ' prorata' : ''}`,
        amount: c.charge, planId: c.planId, periodStart: c.start, periodEnd: c.end,
      },
      ...extra,
    ],
  };
}
