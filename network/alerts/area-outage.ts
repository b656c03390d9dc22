/**
 * The self-service portal's "outage in your area" line (issue 12, item 7): when one of a customer's
 * subscriptions is in an open outage (outage_subscriptions; ./outages.ts), since when.
 */
import type { Knex } from '../../lib/db.js';

/** The start of the earliest open outage affecting one of the customer's subscriptions, or null. */
export async function openOutageSince(db: Knex, customerId: number): Promise<Date | null> {
  const row = await db('outage_subscriptions as os')
    .join('outages as o', 'o.id', 'os.outage_id')
    .join('subscriptions as s', 's.id', 'os.subscription_id')
    .where('s.customer_id', customerId)
    .whereNull('o.ended_at')
    .min<{ since: Date | null }>('o.started_at as since')
    .first();
  return row?.since ? new Date(row.since) : null;
}
