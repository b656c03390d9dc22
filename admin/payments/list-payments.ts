/**
 * The payment list: search by receipt number (KWT/2026/11/000123 names payment 123), gateway
 * order id or reference (pg_trgm over payment_search_text), or the customer's number, name or
 * phone (customers_search); filters by method (cash, bank transfer, online), gateway provider,
 * status (or flagged for staff), and the date the money arrived (settled, else created: in the ISP
 * time zone); sorting; offset pagination of PAGE_SIZE rows, the page's ids first. Indexes:
 * migration 20261122000300. Narrowed to the signed-in staff member's scope (a collector: their
 * areas' customers, billing/customers/customer-scope.ts).
 */
import type { Knex } from '../../lib/db.js';
import { receiptNumber } from '../../billing/ledger/payment-allocations.js';
import { applySearch, resolveSearch, type SearchMatch } from '../invoices/search-ids.js';
import { inScope, type CustomerScope } from '../../billing/customers/customer-scope.js';

export const PAGE_SIZE = 25;
export const PAYMENT_METHOD_FILTERS = ['', 'cash', 'bank_transfer', 'online'] as const;
export const PAYMENT_PROVIDERS = ['', 'midtrans', 'xendit', 'tripay', 'duitku'] as const;
export const PAYMENT_STATUS_FILTERS = ['', 'settled', 'pending', 'failed', 'expired', 'refunded', 'flagged'] as const;
export const PAYMENT_SORTS = ['received', 'amount', 'number'] as const;

export interface PaymentListQuery {
  q: string;
  method: (typeof PAYMENT_METHOD_FILTERS)[number];
  provider: (typeof PAYMENT_PROVIDERS)[number];
  status: (typeof PAYMENT_STATUS_FILTERS)[number];
  /** Local dates 'YYYY-MM-DD' or ''. */
  from: string;
  to: string;
  sort: (typeof PAYMENT_SORTS)[number];
  dir: 'asc' | 'desc';
  page: number;
  /** The customers the signed-in staff member reaches (billing/customers/customer-scope.ts); absent: everyone. */
  scope?: CustomerScope;
}

export interface PaymentListRow {
  id: number;
  receipt_number: string;
  received_at: Date;
  customer_id: number;
  customer_number: string;
  customer_name: string;
  method: string;
  gateway_payment_type: string | null;
  status: string;
  flagged_reason: string | null;
  amount: number;
  received_by_name: string | null;
  reference: string | null;
  gateway_order_id: string | null;
  invoice_id: number | null;
  invoice_number: string | null;
}

export interface PaymentList {
  rows: PaymentListRow[];
  total: number;
  page: number;
  pages: number;
}

const RECEIVED = 'coalesce(p.settled_at, p.created_at)';

/** The payment id a receipt number names (`KWT/2026/11/000123`, `kwt/000123`), else null. */
export function receiptId(q: string): number | null {
  const m = /^kwt\/(?:\d{4}\/\d{2}\/)?0*(\d{1,15})$/i.exec(q.trim());
  return m ? Number(m[1]) : null;
}

const OWN_SEARCH = 'SELECT id FROM payments WHERE payment_search_text(gateway_order_id, reference) LIKE ?';

/** A receipt number names one payment; other text is resolved once per request (search-ids.ts). */
type PaymentSearch = { kind: 'receipt'; id: number } | SearchMatch;

async function search(db: Knex, query: PaymentListQuery): Promise<PaymentSearch | null> {
  const q = query.q.trim();
  if (!q) return null;
  const id = receiptId(q);
  return id !== null ? { kind: 'receipt', id } : resolveSearch(db, q, OWN_SEARCH);
}

