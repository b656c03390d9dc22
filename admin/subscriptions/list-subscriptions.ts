/**
 * The subscription list (the starting point of bulk suspend, reactivate, change plan and export):
 * a search over the username and the customer's number and name, the shared filter
 * (subscription-filter.ts: area, router, plan, status), newest first, PAGE_SIZE rows a page;
 * and every id the same search and filter match, for "select all N matching this filter".
 */
import type { Knex } from '../../lib/db.js';
import { likePattern } from '../customers/list-customers.js';
import { queryValue } from '../../lib/http/request.js';
import type { CustomerScope } from '../../billing/customers/customer-scope.js';
import { applySubscriptionFilter, parseSubscriptionFilter, type SubscriptionFilter } from './subscription-filter.js';

export const PAGE_SIZE = 25;

export interface SubscriptionListQuery extends SubscriptionFilter {
  q: string;
  /** 1-based. */
  page: number;
  /** The customers the signed-in staff member reaches. */
  scope: CustomerScope;
}

export interface SubscriptionListRow {
  id: number;
  username: string;
  status: string;
  service_type: string;
  customer_id: number;
  customer_number: string;
  customer_name: string;
  plan_name: string;
}

export interface SubscriptionList {
  rows: SubscriptionListRow[];
  total: number;
  page: number;
  pages: number;
}

/** The list's query from a query string or form body. */
export function subscriptionListQuery(q: Record<string, unknown>, scope: CustomerScope): SubscriptionListQuery {
  return { ...parseSubscriptionFilter(q), q: queryValue(q.q).trim(), page: Number.parseInt(queryValue(q.page, 6), 10) || 1, scope };
}

function filtered(db: Knex, query: SubscriptionListQuery): Knex.QueryBuilder {
  const b = db('subscriptions as s').join('customers as c', 'c.id', 's.customer_id');
  applySubscriptionFilter(b, query, query.scope);
  if (query.q) {
    const pattern = likePattern(query.q);
    b.where((w) => w.whereRaw('lower(s.username) LIKE ?', [pattern]).orWhereRaw('customer_search_text(c.customer_number, c.name, c.phone, c.email) LIKE ?', [pattern]));
  }
  return b;
}

/** One page of subscriptions, newest first; a page past the end gives the last one. */
export async function listSubscriptions(db: Knex, query: SubscriptionListQuery, pageSize = PAGE_SIZE): Promise<SubscriptionList> {
  const counted = (await filtered(db, query).count({ n: '*' })) as Array<{ n: string | number }>;
  const total = Number(counted[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const rows = (await filtered(db, query)
    .join('plans as p', 'p.id', 's.plan_id')
    .select('s.id', 's.username', 's.status', 's.service_type', 's.customer_id', 'c.customer_number', 'c.name as customer_name', 'p.name as plan_name')
    .orderBy('s.id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)) as SubscriptionListRow[];
  return { rows: rows.map((r) => ({ ...r, id: Number(r.id), customer_id: Number(r.customer_id) })), total, page, pages };
}

/** Every id the query matches, newest first, at most `max` (the caller says when there were more). */
export async function subscriptionIdsMatching(db: Knex, query: SubscriptionListQuery, max: number): Promise<number[]> {
  const rows = (await filtered(db, query).orderBy('s.id', 'desc').limit(max).select('s.id')) as Array<{ id: string | number }>;
  return rows.map((r) => Number(r.id));
}
