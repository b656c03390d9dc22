/**
 * Scheduled downgrades take effect on their day: the subscription moves to the new plan (the
 * invoice run already billed the new period at the new price) and the router hears of the new
 * rate through nas-control.
 */
import type { Knex } from '../../lib/db.js';
import type { Effects } from '../use-case/effects.js';

/** Applies the plan changes due on or before local date `today`; returns how many. */
export async function applyScheduledPlanChanges(trx: Knex.Transaction, today: string, effects: Effects): Promise<number> {
  const { rows } = await trx.raw(
    `UPDATE subscriptions SET plan_id = next_plan_id, next_plan_id = NULL, next_plan_effective = NULL, version = version + 1
      WHERE next_plan_effective <= ?::date AND status <> 'terminated'
      RETURNING id, version`,
    [today],
  );
  for (const r of rows as Array<{ id: number; version: number }>) effects.accessChanged({ subscriptionId: r.id, reason: 'plan_changed' }, `v${r.version}`);
  return rows.length;
}