function filtered(db: Knex, query: PaymentListQuery, timeZone: string, match: PaymentSearch | null): Knex.QueryBuilder {
  const b = db('payments as p');
  if (query.scope) inScope(b, query.scope, 'p.customer_id');
  if (match?.kind === 'receipt') b.where('p.id', match.id);
  else if (match) applySearch(b, 'p', match, OWN_SEARCH);
  if (query.method === 'online') b.whereIn('p.method', ['midtrans', 'xendit', 'tripay', 'duitku']);
  else if (query.method) b.where('p.method', query.method);
  if (query.provider) b.where('p.method', query.provider);
  if (query.status === 'flagged') b.whereNotNull('p.flagged_reason');
  else if (query.status) b.where('p.status', query.status);
  if (query.from) b.whereRaw(`${RECEIVED} >= (?::date)::timestamp AT TIME ZONE ?`, [query.from, timeZone]);
  if (query.to) b.whereRaw(`${RECEIVED} < ((?::date) + 1)::timestamp AT TIME ZONE ?`, [query.to, timeZone]);
  return b;
}

const SORTS: Record<PaymentListQuery['sort'], string> = { received: RECEIVED, amount: 'p.amount', number: 'p.id' };

const DETAILS = (db: Knex, timeZone: string): Array<string | Knex.Raw> => [
  'c.customer_number', 'c.name as customer_name', 'u.name as received_by_name', 'i.invoice_number',
  db.raw(`to_char(p.received_at AT TIME ZONE ?, 'YYYY-MM-DD') AS received_on`, [timeZone]),
];

type Raw = Omit<PaymentListRow, 'receipt_number'> & { received_on: string };

function shape(r: Raw): PaymentListRow {
  const { received_on: on, ...rest } = r;
  return {
    ...rest, id: Number(r.id), customer_id: Number(r.customer_id), amount: Number(r.amount), invoice_id: r.invoice_id === null ? null : Number(r.invoice_id),
    receipt_number: receiptNumber(Number(r.id), on),
  };
}

const COLUMNS = ['p.id', 'p.customer_id', 'p.method', 'p.gateway_payment_type', 'p.status', 'p.flagged_reason', 'p.amount', 'p.reference',
  'p.gateway_order_id', 'p.invoice_id', 'p.received_by'];

/** One page of payments; `page` past the end gives the last page. */
export async function listPayments(db: Knex, query: PaymentListQuery, timeZone: string, pageSize = PAGE_SIZE): Promise<PaymentList> {
  const match = await search(db, query);
  const counted = (await filtered(db, query, timeZone, match).count({ n: '*' })) as Array<{ n: string | number }>;
  const total = Number(counted[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const sort = SORTS[query.sort];
  const pageRows = filtered(db, query, timeZone, match)
    .select(...COLUMNS, db.raw(`${RECEIVED} AS received_at`), db.raw(`${sort} AS sort_key`))
    .orderByRaw(`${sort} ${query.dir}, p.id ${query.dir}`)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const rows = await db.from(pageRows.as('p'))
    .join('customers as c', 'c.id', 'p.customer_id')
    .leftJoin('staff_users as u', 'u.id', 'p.received_by')
    .leftJoin('invoices as i', 'i.id', 'p.invoice_id')
    .select('p.*', ...DETAILS(db, timeZone))
    .orderByRaw(`p.sort_key ${query.dir}, p.id ${query.dir}`);
  return { rows: (rows as Raw[]).map(shape), total, page, pages };
}

/** Every payment of the filter, newest id first, in keyset chunks (for the CSV export). */
export async function* allPayments(db: Knex, query: PaymentListQuery, timeZone: string, chunk = 2000): AsyncGenerator<PaymentListRow> {
  const match = await search(db, query);
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const ids = filtered(db, query, timeZone, match).where('p.id', '<', before).select(...COLUMNS, db.raw(`${RECEIVED} AS received_at`)).orderBy('p.id', 'desc').limit(chunk);
    const rows = (await db.from(ids.as('p'))
      .join('customers as c', 'c.id', 'p.customer_id')
      .leftJoin('staff_users as u', 'u.id', 'p.received_by')
      .leftJoin('invoices as i', 'i.id', 'p.invoice_id')
      .select('p.*', ...DETAILS(db, timeZone))
      .orderBy('p.id', 'desc')) as Raw[];
    for (const r of rows) yield shape(r);
    if (rows.length < chunk) return;
    before = Number(rows[rows.length - 1]!.id);
  }
}
