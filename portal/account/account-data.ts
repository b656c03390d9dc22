/**
 * What the self-service portal shows a signed-in customer, always scoped by their customer id
 * (taken from the session, never from the request): subscriptions with plan, status and whether
 * a session is open now; balance and amount due; invoices by number; payments; usage per day.
 * Rows carry no internal ids for the pages: invoices are named by number, subscriptions by their
 * username, payments by date, amount and invoice number. Where a use case needs an internal id
 * (the PDF, a pay link) it is returned beside the page data as `invoiceId`, never rendered.
 */
import { addDays, localDate } from '../../billing/plans/billing-period.js';
import type { Knex } from '../../lib/db.js';

const OWED_STATUSES = ['open', 'partially_paid', 'overdue'];
export const INVOICE_PAGE_SIZE = 12;
export const USAGE_DAYS = 30;

export interface PortalCustomer {
  id: number;
  customer_number: string;
  name: string;
  phone: string | null;
  email: string | null;
  locale: 'id' | 'en';
  version: number;
  has_password: boolean;
  portal_session_version: number;
}

export async function loadPortalCustomer(db: Knex, id: number): Promise<PortalCustomer | null> {
  const row = await db('customers').where({ id }).first('id', 'customer_number', 'name', 'phone', 'email', 'locale', 'version', 'portal_session_version', db.raw('portal_password_hash IS NOT NULL AS has_password'));
  if (!row) return null;
  return { ...row, id: Number(row.id), version: Number(row.version), portal_session_version: Number(row.portal_session_version), locale: row.locale === 'en' ? 'en' : 'id' };
}

/** The home page: subscriptions, balance (ledger sum, positive = credit), amount due and the invoices still owed. */
export async function accountHome(db: Knex, customerId: number) {
  const [subscriptions, balanceRow, owed] = await Promise.all([
    db('subscriptions as s')
      .join('plans as p', 'p.id', 's.plan_id')
      .where('s.customer_id', customerId)
      .whereNot('s.status', 'terminated')
      .orderBy('s.id')
      .select('s.username', 's.service_type', 's.status', 's.billing_type', 's.paid_until', 'p.name as plan_name', 'p.rate_limit', 'p.price as plan_price')
      .select(db.raw('EXISTS (SELECT 1 FROM accounting_sessions a WHERE a.subscription_id = s.id AND a.stop_time IS NULL) AS online')),
    db('ledger_entries').where({ customer_id: customerId }).sum({ balance: 'amount' }).first(),
    db('invoices').where({ customer_id: customerId }).whereIn('status', OWED_STATUSES).whereNotNull('invoice_number').orderBy('due_date').orderBy('id')
      .select('invoice_number', 'status', db.raw(`to_char(due_date, 'YYYY-MM-DD') AS due_day`), db.raw('(total - amount_paid) AS owed')),
  ]);
  const invoices = owed.map((i) => ({ ...i, owed: Number(i.owed) }));
  return {
    subscriptions,
    balance: Number(balanceRow?.balance ?? 0),
    amountDue: invoices.reduce((sum, i) => sum + i.owed, 0),
    owedInvoices: invoices,
  };
}

