/**
 * Moves subscriptions between access states (active, soft_limited, suspended) and reports the
 * change to the router through `effects` (a nas-control job keyed by the new version, so a
 * retried transaction sends one CoA). Terminated subscriptions never move. Only subscriptions in
 * one of `from` move, so a dunning step cannot reactivate, nor a payment un-terminate.
 * Below the ledger and the use cases that call it (dunning, payments, voids, staff, the import).
 */
import type { Knex } from '../../../lib/db.js';
import { recordEvents } from '../../../lib/outbound-events.js';
import { statusChanged } from '../../events/event-data.js';
import type { Effects } from '../../use-case/effects.js';
import type { SubscriptionStatus } from '../../access/subscription-access.js';

export interface StatusChange {
  id: number;
  customerId: number;
  version: number;
}

/** Statuses dunning sets, recorded in status_reason, which payment (or voiding the invoice) lifts. */
export const DUNNING_REASONS = ['dunning_soft_limit', 'dunning_suspend'] as const;

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
  await recordEvents(trx, statusChanged(to, reason, changed)); // subscription.suspended / .reactivated webhooks
  return changed;
}

/**
 * Makes active again the subscriptions among `subscriptionIds` that dunning soft-limited or
 * suspended (status_reason one of DUNNING_REASONS) once none of their invoices is unpaid past its
 * due date (before local date `today`). A restriction staff set for another reason stays.
 * @param reason the status_reason recorded, e.g. `paid`, `invoice_voided`
 */
export async function liftDunningRestrictions(
  trx: Knex.Transaction,
  subscriptionIds: number[],
  today: string,
  reason: string,
  effects: Effects,
): Promise<StatusChange[]> {
  if (!subscriptionIds.length) return [];
  const { rows: eligible } = await trx.raw(
    `SELECT s.id FROM subscriptions s
      WHERE s.id = ANY(?::bigint[]) AND s.status IN ('suspended', 'soft_limited') AND s.status_reason = ANY(?::text[])
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.subscription_id = s.id
                           AND i.status IN ('open', 'partially_paid', 'overdue') AND i.due_date < ?)`,
    [subscriptionIds, [...DUNNING_REASONS], today],
  );
  return changeSubscriptionStatus(trx, (eligible as Array<{ id: number }>).map((r) => Number(r.id)), 'active', ['suspended', 'soft_limited'], reason, effects);
}
