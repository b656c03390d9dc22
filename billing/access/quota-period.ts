/**
 * The quota period of a subscription, as the radius role needs it to count usage: the billing
 * period (billing/plans/billing-period.ts) that contains an instant, in the ISP's time zone. A
 * quota resets when the plan's billing period does; aaa/ reaches billing's calendar rules only
 * through this door (ARCHITECTURE.md, "Dependency rules").
 */
import { localDate, periodContaining } from '../plans/billing-period.js';
import type { PlanAccess, SubscriptionAccess } from './subscription-access.js';

/**
 * First local day (YYYY-MM-DD, `timeZone`) of the quota period containing `now`, or null when the
 * plan has no quota.
 * @throws RangeError on an anchor day outside 1-28 or a `days` cycle without cycleDays (periodContaining)
 */
export function quotaPeriodStart(
  sub: Pick<SubscriptionAccess, 'anchorDay' | 'startDate'>,
  plan: Pick<PlanAccess, 'quotaBytes' | 'billingCycle' | 'cycleDays'>,
  now: Date,
  timeZone: string,
): string | null {
  if (plan.quotaBytes === null) return null;
  return periodContaining(localDate(now, timeZone), plan.billingCycle, sub.anchorDay, sub.startDate, plan.cycleDays).start;
}
