/**
 * The dashboard's figures: subscribers online now (open accounting sessions), subscriptions by
 * status, customers with overdue invoices, invoices due in the next 7 days, payments received in
 * each of the last 12 months in the ISP's time zone (this month and last month among them), and
 * the health of each NAS: its open sessions and its last accounting packet, stale when nothing
 * came for more than two interim intervals.
 */
import { localDate } from '../../billing/plans/billing-period.js';
import type { Knex } from '../../lib/db.js';
import { addMonths } from '../../billing/reports/report-range.js';
import { receivedByMonth, type ReceivedMonth } from '../../billing/reports/revenue-report.js';

export type NasState = 'ok' | 'stale' | 'never';

export interface NasHealth {
  id: number;
  name: string;
  ip: string;
  online: number;
  /** The last accounting packet: the latest update of an open session, or the last stop. */
  last_seen: Date | null;
  state: NasState;
}

export interface DashboardFigures {
  online: number;
  byStatus: Record<string, number>;
  overdueCustomers: number;
  revenueThisMonth: number;
  revenueLastMonth: number;
  /** Oldest first, this month last. */
  revenueMonths: ReceivedMonth[];
  dueThisWeek: { count: number; amount: number };
  nas: NasHealth[];
}

/**
 * @param now the clock's time: the months and the week are counted from it.
 * @param opts.timeZone the ISP's; opts.interimSeconds the Acct-Interim-Interval sent to the NAS.
 */
export async function dashboardFigures(db: Knex, now: Date, opts: { timeZone: string; interimSeconds: number }): Promise<DashboardFigures> {
  const today = localDate(now, opts.timeZone);
  const thisMonth = today.slice(0, 7);
  const staleBefore = new Date(now.getTime() - 2 * opts.interimSeconds * 1000);
  const [online, statuses, overdue, revenueMonths, due, nas] = await Promise.all([
    db.raw(`SELECT count(DISTINCT subscription_id)::int AS n FROM accounting_sessions WHERE stop_time IS NULL`),
    db.raw(`SELECT status, count(*)::int AS n FROM subscriptions GROUP BY status`),
    db.raw(`SELECT count(DISTINCT customer_id)::int AS n FROM invoices WHERE status = 'overdue'`),
    receivedByMonth(db, { from: addMonths(thisMonth, -11), to: thisMonth }, opts.timeZone),
    db.raw(
      `SELECT count(*)::int AS n, coalesce(sum(total - amount_paid), 0)::bigint AS amount FROM invoices
        WHERE status IN ('open', 'partially_paid') AND due_date BETWEEN ?::date AND ?::date + 7`,
      [today, today],
    ),
    // Per NAS: its open sessions (partial index by NAS) and its last stop (one probe of
    // accounting_sessions_nas_stopped): the stale sweep closes a silent session at its last
    // update, so the last stop is a packet the NAS sent too. Stale ones first.
    db.raw(
      `SELECT n.id, n.name, host(n.ip_address) AS ip, o.online, greatest(o.last_update, c.last_stop) AS last_seen,
              CASE WHEN greatest(o.last_update, c.last_stop) IS NULL THEN 'never'
                   WHEN greatest(o.last_update, c.last_stop) < ? THEN 'stale' ELSE 'ok' END AS state
         FROM nas n
         CROSS JOIN LATERAL (SELECT count(*)::int AS online, max(a.update_time) AS last_update FROM accounting_sessions a
                              WHERE a.nas_ip_address = n.ip_address AND a.stop_time IS NULL) o
         CROSS JOIN LATERAL (SELECT max(a.stop_time) AS last_stop FROM accounting_sessions a
                              WHERE a.nas_ip_address = n.ip_address AND a.stop_time IS NOT NULL) c
        ORDER BY (greatest(o.last_update, c.last_stop) >= ?) IS TRUE, n.name
        LIMIT 50`,
      [staleBefore, staleBefore],
    ),
  ]);
  return {
    online: online.rows[0].n,
    byStatus: Object.fromEntries(statuses.rows.map((r: { status: string; n: number }) => [r.status, r.n])),
    overdueCustomers: overdue.rows[0].n,
    revenueThisMonth: revenueMonths.at(-1)!.received,
    revenueLastMonth: revenueMonths.at(-2)!.received,
    revenueMonths,
    dueThisWeek: { count: due.rows[0].n, amount: due.rows[0].amount },
    nas: nas.rows,
  };
}
