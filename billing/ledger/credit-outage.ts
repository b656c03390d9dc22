/**
 * The SLA credit of an ended network outage (issue 12, item 8): for each subscription in it whose
 * plan has an SLA (plans.sla_threshold_hours), the hours lost above the threshold are credited pro
 * rata (billing/plans/sla-credit.ts) as one `adjustment` ledger entry naming the outage, then
 * allocated to what the customer owes (allocate-credit.ts). Exactly once per outage and
 * subscription: outage_subscriptions.credited_at is set in the same transaction as the entry, by an
 * UPDATE … WHERE credited_at IS NULL that a second run (or a second worker, after the row lock)
 * finds done. Reads network's outage tables with SQL (migrations/20261207001400_network_alerts.ts).
 */
import type { Knex } from '../../lib/db.js';
import { localDate } from '../plans/billing-period.js';
import type { BillingCycle } from '../plans/billing-period.js';
import { slaCreditAmount } from '../plans/sla-credit.js';
import type { Effects } from '../use-case/effects.js';
import { allocateCredit } from './allocate-credit.js';
import { creditAdjustment } from './credit-adjustment.js';
import { lockCustomer } from './customer-balance.js';

export interface OutageCredit {
  subscriptionId: number;
  customerId: number;
  /** Rupiah (0: within the plan's threshold, or no SLA). */
  amount: number;
}

/**
 * Credits the subscriptions of ended outage `outageId` not credited yet; one transaction per
 * customer (its money lock first). An open or unknown outage credits nothing.
 * @returns what this call credited (empty on a repeat)
 */
export async function creditOutage(
  deps: { db: Knex; clock: { now(): Date }; timeZone: string; effects: Effects },
  outageId: number,
): Promise<OutageCredit[]> {
  const outage = await deps.db('outages').where({ id: outageId }).first('started_at', 'ended_at');
  if (!outage?.ended_at) return [];
  const lostMs = new Date(outage.ended_at).getTime() - new Date(outage.started_at).getTime();
  const hours = (lostMs / 3_600_000).toFixed(1);
  const customers: string[] = await deps.db('outage_subscriptions as os')
    .join('subscriptions as s', 's.id', 'os.subscription_id')
    .where('os.outage_id', outageId)
    .whereNull('os.credited_at')
    .distinct('s.customer_id')
    .orderBy('s.customer_id')
    .pluck('s.customer_id');
  const credited: OutageCredit[] = [];
  for (const customerId of customers.map(Number)) {
    await deps.effects.transaction(deps.db, async (trx: Knex.Transaction) => {
      await lockCustomer(trx, customerId);
      const now = deps.clock.now();
      const subs: Array<{ subscription_id: string; username: string; price: string; billing_cycle: BillingCycle; cycle_days: number | null; sla_threshold_hours: number | null }> =
        await trx('outage_subscriptions as os')
          .join('subscriptions as s', 's.id', 'os.subscription_id')
          .join('plans as p', 'p.id', 's.plan_id')
          .where({ 'os.outage_id': outageId, 's.customer_id': customerId })
          .whereNull('os.credited_at')
          .forUpdate('os')
          .select('os.subscription_id', 's.username', 'p.price', 'p.billing_cycle', 'p.cycle_days', 'p.sla_threshold_hours');
      let total = 0;
      for (const s of subs) {
        const amount = slaCreditAmount(
          { price: Number(s.price), billingCycle: s.billing_cycle, cycleDays: s.cycle_days, slaThresholdHours: s.sla_threshold_hours },
          lostMs,
        );
        const done = await trx('outage_subscriptions')
          .where({ outage_id: outageId, subscription_id: s.subscription_id })
          .whereNull('credited_at')
          .update({ credited_at: now, credit_amount: amount });
        if (done === 0) continue;
        if (amount > 0) {
          await creditAdjustment(trx, {
            customerId, amount, invoiceId: null, staffUserId: null, at: now,
            description: `Kompensasi gangguan #${outageId} (${hours} jam, ${s.sla_threshold_hours} jam ditoleransi) ${s.username} / SLA credit, outage #${outageId}`,
          });
          total += amount;
        }
        credited.push({ subscriptionId: Number(s.subscription_id), customerId, amount });
      }
      if (total > 0) await allocateCredit(trx, customerId, { today: localDate(now, deps.timeZone), now, effects: deps.effects });
    });
  }
  return credited;
}
