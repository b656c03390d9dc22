/**
 * The filter staff narrow subscriptions by, shared by the subscription list (bulk actions) and
 * the WhatsApp broadcast (admin/broadcasts/): the customer's area, the router (NAS) the
 * subscription last connected through (its latest accounting session: subscriptions are not
 * bound to a router, the sessions say where they are), the plan and the status.
 * The area is `customers.area` (migration 20261207000600_collector_areas). Every query is also
 * narrowed to the signed-in staff member's customers (billing/customers/customer-scope.ts).
 */
import type { Knex } from '../../lib/db.js';
import { queryValue } from '../../lib/http/request.js';
import { customerAreas } from '../customers/list-customers.js';
import { inScope, type CustomerScope } from '../../billing/customers/customer-scope.js';

export const SUBSCRIPTION_STATUSES = ['active', 'soft_limited', 'suspended', 'terminated'] as const;

export interface SubscriptionFilter {
  /** `customers.area` exactly, or '' for any. */
  area: string;
  nasId: number | null;
  planId: number | null;
  /** One status, or '' for every status but terminated. */
  status: (typeof SUBSCRIPTION_STATUSES)[number] | '';
}

const idValue = (v: unknown): number | null => {
  const s = queryValue(v, 16);
  return /^\d{1,15}$/.test(s) ? Number(s) : null;
};

/** The filter from a query string or a form body (`area`, `nas`, `plan`, `status`); anything unknown is dropped. */
export function parseSubscriptionFilter(q: Record<string, unknown>): SubscriptionFilter {
  const status = queryValue(q.status, 20);
  return {
    area: queryValue(q.area, 100).trim(),
    nasId: idValue(q.nas),
    planId: idValue(q.plan),
    status: (SUBSCRIPTION_STATUSES as readonly string[]).includes(status) ? (status as SubscriptionFilter['status']) : '',
  };
}

/** The filter as query parameters (the inverse of parseSubscriptionFilter). */
export function filterParams(f: SubscriptionFilter): Record<string, string> {
  return { area: f.area, nas: f.nasId ? String(f.nasId) : '', plan: f.planId ? String(f.planId) : '', status: f.status };
}

/** Narrows `b`, a query over `subscriptions as s` joined to `customers as c`, by the filter and `scope`. */
export function applySubscriptionFilter(b: Knex.QueryBuilder, f: SubscriptionFilter, scope: CustomerScope): Knex.QueryBuilder {
  inScope(b, scope, 'c.id');
  if (f.status) b.where('s.status', f.status);
  else b.whereNot('s.status', 'terminated');
  if (f.planId) b.where('s.plan_id', f.planId);
  if (f.nasId) {
    b.whereRaw('(SELECT a.nas_id FROM accounting_sessions a WHERE a.subscription_id = s.id ORDER BY a.start_time DESC LIMIT 1) = ?', [f.nasId]);
  }
  if (f.area) b.where('c.area', f.area);
  return b.whereNull('c.archived_at');
}

/** The choices of the filter's selects: plans, routers and the areas (those of `scope`). */
export async function filterChoices(db: Knex, scope: CustomerScope): Promise<{ plans: Array<{ id: number; name: string }>; nas: Array<{ id: number; name: string }>; areas: string[] }> {
  const [plans, nas, areas] = await Promise.all([db('plans').orderBy('name').select('id', 'name'), db('nas').orderBy('name').select('id', 'name'), customerAreas(db, scope)]);
  const rows = (list: Array<{ id: number | string; name: string }>) => list.map((r) => ({ id: Number(r.id), name: r.name }));
  return { plans: rows(plans), nas: rows(nas), areas };
}
