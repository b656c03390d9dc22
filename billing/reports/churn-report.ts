/**
 * Churn per month in the ISP time zone: subscriptions in service at the start of the month
 * (started before it, not terminated before it), new ones (started in the month), terminated ones
 * (terminated in the month) and the churn rate, terminated ÷ in service at the start, in basis
 * points rounded half up with integer arithmetic (250 = 2.50 %; null when none was in service).
 *
 * Cost: one pass over subscriptions: the count in service at the start of the first month, then
 * each month's starts and terminations, carried forward by a running sum (no month × subscription
 * join). Months are bucketed by their bounds computed once in the ISP time zone (a conversion per
 * row, through isp_time_zone() or not, cost 140 ms to 900 ms at 100,000 subscriptions).
 */
import type { Knex } from '../../lib/db.js';
import { addMonths, type MonthRange } from './report-range.js';

export interface ChurnMonth {
  /** YYYY-MM */
  month: string;
  active_start: number;
  new: number;
  terminated: number;
  /** Basis points of active_start; null when active_start is 0. */
  churn_bp: number | null;
}

/** @param timeZone the ISP's */
export async function churnByMonth(db: Knex, range: MonthRange, timeZone: string): Promise<ChurnMonth[]> {
  const { rows } = await db.raw(
    `WITH months AS (
       SELECT k::int, to_char(m, 'YYYY-MM') AS month
         FROM generate_series(?::timestamp, ?::timestamp, interval '1 month') WITH ORDINALITY AS g(m, k)
     ),
     -- The months' first instants in the ISP time zone, and the one after the last month.
     b AS (
       SELECT ARRAY(SELECT m AT TIME ZONE ? FROM generate_series(?::timestamp, ?::timestamp, interval '1 month') AS m) AS at
     ),
     s AS MATERIALIZED (
       -- Terminated never moves again (billing/subscriptions/status/change-status.ts); a row imported
       -- as terminated may lack terminated_at.
       SELECT started_at AS started, CASE WHEN status = 'terminated' THEN coalesce(terminated_at, status_changed_at) END AS ended
         FROM subscriptions
     ),
     -- Each start and termination inside the range, as the number of its month (width_bucket: a
     -- binary search in b.at, no time-zone conversion per row).
     events AS (
       SELECT width_bucket(started, b.at) AS k, 1 AS joined, 0 AS gone FROM s, b WHERE started >= b.at[1] AND started < b.at[cardinality(b.at)]
       UNION ALL
       SELECT width_bucket(ended, b.at), 0, 1 FROM s, b WHERE ended >= b.at[1] AND ended < b.at[cardinality(b.at)]
     ),
     per AS (
       SELECT months.k, months.month, coalesce(sum(events.joined), 0)::int AS new, coalesce(sum(events.gone), 0)::int AS terminated
         FROM months LEFT JOIN events USING (k)
        GROUP BY months.k, months.month
     ),
     flow AS (
       SELECT per.*,
              ((SELECT count(*) FROM s, b WHERE started < b.at[1] AND (ended IS NULL OR ended >= b.at[1]))
               + coalesce(sum(per.new - per.terminated) OVER (ORDER BY per.k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::int AS active_start
         FROM per
     )
     SELECT month, active_start, new, terminated,
            CASE WHEN active_start > 0 THEN ((terminated::bigint * 20000 + active_start) / (2 * active_start))::int END AS churn_bp
       FROM flow
      ORDER BY k`,
    [`${range.from}-01`, `${range.to}-01`, timeZone, `${range.from}-01`, `${addMonths(range.to, 1)}-01`],
  );
  return rows as ChurnMonth[];
}

/** A rate in basis points as a decimal with two places: 250 → `2.50` (`2,50` with `separator` ','); '' for null. */
export function percentDigits(bp: number | null, separator = '.'): string {
  if (bp === null) return '';
  return `${Math.trunc(bp / 100)}${separator}${String(bp % 100).padStart(2, '0')}`;
}