/** Issued invoices, newest first, one page. */
export async function listInvoices(db: Knex, customerId: number, page: number) {
  const base = db('invoices').where({ customer_id: customerId }).whereNot('status', 'draft').whereNotNull('invoice_number');
  const counted = await base.clone().count({ n: '*' }).first();
  const total = Number(counted?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / INVOICE_PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  const rows = await base.clone().orderBy('id', 'desc').limit(INVOICE_PAGE_SIZE).offset((p - 1) * INVOICE_PAGE_SIZE)
    .select('invoice_number', 'status', 'total', 'amount_paid', db.raw(`to_char(issue_date, 'YYYY-MM-DD') AS issue_day, to_char(due_date, 'YYYY-MM-DD') AS due_day`));
  return { rows: rows.map((r) => ({ ...r, owed: OWED_STATUSES.includes(r.status) ? Number(r.total) - Number(r.amount_paid) : 0 })), page: p, pages, total };
}

/**
 * The customer's own issued invoice with that number, or null (another customer's invoice, a
 * draft, or no such number: the same null, so a page cannot tell them apart).
 */
export async function invoiceOfCustomer(db: Knex, customerId: number, invoiceNumber: string): Promise<{ invoiceId: number; status: string; owed: number } | null> {
  if (!invoiceNumber || invoiceNumber.length > 64) return null;
  const row = await db('invoices').where({ customer_id: customerId, invoice_number: invoiceNumber }).whereNot('status', 'draft').first('id', 'status', 'total', 'amount_paid');
  if (!row) return null;
  return { invoiceId: Number(row.id), status: row.status, owed: OWED_STATUSES.includes(row.status) ? Number(row.total) - Number(row.amount_paid) : 0 };
}

/** Settled and refunded payments, newest first (pending gateway attempts are not payments yet). */
export async function listPayments(db: Knex, customerId: number, limit = 50) {
  return db('payments as pm')
    .leftJoin('invoices as i', 'i.id', 'pm.invoice_id')
    .where('pm.customer_id', customerId)
    .whereIn('pm.status', ['settled', 'refunded'])
    .orderBy('pm.id', 'desc')
    .limit(limit)
    .select('pm.amount', 'pm.method', 'pm.status', 'i.invoice_number')
    .select(db.raw('coalesce(pm.settled_at, pm.created_at) AS paid_at'));
}

export interface UsageChart {
  days: Array<{ day: string; label: string; bytes: number; download: number; upload: number; x: number; y: number; height: number; width: number; title: string }>;
  totalDownload: number;
  totalUpload: number;
  maxBytes: number;
  /** Horizontal guide lines at 0, ½ and the maximum. */
  ticks: Array<{ y: number; bytes: number }>;
  width: number;
  height: number;
  plotTop: number;
  plotBottom: number;
  /** Baseline of the date labels under the bars. */
  axisY: number;
}

const CHART = { width: 330, height: 170, top: 10, bottom: 150, left: 0, gap: 2 };

/**
 * Usage of all the customer's subscriptions per local day for the USAGE_DAYS days up to today
 * (ISP time zone), as bars for a server-rendered SVG: no chart library, nothing to run in the
 * browser. From the NAS's point of view input is what the subscriber sent (upload) and output
 * what they received (download).
 */
export async function usageChart(db: Knex, customerId: number, now: Date, timeZone: string): Promise<UsageChart> {
  const today = localDate(now, timeZone);
  const first = addDays(today, -(USAGE_DAYS - 1));
  const rows = await db('usage_daily as u')
    .join('subscriptions as s', 's.id', 'u.subscription_id')
    .where('s.customer_id', customerId)
    .whereBetween('u.day', [first, today])
    .groupBy('u.day')
    .select(db.raw(`to_char(u.day, 'YYYY-MM-DD') AS day`), db.raw('sum(u.input_octets)::float8 AS upload'), db.raw('sum(u.output_octets)::float8 AS download'));
  const byDay = new Map(rows.map((r) => [String(r.day), { upload: Number(r.upload), download: Number(r.download) }]));
  const plot = CHART.bottom - CHART.top;
  const slot = (CHART.width - CHART.left) / USAGE_DAYS;
  const days = Array.from({ length: USAGE_DAYS }, (_, i) => {
    const day = addDays(first, i);
    const u = byDay.get(day) ?? { upload: 0, download: 0 };
    return { day, ...u, bytes: u.upload + u.download };
  });
  const maxBytes = Math.max(0, ...days.map((d) => d.bytes));
  const scale = maxBytes > 0 ? plot / maxBytes : 0;
  return {
    days: days.map((d, i) => {
      // A day with any traffic gets at least a 1-unit bar, so it does not look like no traffic.
      const height = d.bytes > 0 ? Math.max(1, Math.round(d.bytes * scale * 10) / 10) : 0;
      return {
        ...d,
        label: `${d.day.slice(8, 10)}/${d.day.slice(5, 7)}`,
        x: Math.round((CHART.left + i * slot + CHART.gap / 2) * 10) / 10,
        width: Math.round((slot - CHART.gap) * 10) / 10,
        y: Math.round((CHART.bottom - height) * 10) / 10,
        height,
        title: d.day,
      };
    }),
    totalDownload: days.reduce((s, d) => s + d.download, 0),
    totalUpload: days.reduce((s, d) => s + d.upload, 0),
    maxBytes,
    ticks: maxBytes > 0 ? [0, 0.5, 1].map((f) => ({ y: Math.round((CHART.bottom - plot * f) * 10) / 10, bytes: Math.round(maxBytes * f) })) : [],
    width: CHART.width,
    height: CHART.height,
    plotTop: CHART.top,
    plotBottom: CHART.bottom,
    axisY: CHART.height - 5,
  };
}
