/**
 * The invoice list: search by invoice number (pg_trgm index) or by the customer's number or name
 * (customers_search), filters by status, overdue (unpaid and past its due date, in the ISP time
 * zone), issue-date range and billed plan, sorting, and offset pagination of PAGE_SIZE rows
 * (the page's ids first, then their customers and plans). Drafts are not listed: they have no
 * number and no ledger effect. Indexes: migration 20261122000300.
 */
import type { Knex } from '../../lib/db.js';
import { queryValue } from '../../lib/http/request.js';
import { applySearch, resolveSearch, type SearchMatch } from './search-ids.js';
import { inScope, type CustomerScope } from '../../billing/customers/customer-scope.js';

export const PAGE_SIZE = 25;

/** A local date 'YYYY-MM-DD' that exists, else ''. */
export function dateValue(v: unknown): string {
  const s = queryValue(v, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return '';
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s ? s : '';
}

/** `open` is every unpaid invoice (open, partially paid, overdue). */
export const INVOICE_STATUS_FILTERS = ['', 'open', 'partially_paid', 'paid', 'void'] as const;
export const INVOICE_SORTS = ['issued', 'due', 'number', 'total'] as const;

export interface InvoiceListQuery {
  q: string;
  status: (typeof INVOICE_STATUS_FILTERS)[number];
  overdue: boolean;
  /** Issue-date range, local dates 'YYYY-MM-DD' or ''. */
  from: string;
  to: string;
  /** Plan id billed on the invoice, or null. */
  planId: number | null;
  sort: (typeof INVOICE_SORTS)[number];
  dir: 'asc' | 'desc';
  /** 1-based. */
  page: number;
  /** The customers the signed-in staff member reaches (billing/customers/customer-scope.ts); absent: everyone. */
  scope?: CustomerScope;
}

export interface InvoiceListRow {
  id: number;
  invoice_number: string;
  customer_id: number;
  customer_number: string;
  customer_name: string;
  plan_name: string | null;
  status: string;
  issue_date: string | null;
  due_date: string | null;
  total: number;
  amount_paid: number;
  owed: number;
  /** Unpaid and past its due date. */
  overdue: boolean;
}

export interface InvoiceList {
  rows: InvoiceListRow[];
  total: number;
  page: number;
  pages: number;
}

const UNPAID = ['open', 'partially_paid', 'overdue'];

// Invoice numbers are upper case (INV/2026/11/000123): ILIKE through the trigram index.
const OWN_SEARCH = 'SELECT id FROM invoices WHERE invoice_number ILIKE ?';

/** The search resolved once per request (see search-ids.ts), or null without one. */
async function search(db: Knex, query: InvoiceListQuery): Promise<SearchMatch | null> {
  const q = query.q.trim();
  return q ? resolveSearch(db, q, OWN_SEARCH) : null;
}

function filtered(db: Knex, query: InvoiceListQuery, today: string, match: SearchMatch | null): Knex.QueryBuilder {
  const b = db('invoices as i').whereNot('i.status', 'draft');
  if (query.scope) inScope(b, query.scope, 'i.customer_id');
  if (match) applySearch(b, 'i', match, OWN_SEARCH);
  if (query.status === 'open') b.whereIn('i.status', UNPAID);
  else if (query.status) b.where('i.status', query.status);
  if (query.overdue) b.whereIn('i.status', UNPAID).where('i.due_date', '<', today);
  if (query.from) b.where('i.issue_date', '>=', query.from);
  if (query.to) b.where('i.issue_date', '<=', query.to);
  if (query.planId) b.whereExists(db('invoice_lines as l').whereRaw('l.invoice_id = i.id').where('l.plan_id', query.planId));
  return b;
}

const SORT_COLUMNS: Record<InvoiceListQuery['sort'], string> = { issued: 'i.issue_date', due: 'i.due_date', number: 'i.id', total: 'i.total' };

/** One page of invoices; `page` past the end gives the last page. `today` is the local date (for overdue). */
export async function listInvoices(db: Knex, query: InvoiceListQuery, today: string, pageSize = PAGE_SIZE): Promise<InvoiceList> {
  const match = await search(db, query);
  const counted = (await filtered(db, query, today, match).count({ n: '*' })) as Array<{ n: string | number }>;
  const total = Number(counted[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const column = SORT_COLUMNS[query.sort];
  const pageRows = filtered(db, query, today, match)
    .select('i.id', 'i.invoice_number', 'i.customer_id', 'i.status', 'i.issue_date', 'i.due_date', 'i.total', 'i.amount_paid')
    .orderBy(column, query.dir)
    .orderBy('i.id', query.dir)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const rows = await db.from(pageRows.as('i'))
    .join('customers as c', 'c.id', 'i.customer_id')
    .select(
      'i.*', 'c.customer_number', 'c.name as customer_name',
      db.raw(`(SELECT p.name FROM invoice_lines l JOIN plans p ON p.id = l.plan_id WHERE l.invoice_id = i.id ORDER BY l.position LIMIT 1) AS plan_name`),
    )
    .orderBy(column, query.dir)
    .orderBy('i.id', query.dir);
  return {
    rows: (rows as Array<Omit<InvoiceListRow, 'owed' | 'overdue'>>).map((r) => {
      const unpaid = UNPAID.includes(r.status);
      return {
        ...r,
        id: Number(r.id),
        customer_id: Number(r.customer_id),
        total: Number(r.total),
        amount_paid: Number(r.amount_paid),
        owed: unpaid ? Number(r.total) - Number(r.amount_paid) : 0,
        overdue: unpaid && r.due_date !== null && r.due_date < today,
      };
    }),
    total,
    page,
    pages,
  };
}

/**
 * Every invoice of the filter, newest first, in chunks through the id (keyset: the 300th
 * thousand costs what the first does), for the CSV export.
 */
export async function* allInvoices(db: Knex, query: InvoiceListQuery, today: string, chunk = 2000): AsyncGenerator<InvoiceListRow> {
  const match = await search(db, query);
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = (await filtered(db, query, today, match)
      .join('customers as c', 'c.id', 'i.customer_id')
      .where('i.id', '<', before)
      .select('i.id', 'i.invoice_number', 'i.customer_id', 'i.status', 'i.issue_date', 'i.due_date', 'i.total', 'i.amount_paid',
        'c.customer_number', 'c.name as customer_name',
        db.raw(`(SELECT p.name FROM invoice_lines l JOIN plans p ON p.id = l.plan_id WHERE l.invoice_id = i.id ORDER BY l.position LIMIT 1) AS plan_name`))
      .orderBy('i.id', 'desc')
      .limit(chunk)) as Array<Omit<InvoiceListRow, 'owed' | 'overdue'>>;
    for (const r of rows) {
      const unpaid = UNPAID.includes(r.status);
      yield {
        ...r,
        total: Number(r.total),
        amount_paid: Number(r.amount_paid),
        owed: unpaid ? Number(r.total) - Number(r.amount_paid) : 0,
        overdue: unpaid && r.due_date !== null && r.due_date < today,
      };
    }
    if (rows.length < chunk) return;
    before = Number(rows[rows.length - 1]!.id);
  }
}

/** The plans for the plan filter. */
export async function planChoices(db: Knex): Promise<Array<{ id: number; name: string }>> {
  return ((await db('plans').orderBy('name').select('id', 'name')) as Array<{ id: number; name: string }>).map((p) => ({ id: Number(p.id), name: p.name }));
}
