/**
 * The plan list: search by name or description, filters by status (active / inactive) and
 * service type (PPPoE / hotspot), sorting, offset pagination of PAGE_SIZE rows. Each row carries
 * its subscriber count (subscriptions not terminated). An ISP sells tens of plans, not thousands:
 * the count is a subquery per row, on the subscriptions_plan index.
 */
import type { Knex } from '../../lib/db.js';
import { likePattern } from '../customers/list-customers.js';

export const PAGE_SIZE = 25;
export const PLAN_STATUSES = ['', 'active', 'inactive'] as const;
export const PLAN_TYPES = ['', 'pppoe', 'hotspot'] as const;
export const PLAN_SORTS = ['name', 'price', 'subscribers', 'created'] as const;

export interface PlanListQuery {
  q: string;
  status: (typeof PLAN_STATUSES)[number];
  type: (typeof PLAN_TYPES)[number];
  sort: (typeof PLAN_SORTS)[number];
  dir: 'asc' | 'desc';
  /** 1-based. */
  page: number;
}

export interface PlanListRow {
  id: number;
  name: string;
  description: string | null;
  service_type: 'pppoe' | 'hotspot';
  /** Rupiah. */
  price: number;
  billing_cycle: string;
  cycle_days: number | null;
  rate_limit: string;
  quota_bytes: number | null;
  fup_rate_limit: string | null;
  framed_pool: string | null;
  mikrotik_group: string | null;
  simultaneous_use: number;
  /** Hours of outage tolerated before the SLA credit (billing/plans/sla-credit.ts); null: no SLA credit. */
  sla_threshold_hours: number | null;
  is_active: boolean;
  created_at: Date;
  subscribers: number;
}

export interface PlanList {
  rows: PlanListRow[];
  total: number;
  page: number;
  pages: number;
}

const SUBSCRIBERS = `(SELECT count(*)::int FROM subscriptions s WHERE s.plan_id = p.id AND s.status <> 'terminated')`;

function filtered(db: Knex, query: PlanListQuery): Knex.QueryBuilder {
  const b = db('plans as p');
  const q = query.q.trim();
  if (q) b.whereRaw(`lower(p.name || ' ' || coalesce(p.description, '')) LIKE ?`, [likePattern(q)]);
  if (query.status) b.where('p.is_active', query.status === 'active');
  if (query.type) b.where('p.service_type', query.type);
  return b;
}

/** One page of plans; `page` past the end gives the last page. */
export async function listPlans(db: Knex, query: PlanListQuery, pageSize = PAGE_SIZE): Promise<PlanList> {
  const counted = (await filtered(db, query).count({ n: '*' })) as Array<{ n: string | number }>;
  const total = Number(counted[0]?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, query.page), pages);
  const order = { name: 'p.name', price: 'p.price', subscribers: 'subscribers', created: 'p.created_at' }[query.sort];
  const rows = await filtered(db, query)
    .select('p.id', 'p.name', 'p.description', 'p.service_type', 'p.price', 'p.billing_cycle', 'p.cycle_days', 'p.rate_limit', 'p.quota_bytes',
      'p.fup_rate_limit', 'p.framed_pool', 'p.mikrotik_group', 'p.simultaneous_use', 'p.sla_threshold_hours', 'p.is_active', 'p.created_at', db.raw(`${SUBSCRIBERS} AS subscribers`))
    .orderBy(order, query.dir)
    .orderBy('p.id', query.dir)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { rows: rows as PlanListRow[], total, page, pages };
}
