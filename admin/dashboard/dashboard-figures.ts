/**
 * The dashboard's figures: subscribers online now (open accounting sessions), subscriptions by
 * status, customers with overdue invoices, revenue (settled payments) this month and last month
 * in the ISP's time zone, invoices due in the next 7 days, and each NAS with its open sessions.
 */
import type { Knex } from '../../lib/db.js';

export interface DashboardFigures {
  online: number;
  byStatus: Record<string, number>;
  overdueCustomers: number;
  revenueThisMonth: number;
  revenueLastMonth: number;
  dueThisWeek: { count: number; amount: number };
  nas: Array<{ name: string; ip: string; online: number; last_seen: Date | null }>;
}

/** @param now the clock's time: the months and the week are counted from it. */
export async function dashboardFigures(db: Knex, now: Date): Promise<DashboardFigures> {
  const [online, statuses, overdue, revenue, due, nas] = await Promise.all([
    db.raw(`SELECT count(DISTINCT subscription_id)::int AS n FROM accounting_sessions WHERE stop_time IS NULL`),
    db.raw(`SELECT status, count(*)::int AS n FROM subscriptions GROUP BY status`),
    db.raw(`SELECT count(DISTINCT customer_id)::int AS n FROM invoices WHERE status = 'overdue'`),
    db.raw(
      `WITH m AS (SELECT date_trunc('month', ?::timestamptz AT TIME ZONE isp_time_zone()) AS this_month)
       SELECT coalesce(sum(amount) FILTER (WHERE settled_at AT TIME ZONE isp_time_zone() >= m.this_month), 0) AS this_month,
              coalesce(sum(amount) FILTER (WHERE settled_at AT TIME ZONE isp_time_zone() < m.this_month), 0) AS last_month
         FROM payments, m
        WHERE status = 'settled' AND settled_at AT TIME ZONE isp_time_zone() >= m.this_month - interval '1 month'
        GROUP BY m.this_month`,
      [now],
    ),
    db.raw(
      `SELECT count(*)::int AS n, coalesce(sum(total - amount_paid), 0) AS amount FROM invoices
        WHERE status IN ('open', 'partially_paid')
          AND due_date BETWEEN (?::timestamptz AT TIME ZONE isp_time_zone())::date AND (?::timestamptz AT TIME ZONE isp_time_zone())::date + 7`,
      [now, now],
    ),
    db.raw(
      `SELECT n.name, host(n.ip_address) AS ip,
              (SELECT count(*)::int FROM accounting_sessions a WHERE a.nas_ip_address = n.ip_address AND a.stop_time IS NULL) AS online,
              (SELECT max(a.update_time) FROM accounting_sessions a WHERE a.nas_ip_address = n.ip_address AND a.stop_time IS NULL) AS last_seen
         FROM nas n ORDER BY n.name LIMIT 50`,
    ),
  ]);
  return {
    online: online.rows[0].n,
    byStatus: Object.fromEntries(statuses.rows.map((r: { status: string; n: number }) => [r.status, r.n])),
    overdueCustomers: overdue.rows[0].n,
    revenueThisMonth: Number(revenue.rows[0]?.this_month ?? 0),
    revenueLastMonth: Number(revenue.rows[0]?.last_month ?? 0),
    dueThisWeek: { count: due.rows[0].n, amount: Number(due.rows[0].amount) },
    nas: nas.rows,
  };
}
