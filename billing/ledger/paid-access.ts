/**
 * What invoices paid in full (by an allocation: allocate-credit.ts) mean for their subscriptions' access:
 * - paid_until moves to the end of the latest paid period (local midnight in the ISP time zone);
 *   for a prepaid subscription whose time had run out, that is access restored (nas-control);
 * - a subscription that dunning soft-limited or suspended is active again once none of its
 *   invoices is past due and unpaid. A suspension staff made for another reason stays.
 */
import type { Knex } from '../../lib/db.js';
import { liftDunningRestrictions, type StatusChange } from '../subscriptions/status/change-status.js';
import type { Effects } from '../use-case/effects.js';
import type { PaidInvoice } from './allocate-credit.js';

export async function extendPaidAccess(
  trx: Knex.Transaction,
  paid: PaidInvoice[],
  ctx: { today: string; now: Date; effects: Effects },
): Promise<{ reactivated: StatusChange[] }> {
  const subscriptionIds = [...new Set(paid.map((p) => p.subscriptionId).filter((id): id is number => id !== null))];
  if (!subscriptionIds.length) return { reactivated: [] };

  const periodEnds = paid.filter((p) => p.kind === 'recurring' && p.subscriptionId !== null && p.periodEnd !== null);
  if (periodEnds.length) {
    const { rows } = await trx.raw(
      `WITH paid AS (
         SELECT subscription_id, max(period_end) AS period_end
           FROM json_to_recordset(?::json) AS t(subscription_id bigint, period_end date) GROUP BY subscription_id
       ), before AS (
         SELECT s.id, s.billing_type, s.paid_until IS NULL OR s.paid_until <= ?::timestamptz AS had_expired
           FROM subscriptions s JOIN paid ON paid.subscription_id = s.id
       )
       UPDATE subscriptions s SET paid_until = (paid.period_end::timestamp AT TIME ZONE isp_time_zone()), version = s.version + 1
         FROM paid JOIN before ON before.id = paid.subscription_id
        WHERE s.id = paid.subscription_id
          AND (s.paid_until IS NULL OR s.paid_until < (paid.period_end::timestamp AT TIME ZONE isp_time_zone()))
       RETURNING s.id, s.version, before.billing_type, before.had_expired`,
      [JSON.stringify(periodEnds.map((p) => ({ subscription_id: p.subscriptionId, period_end: p.periodEnd }))), ctx.now],
    );
    for (const r of rows as Array<{ id: number; version: number; billing_type: string; had_expired: boolean }>) {
      if (r.billing_type === 'prepaid' && r.had_expired) ctx.effects.accessChanged({ subscriptionId: r.id, reason: 'renewed' }, `v${r.version}`);
    }
  }

  return { reactivated: await liftDunningRestrictions(trx, subscriptionIds, ctx.today, 'paid', ctx.effects) };
}
