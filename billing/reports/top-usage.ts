/**
 * Top usage: the subscriptions (or customers, all their subscriptions together) that moved the
 * most bytes over a range of days, from per-day usage (usage_daily, ISP time zone). Download is
 * what the NAS sent to the subscriber (Acct-Output-Octets), upload what it received from them
 * (Acct-Input-Octets), RFC 2866 §5.3-5.4.
 *
 * Cost: reads the range's rows of usage_daily (index usage_daily_day, migration 20261122000500),
 * subscriptions × days of them (3 million for 100,000 subscribers over 30 days: about a second),
 * sums them per subscription in one hash table, and joins names for the top rows only. The hash
 * table of 100,000 subscriptions needs ~30 MB: work_mem is raised for this statement alone, or the
 * default 4 MB spills it to ~200 MB of temporary files per request.
 */
import type { Knex } from '../../lib/db.js';
import type { DayRange } from './report-range.js';

export const USAGE_GROUPINGS = ['subscription', 'customer'] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];
export const USAGE_LIMITS = [10, 50, 100, 500, 1000] as const;

export interface UsageRow {
  customer_id: number;
  customer_number: string;
  customer_name: string;
  /** By subscription: its username and plan; by customer: null. */
  subscription_id: number | null;
  username: string | null;
  plan_name: string | null;
  /** By customer: how many of their subscriptions moved traffic. */
  subscriptions: number;
  download: number;
  upload: number;
  total: number;
}

const PER_SUBSCRIPTION = `
  SELECT subscription_id, sum(output_octets)::float8 AS download, sum(input_octets)::float8 AS upload
    FROM usage_daily
   WHERE day BETWEEN ?::date AND ?::date
   GROUP BY subscription_id`;

/** The `limit` heaviest, heaviest first (ties: lower id first). */
export async function topUsage(db: Knex, range: DayRange, by: UsageGrouping, limit: number): Promise<UsageRow[]> {
  const sql = by === 'subscription'
    ? `WITH top AS (SELECT u.*, u.download + u.upload AS total FROM (${PER_SUBSCRIPTION}) u ORDER BY total DESC, subscription_id LIMIT ?)
       SELECT c.id AS customer_id, c.customer_number, c.name AS customer_name, top.subscription_id, s.username,
              p.name AS plan_name, 1 AS subscriptions, top.download, top.upload, top.total
         FROM top
         JOIN subscriptions s ON s.id = top.subscription_id
         JOIN customers c ON c.id = s.customer_id
         JOIN plans p ON p.id = s.plan_id
        ORDER BY top.total DESC, top.subscription_id`
    : `WITH top AS (
         SELECT s.customer_id, count(*)::int AS subscriptions, sum(u.download)::bigint AS download,
                sum(u.upload)::bigint AS upload, sum(u.download + u.upload)::bigint AS total
           FROM (${PER_SUBSCRIPTION}) u JOIN subscriptions s ON s.id = u.subscription_id
          GROUP BY s.customer_id
          ORDER BY total DESC, s.customer_id
          LIMIT ?)
       SELECT c.id AS customer_id, c.customer_number, c.name AS customer_name, NULL::bigint AS subscription_id,
              NULL AS username, NULL AS plan_name, top.subscriptions, top.download, top.upload, top.total
         FROM top JOIN customers c ON c.id = top.customer_id
        ORDER BY top.total DESC, top.customer_id`;
  return db.transaction(async (trx) => {
    await trx.raw(`SET LOCAL work_mem = '64MB'`);
    const { rows } = await trx.raw(sql, [range.from, range.to, limit]);
    return rows as UsageRow[];
  });
}
