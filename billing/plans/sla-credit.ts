/**
 * A plan's SLA credit for an outage (plans.sla_threshold_hours; migrations/20261207001400_network_alerts.ts):
 * the plan tolerates `thresholdHours` of outage; the time lost above it is credited pro rata of the
 * plan price over its billing cycle (monthly = 30 days, quarterly = 90, yearly = 365, `days` =
 * cycle_days). Whole rupiah, rounded half up; a plan without a threshold credits nothing.
 * Example: Rp 300.000 a month, 4 h tolerated, 10 h lost → 6 h of 720 h → Rp 2.500.
 */
import type { BillingCycle } from './billing-period.js';

const HOUR_MS = 3_600_000;

export function cycleDays(cycle: BillingCycle, days: number | null): number {
  switch (cycle) {
    case 'monthly': return 30;
    case 'quarterly': return 90;
    case 'yearly': return 365;
    case 'days': return days ?? 30;
  }
}

/**
 * @param plan price in rupiah, billing cycle, cycle_days, sla_threshold_hours (null: no SLA)
 * @param lostMs the outage's length in milliseconds
 * @returns rupiah to credit (0 when within the threshold)
 */
export function slaCreditAmount(
  plan: { price: number; billingCycle: BillingCycle; cycleDays: number | null; slaThresholdHours: number | null },
  lostMs: number,
): number {
  if (plan.slaThresholdHours === null || plan.price <= 0) return 0;
  const aboveMs = Math.floor(lostMs - plan.slaThresholdHours * HOUR_MS);
  if (aboveMs <= 0) return 0;
  const periodMs = BigInt(cycleDays(plan.billingCycle, plan.cycleDays) * 24 * HOUR_MS);
  const credit = (BigInt(plan.price) * BigInt(aboveMs) * 2n + periodMs) / (2n * periodMs);
  return Math.min(Number(credit), plan.price);
}
