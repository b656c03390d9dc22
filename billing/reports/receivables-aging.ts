/**
 * Accounts receivable aging: what open invoices still owe (total − amount paid), bucketed by
 * days past the due date on today's date in the ISP time zone: not yet due, 0–30, 31–60, 61–90,
 * over 90. Totals over every customer, and per customer, most past due first, a page at a time
 * (or every customer in number order, `agingRows`, for the CSV).
 *
 * Cost: reads only unpaid invoices, through the partial index on them (invoices_open_customer).
 */
import type { Knex } from '../../lib/db.js';

export const AGING_PAGE_SIZE = 25;

export interface AgingAmounts {
  not_due: number;
  d0_30: number;
  d31_60: number;
  d61_90: number;
  d90_plus: number;
  total: number;
}

export interface AgingCustomer extends AgingAmounts {
  customer_id: number;
  customer_number: string;
  name: string;
  phone: string | null;
  invoices: number;
  /** Days past due of the oldest open invoice (negative: none is due yet). */
  oldest_days: number | null;
}

export interface AgingReport {
  /** YYYY-MM-DD: the day the ages are counted to. */
  today: string;
  totals: AgingAmounts & { customers: number; invoices: number };
  rows: AgingCustomer[];
  page: number;
  pages: number;
}

// Same status list as the partial index invoices_open_customer, so the planner can use it.
const PER_CUSTOMER = `
  SELECT i.customer_id,
         coalesce(sum(i.owed) FILTER (WHERE i.late IS NULL OR i.late < 0), 0)::bigint AS not_due,
         coalesce(sum(i.owed) FILTER (WHERE i.late BETWEEN 0 AND 30), 0)::bigint AS d0_30,
         coalesce(sum(i.owed) FILTER (WHERE i.late BETWEEN 31 AND 60), 0)::bigint AS d31_60,
         coalesce(sum(i.owed) FILTER (WHERE i.late BETWEEN 61 AND 90), 0)::bigint AS d61_90,
         coalesce(sum(i.owed) FILTER (WHERE i.late > 90), 0)::bigint AS d90_plus,
         sum(i.owed)::bigint AS total,
         count(*)::int AS invoices,
         max(i.late) AS oldest_days
    FROM (SELECT customer_id, total - amount_paid AS owed, ?::date - due_date AS late
            FROM invoices
           WHERE status IN ('open', 'partially_paid', 'overdue') AND total > amount_paid AND customer_id > ?) i
   GROUP BY i.customer_id`;

// The customer of each row by primary key (LIMIT 1 keeps it a lookup per row: as a plain join the
// planner hash-joined every batch of the export to a scan of all customers, 50 ms instead of 7).
const WITH_CUSTOMER = 'CROSS JOIN LATERAL (SELECT customer_number, name, phone FROM customers WHERE id = a.customer_id LIMIT 1) c';

/** @param today YYYY-MM-DD in the ISP time zone; `page` 1-based (past the end: the last page). */
export async function receivablesAging(db: Knex, today: string, page: number): Promise<AgingReport> {
  // The page's customers first, their names after: joining all of them to customers before the
  // LIMIT read the whole customers table.
  const pageOf = async (n: number): Promise<AgingCustomer[]> => (await db.raw(
    `SELECT a.*, c.*
       FROM (SELECT * FROM (${PER_CUSTOMER}) p ORDER BY p.total - p.not_due DESC, p.total DESC, p.customer_id LIMIT ? OFFSET ?) a
       ${WITH_CUSTOMER}
      ORDER BY a.total - a.not_due DESC, a.total DESC, a.customer_id`,
    [today, 0, AGING_PAGE_SIZE, (n - 1) * AGING_PAGE_SIZE],
  )).rows;
  const wanted = Math.max(1, page);
  const [{ rows: [totals] }, rows] = await Promise.all([
    db.raw(
      `SELECT count(*)::int AS customers, coalesce(sum(invoices), 0)::int AS invoices,
              coalesce(sum(not_due), 0)::bigint AS not_due, coalesce(sum(d0_30), 0)::bigint AS d0_30,
              coalesce(sum(d31_60), 0)::bigint AS d31_60, coalesce(sum(d61_90), 0)::bigint AS d61_90,
              coalesce(sum(d90_plus), 0)::bigint AS d90_plus, coalesce(sum(total), 0)::bigint AS total
         FROM (${PER_CUSTOMER}) a`,
      [today, 0],
    ),
    pageOf(wanted),
  ]);
  const pages = Math.max(1, Math.ceil(totals.customers / AGING_PAGE_SIZE));
  const current = Math.min(wanted, pages);
  return { today, totals, rows: current === wanted ? rows : await pageOf(current), page: current, pages };
}

/**
 * Every customer who owes, in customer order, `batch` at a time: each batch starts after the
 * last customer of the one before (no OFFSET), so an export of 100,000 stays linear.
 */
export async function* agingRows(db: Knex, today: string, batch = 1000): AsyncGenerator<AgingCustomer> {
  for (let after = 0; ;) {
    const { rows } = await db.raw(
      `SELECT a.*, c.* FROM (${PER_CUSTOMER} ORDER BY i.customer_id LIMIT ?) a ${WITH_CUSTOMER} ORDER BY a.customer_id`,
      [today, after, batch],
    );
    yield* rows as AgingCustomer[];
    if (rows.length < batch) return;
    after = (rows as AgingCustomer[]).at(-1)!.customer_id;
  }
}
