/**
 * Moves subscriptions between access states (active, soft_limited, suspended) and reports the
 * change to the router through `effects` (a nas-control job keyed by the new version, so a
 * retried transaction sends one CoA). Terminated subscriptions never move. Only subscriptions in
 * one of `from` move, so a dunning step cannot reactivate, nor a payment un-terminate.
 */
import type { Knex } from '../../lib/db.js';
import type { Effects } from '../effects.js';
import type { SubscriptionStatus } from '../access/subscription-access.js';

export interface StatusChange {
  id: number;
  customerId: number;
  version: number;
}

/** Returns the subscriptions that changed. */
export async function changeSubscriptionStatus(
  trx: Knex.Transaction,
  ids: number[],
  to: Exclude<SubscriptionStatus, 'terminated'>,
  from: SubscriptionStatus[],
  reason: string,
  effects: Effects,
): Promise<StatusChange[]> {
  if (!ids.length) return [];
  const { rows } = await trx.raw(
    `UPDATE subscriptions SET status = ?, status_reason = ?, version = version + 1
      WHERE id = ANY(?::bigint[]) AND status = ANY(?::text[]) AND status <> 'terminated'
      RETURNING id, customer_id, version`,
    [to, reason, ids, from],
  );
  const changed = (rows as Array<{ id: number; customer_id: number; version: number }>).map((r) => ({ id: r.id, customerId: r.customer_id, version: r.version }));
  for (const c of changed) effects.accessChanged({ subscriptionId: c.id, reason }, `v${c.version}`);
  return changed;
}
