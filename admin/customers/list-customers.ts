/**
 * The customer list: substring search over customer number, name, phone, email and subscription
 * usernames (pg_trgm indexes, migration 20261121002100), a filter by subscription status or
 * overdue invoices, sorting, and offset pagination of PAGE_SIZE rows. Each row carries its
 * balance (sum of the ledger) and its subscriptions' usernames.
 */
import type { Knex } from '../../lib/db.js';

export const PAGE_SIZE = 25;
export const CUSTOMER_FILTERS = ['', 'active', 'soft_limited', 'suspended', 'terminated', 'overdue'] as const;
export const CUSTOMER_SORTS = ['number', 'name', 'created'] as const;

export interface CustomerListQuery {
  q: string;
  filter: (typeof CUSTOMER_FILTERS)[number];
  sort: (typeof CUSTOMER_SORTS)[number];
  dir: 'asc' | 'desc';
  /** 1-based. */
  page: number;
}

export interface CustomerListRow {
  id: number;
  customer_number: string;
  name: string;
  phone: string | null;
  usernames: string | null;
  statuses: string[];
  balance: number;
  created_at: Date;
}

export interface CustomerList {
  rows: CustomerListRow[];
  total: number;
  page: number;
  pages: number;
}

/** `%…%` for ILIKE with the user's own % and _ taken literally. */
export function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filtered(db: Knex, query: CustomerListQuery): Knex.QueryBuilder {
  const b = db('customers as c');
  const q = query.q.trim();
  if (q) {
    const pattern = likePattern(q);
    b.where((w) =>
      w.whereRaw('customer_search_text(c.customer_number, c.name, c.phone, c.email) LIKE ?', [pattern])
        .orWhereExists(db('subscriptions as s').whereRaw('s.customer_id = c.id').whereRaw('lower(s.username) LIKE ?', [pattern])),
    );
  }
  if (query.filter === 'overdue') b.whereExists(db('invoices as i').whereRaw('i.customer_id = c.id').where('i.status', 'overdue'));
  else if (query.filter) b.whereExists(db('subscriptions as s').whereRaw('s.customer_id = c.id').where('s.status', query.filter));
  return b;
}

/** One page of customers; `page` past the end gives the last page. */
export async function listCustomers(db: Knex, query: CustomerListQuery, pageSize = PAGE_SIZE): Promise<CustomerList> {
  const counted = (await filtered(db, query).count({ n: '*' })) as Array<{ n: string | number }>;
  const total = Number(counted[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const column = { number: 'c.id', name: 'c.name', created: 'c.created_at' }[query.sort];
  const rows = await filtered(db, query)
    .select(
      'c.id', 'c.customer_number', 'c.name', 'c.phone', 'c.created_at',
      db.raw(`(SELECT string_agg(s.username, ', ' ORDER BY s.id) FROM subscriptions s WHERE s.customer_id = c.id) AS usernames`),
      db.raw(`(SELECT coalesce(array_agg(DISTINCT s.status), '{}') FROM subscriptions s WHERE s.customer_id = c.id) AS statuses`),
      db.raw(`(SELECT coalesce(sum(l.amount), 0) FROM ledger_entries l WHERE l.customer_id = c.id) AS balance`),
    )
    .orderBy(column, query.dir)
    .orderBy('c.id', query.dir)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { rows: rows as CustomerListRow[], total, page, pages };
}
